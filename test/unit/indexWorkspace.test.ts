// WorkspaceIndex with stand-in engine services: work pre-empted by a completion is retried, searches
// in a loop do not starve it, a new embedding model re-embeds everything, and the index without a
// model is keyword-only.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { Scheduler } from '../../sidecar/engine/scheduler';
import { IndexRegistry, type RegistryServices } from '../../sidecar/index/registry';

const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-index-unit-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function workspace(name: string): { root: string; storageDir: string } {
  const root = path.join(scratch, name, 'workspace');
  mkdirSync(path.join(root, 'src'), { recursive: true });
  writeFileSync(path.join(root, 'src/math.ts'), 'export function addNumbers(a: number, b: number) {\n  return a + b;\n}\n');
  writeFileSync(path.join(root, 'src/text.py'), 'def shout(text):\n    return text.upper()\n');
  return { root, storageDir: path.join(scratch, name, 'storage') };
}

function services(overrides: Partial<RegistryServices> & { model?: () => string | undefined; dimensions?: () => number } = {}): RegistryServices {
  const dimensions = overrides.dimensions ?? (() => 8);
  const vector = (text: string) => Float32Array.from({ length: dimensions() }, (_, i) => Math.sin(text.length * (i + 1)));
  return {
    embedder: { model: overrides.model ?? (() => 'model-a'), embed: async (texts) => texts.map(vector) },
    embedQuery: async (text) => vector(text),
    background: overrides.background ?? ((signal, task) => task(signal)),
    onStatus: () => undefined,
  };
}

test('a unit of work pre-empted by a completion is retried, not lost', async () => {
  let preemptions = 0;
  const registry = new IndexRegistry(
    services({
      background: async (signal, task) => {
        if (preemptions++ < 2) throw new PylotError(ErrorCodes.Preempted, 'a completion started');
        return task(signal);
      },
    }),
  );
  const index = registry.open(workspace('preempted'));
  await index.idle();
  assert.equal(index.status().filesIndexed, 2);
  assert.ok(preemptions > 2);
  await registry.closeAll();
});

test('searches one after another never starve indexing (through the real scheduler)', async () => {
  const scheduler = new Scheduler();
  // Like the local engine: a batch takes a while and stops at the next text once aborted.
  const slowEmbed = async (texts: readonly string[], signal: AbortSignal) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (signal.aborted) throw new PylotError(ErrorCodes.Cancelled, 'Embedding was cancelled.');
    return texts.map(() => Float32Array.from({ length: 8 }, () => 1));
  };
  const registry = new IndexRegistry({
    embedder: { model: () => 'model-a', embed: slowEmbed },
    embedQuery: (text, signal) => scheduler.run('query', signal, async (granted) => (await slowEmbed([text], granted))[0]!),
    background: (signal, task) => scheduler.run('background', signal, task),
    onStatus: () => undefined,
  });
  const index = registry.open(workspace('searched'));
  let idle = false;
  void index.idle().then(() => (idle = true));
  // A hang guard, not a timing: before queries let a running unit finish, this never went idle.
  const deadline = Date.now() + 20_000;
  let searches = 0;
  while (!idle && Date.now() < deadline) {
    await registry.search({ query: 'add numbers', limit: 2 }, new AbortController().signal);
    searches++;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  assert.ok(idle, `indexing never finished under ${searches} searches`);
  assert.equal(index.status().chunksEmbedded, index.status().chunks);
  await registry.closeAll();
});

test('a different embedding model re-embeds every chunk, whatever its dimensions', async () => {
  let model = 'model-a';
  let dimensions = 8;
  const registry = new IndexRegistry(services({ model: () => model, dimensions: () => dimensions }));
  const index = registry.open(workspace('models'));
  await index.idle();
  assert.equal(index.status().chunksEmbedded, index.status().chunks);
  model = 'model-b';
  dimensions = 16;
  index.checkEmbeddingModel();
  await index.idle();
  assert.equal(index.embeddingModel, 'model-b');
  assert.equal(index.status().chunksEmbedded, index.status().chunks);
  const answer = await registry.search({ query: 'shout', limit: 2 }, new AbortController().signal);
  assert.equal(answer.mode, 'hybrid');
  assert.equal(answer.results[0]?.relativePath, 'src/text.py');
  await registry.closeAll();
});

test('without an embedding model the index is keyword-only and says so', async () => {
  const registry = new IndexRegistry(services({ model: () => undefined }));
  const index = registry.open(workspace('keywords'));
  await index.idle();
  const status = index.status();
  assert.equal(status.vectors, 'none');
  assert.equal(status.chunksEmbedded, 0);
  assert.match(status.message ?? '', /keywords \(BM25\) only/);
  const answer = await registry.search({ query: 'add numbers', limit: 2 }, new AbortController().signal);
  assert.equal(answer.mode, 'keyword');
  assert.equal(answer.results[0]?.relativePath, 'src/math.ts');
  assert.equal(answer.results[0]?.symbol, 'addNumbers');
  await registry.closeAll();
});
