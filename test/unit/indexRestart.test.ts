// A restart opens the index from its table snapshot (one read, no re-tokenizing) and replays only
// what changed after it: records written or deleted since, by anyone. A damaged or half-written
// snapshot costs a slower open from the records, never a wrong index.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, statSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { IndexRegistry, type RegistryServices } from '../../sidecar/index/registry';
import { formatVersion, ShardStore } from '../../sidecar/index/shardStore';

const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-index-restart-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function workspace(name: string): { root: string; storageDir: string } {
  const root = path.join(scratch, name, 'workspace');
  mkdirSync(path.join(root, 'src'), { recursive: true });
  // Texts of different lengths and words, so no two chunks tie in either ranking.
  for (let i = 0; i < 12; i++)
    writeFileSync(
      path.join(root, `src/module${i}.ts`),
      `export function computeTotal${i}(items: number[]) {\n  return items.reduce((sum, item) => sum + item * ${i}, 0)${' + extra'.repeat(i)};\n}\n${Array.from({ length: i }, (_, j) => `// note ${'word'.repeat(j + 1)}${i}`).join('\n')}\n`,
    );
  writeFileSync(path.join(root, 'src/text.py'), 'def shout(text):\n    return text.upper()\n');
  return { root, storageDir: path.join(scratch, name, 'storage') };
}

function services(model: string | undefined = 'model-a'): RegistryServices {
  const vector = (text: string) => Float32Array.from({ length: 8 }, (_, i) => Math.sin(text.length * (i + 1)) + 0.01);
  return {
    embedder: { model: () => model, embed: async (texts) => texts.map(vector) },
    embedQuery: async (text) => vector(text),
    background: (signal, task) => task(signal),
    onStatus: () => undefined,
  };
}

async function answers(registry: IndexRegistry, queries: string[]): Promise<string[][]> {
  const all: string[][] = [];
  for (const query of queries)
    all.push((await registry.search({ query, limit: 5 }, new AbortController().signal)).results.map((r) => `${r.relativePath}:${r.startLine}`));
  return all;
}

const queries = ['compute total', 'shout text', 'items reduce sum', 'computeTotal7'];

test('a restart loads the table snapshot and answers as the index did before it', async () => {
  const folders = workspace('restart');
  const first = new IndexRegistry(services());
  const index = first.open(folders);
  await index.idle();
  assert.equal(index.loadedFromSnapshot, false, 'the first open reads the records');
  const before = await answers(first, queries);
  const chunks = index.status().chunks;
  await first.closeAll();
  assert.ok(readdirSync(folders.storageDir).includes('table.bin'), 'closing saves the tables');

  const second = new IndexRegistry(services());
  const reopened = second.open(folders);
  await reopened.loaded;
  assert.equal(reopened.loadedFromSnapshot, true);
  assert.equal(reopened.status().chunks, chunks);
  assert.equal(reopened.status().chunksEmbedded, chunks, 'every vector is there: nothing to re-embed');
  assert.deepEqual(await answers(second, queries), before);
  await reopened.idle();
  assert.equal(reopened.stats.generation, index.stats.generation, 'nothing was re-indexed');
  await second.closeAll();
});

test('records written or deleted after the snapshot are replayed on open', async () => {
  const folders = workspace('replay');
  const first = new IndexRegistry(services(undefined));
  await first.open(folders).idle();
  await first.closeAll();
  // Another writer (or a crash after commits the snapshot never saw): a new record, a deleted one.
  const store = new ShardStore(folders.storageDir);
  const later = Date.now() + 5_000;
  // On disk too: search answers only with files that are still there to read.
  writeFileSync(path.join(folders.root, 'src/late.ts'), 'export function lateArrival() { return 1; }\n');
  const written = store.write({
    version: formatVersion,
    path: 'src/late.ts',
    mtimeMs: 1,
    size: 1,
    generation: 999,
    chunks: [{ key: 999 * 65536, startLine: 0, endLine: 2, symbol: 'lateArrival', text: 'export function lateArrival() { return 1; }' }],
  });
  assert.equal(written.path, 'src/late.ts');
  store.delete('src/text.py');
  const record = readdirSync(path.join(folders.storageDir, 'files')).find((name) => name.endsWith('.json'))!;
  utimesSync(path.join(folders.storageDir, 'files', record), later / 1000, later / 1000);

  const second = new IndexRegistry(services(undefined));
  const reopened = second.open(folders);
  await reopened.loaded;
  assert.equal(reopened.loadedFromSnapshot, true);
  const found = async (query: string) => (await second.search({ query, limit: 3 }, new AbortController().signal)).results.map((r) => r.relativePath);
  assert.deepEqual((await found('lateArrival')).slice(0, 1), ['src/late.ts']);
  assert.ok(!(await found('shout')).includes('src/text.py'), 'the deleted record is gone');
  assert.ok(reopened.stats.generation >= 999, 'generations never go back');
  await second.closeAll();
});

test('a damaged or half-written table snapshot means a slower open, the same answers', async () => {
  const folders = workspace('damaged');
  const first = new IndexRegistry(services());
  await first.open(folders).idle();
  const before = await answers(first, queries);
  await first.closeAll();
  const table = path.join(folders.storageDir, 'table.bin');
  truncateSync(table, Math.floor(statSync(table).size / 2));
  writeFileSync(`${table}.1234.0.tmp`, 'a write a crash cut short');

  const second = new IndexRegistry(services());
  const reopened = second.open(folders);
  await reopened.loaded;
  assert.equal(reopened.loadedFromSnapshot, false);
  assert.deepEqual(await answers(second, queries), before);
  assert.ok(!readdirSync(folders.storageDir).some((name) => name.endsWith('.tmp')), 'the stray temporary is removed');
  await second.closeAll();

  const third = new IndexRegistry(services());
  const again = third.open(folders);
  await again.loaded;
  assert.equal(again.loadedFromSnapshot, true, 'the next close wrote a good one');
  assert.deepEqual(await answers(third, queries), before);
  await third.closeAll();
});
