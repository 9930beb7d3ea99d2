// The index's compact structures: the key → ordinal hash, the postings arena, and the chunk table
// built on them, checked against plain Maps and arrays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bm25Index } from '../../sidecar/index/bm25';
import { ChunkTable } from '../../sidecar/index/chunkTable';
import { grown, KeyMap, PostingsArena } from '../../sidecar/index/compact';
import { formatVersion, type FileRecord } from '../../sidecar/index/shardStore';

test('KeyMap agrees with a Map through adds, overwrites, deletes and rehashes', () => {
  const keys = new KeyMap();
  const reference = new Map<number, number>();
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let step = 0; step < 40_000; step++) {
    // Chunk-like keys (generation × 2^16 + n, above 2^32 too) and small ones.
    const key = step % 3 === 0 ? random() % 5000 : (random() % 30_000) * 65536 + (random() % 40);
    if (random() % 4 === 0) {
      assert.equal(keys.delete(key), reference.delete(key));
    } else {
      keys.set(key, step);
      reference.set(key, step);
    }
  }
  assert.equal(keys.size, reference.size);
  for (const [key, value] of reference) assert.equal(keys.get(key), value);
  for (let probe = 0; probe < 5000; probe++) {
    const key = (random() % 30_000) * 65536 + (random() % 40);
    assert.equal(keys.get(key), reference.get(key));
    assert.equal(keys.has(key), reference.has(key));
  }
  assert.throws(() => keys.set(-1, 0), RangeError);
  assert.throws(() => keys.set(1.5, 0), RangeError);
});

test('KeyMap reuses deleted slots without growing', () => {
  const keys = new KeyMap();
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 100; i++) keys.set(round * 1000 + i, i);
    for (let i = 0; i < 100; i++) keys.delete(round * 1000 + i);
  }
  assert.equal(keys.size, 0);
  keys.set(42, 1);
  assert.equal(keys.get(42), 1);
  assert.equal(keys.get(199_000), undefined);
});

const entriesOf = (arena: PostingsArena, list: number) => {
  const entries: Array<[number, number]> = [];
  for (let i = arena.starts[list]!; i < arena.starts[list]! + arena.sizes[list]!; i++) entries.push([arena.docs[i]!, arena.tfs[i]!]);
  return entries;
};

test('PostingsArena keeps interleaved lists intact as they grow and move', () => {
  const arena = new PostingsArena();
  const reference: Array<Array<[number, number]>> = [];
  const lists: number[] = [];
  for (let i = 0; i < 300; i++) {
    lists.push(arena.create());
    reference.push([]);
  }
  for (let doc = 0; doc < 3000; doc++) {
    for (let i = 0; i < lists.length; i++) {
      if ((doc * 31 + i * 17) % (i + 2) !== 0) continue;
      const tf = 1 + ((doc + i) % 200);
      arena.push(lists[i]!, doc, tf);
      reference[i]!.push([doc, tf]);
    }
  }
  for (let i = 0; i < lists.length; i++) assert.deepEqual(entriesOf(arena, lists[i]!), reference[i]);
  assert.ok(arena.waste > 0, 'lists that grew left room behind');
  // Compaction packs them back to back and can drop entries.
  const emptied = arena.compact((doc) => doc % 2 === 0);
  assert.equal(arena.waste, 0);
  for (let i = 0; i < lists.length; i++)
    assert.deepEqual(
      entriesOf(arena, lists[i]!),
      reference[i]!.filter(([doc]) => doc % 2 === 0),
    );
  for (const list of emptied) assert.equal(arena.sizes[list], 0);
  // And they grow again afterwards.
  arena.push(lists[5]!, 5000, 3);
  assert.deepEqual(entriesOf(arena, lists[5]!).at(-1), [5000, 3]);
  assert.deepEqual(
    entriesOf(arena, lists[4]!),
    reference[4]!.filter(([doc]) => doc % 2 === 0),
  );
});

test('PostingsArena reuses released list numbers', () => {
  const arena = new PostingsArena();
  const a = arena.create();
  const b = arena.create();
  arena.push(a, 1, 1);
  arena.push(b, 2, 1);
  arena.release(a);
  const c = arena.create();
  assert.equal(c, a);
  assert.deepEqual(entriesOf(arena, c), []);
  arena.push(c, 3, 2);
  assert.deepEqual(entriesOf(arena, c), [[3, 2]]);
  assert.deepEqual(entriesOf(arena, b), [[2, 1]]);
  arena.compact();
  assert.deepEqual(entriesOf(arena, c), [[3, 2]]);
  assert.deepEqual(entriesOf(arena, b), [[2, 1]]);
});

test('grown grows by half, from a minimum', () => {
  assert.equal(grown(0, 10), 1024);
  assert.equal(grown(1024, 1025), 1536);
  assert.ok(grown(1024, 100_000) >= 100_000);
});

const record = (path: string, generation: number, symbols: string[]): FileRecord => ({
  version: formatVersion,
  path,
  mtimeMs: 1,
  size: 10,
  generation,
  chunks: symbols.map((symbol, i) => ({
    key: generation * 65536 + i,
    startLine: i * 10,
    endLine: i * 10 + 9,
    symbol,
    text: `function ${symbol}() { return ${path} }`,
  })),
});

test('ChunkTable answers with the chunks of the files it holds, as files are replaced and removed', () => {
  const table = new ChunkTable(() => undefined);
  table.add(record('src/a.ts', 1, ['parseConfig', 'renderButton']));
  table.add(record('src/b.ts', 2, ['httpClient']));
  assert.equal(table.chunkCount, 3);
  const [hit] = table.keywordSearch('parse config', 1);
  assert.deepEqual({ ...hit, ordinal: undefined }, { key: 65536, file: 'src/a.ts', startLine: 0, endLine: 9, symbol: 'parseConfig', ordinal: undefined });
  assert.deepEqual(table.keysOf(table.files.get('src/a.ts')!), [65536, 65537]);
  // Replaced: the old chunks are gone, the new ones found.
  table.remove('src/a.ts');
  table.add(record('src/a.ts', 3, ['loadSettings']));
  assert.equal(table.chunkCount, 2);
  assert.deepEqual(table.keywordSearch('parse config', 5), []);
  assert.equal(table.keywordSearch('load settings', 1)[0]!.key, 3 * 65536);
  table.remove('src/b.ts');
  assert.deepEqual(table.keywordSearch('http client', 5), []);
  assert.deepEqual([...table.files.keys()], ['src/a.ts']);
});

test('BM25 over the arena ranks a churned index as a fresh one with the same documents', () => {
  const churned = new Bm25Index();
  const text = (doc: number, version: number) => `function handler${doc % 50} common shared value${(doc * 7 + version) % 300} term${doc % 13}`;
  const latest = new Map<number, number>();
  let ordinal = 0;
  const ordinalOf = new Map<number, number>();
  // Documents re-added many times under new ordinals, as saves do: lists move, tombstones pile up, sweeps run.
  for (let version = 0; version < 30; version++) {
    for (let doc = 0; doc < 400; doc++) {
      if ((doc + version) % 3 !== 0 && version > 0) continue;
      const previous = ordinalOf.get(doc);
      if (previous !== undefined) churned.remove(previous);
      churned.add(ordinal, text(doc, version));
      ordinalOf.set(doc, ordinal++);
      latest.set(doc, version);
    }
  }
  const fresh = new Bm25Index();
  for (const [doc, version] of latest) fresh.add(ordinalOf.get(doc)!, text(doc, version));
  assert.equal(churned.size, fresh.size);
  const queries = ['handler7 value12', 'common term3', 'shared handler49 value299', 'value0'];
  // Before a sweep, idf still counts tombstoned entries (as it always has); only live documents answer.
  const live = new Set(ordinalOf.values());
  for (const query of queries)
    assert.ok(
      churned.search(query, 50).every((hit) => live.has(hit.doc)),
      query,
    );
  // Once swept, scores are the fresh index's exactly (every hit asked for: which of equal scores make a cut is order-dependent).
  churned.trim();
  for (const query of queries) assert.deepEqual(churned.search(query, 1000), fresh.search(query, 1000), query);
});
