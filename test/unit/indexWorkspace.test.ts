// WorkspaceIndex with stand-in engine services: work pre-empted by a completion is retried, a new
// embedding model re-embeds everything, and the index without a model is keyword-only.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
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
