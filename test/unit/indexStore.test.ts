// The disk side of the index: the HNSW vector store, atomic writes, the writer lock, and a crash in
// the middle of a write leaving a usable index.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writeFileAtomic } from '../../sidecar/index/atomicFile';
import { formatVersion, ShardStore } from '../../sidecar/index/shardStore';
import { HnswVectorStore } from '../../sidecar/index/vectorStore';
import { WriterLock } from '../../sidecar/index/writerLock';

const dir = mkdtempSync(path.join(tmpdir(), 'pylot-index-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const unit = (dims: number, hot: number) => Float32Array.from({ length: dims }, (_, i) => (i === hot ? 1 : 0.01));

test('the vector store finds the nearest vector, forgets removed keys, and survives save and load', () => {
  const store = new HnswVectorStore(16);
  for (let i = 0; i < 16; i++) store.add(1000 + i, unit(16, i));
  assert.equal(store.search(unit(16, 5), 1)[0]!.key, 1005);
  store.remove(1005);
  assert.notEqual(store.search(unit(16, 5), 1)[0]!.key, 1005);
  const file = path.join(dir, 'v.usearch');
  store.save(file);
  const loaded = HnswVectorStore.load(file, 16)!;
  assert.equal(loaded.size, 15);
  assert.equal(loaded.search(unit(16, 7), 1)[0]!.key, 1007);
  assert.equal(HnswVectorStore.load(file, 32), undefined, 'other dimensions are refused');
});

test("a record's vectors are stored beside it and replaced with it", () => {
  const storeDir = path.join(dir, 'vectors');
  const shards = new ShardStore(storeDir);
  const chunks = [1, 2].map((key) => ({ key, startLine: key, endLine: key, symbol: '', text: `chunk ${key}` }));
  const first = shards.write({ version: formatVersion, path: 'a.ts', mtimeMs: 1, size: 1, generation: 1, model: 'm', chunks }, [
    Float32Array.of(1, 2, 3),
    Float32Array.of(4, 5, 6),
  ]);
  assert.deepEqual(
    shards.readVectors(shards.read('a.ts')!)?.map((v) => [...v]),
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
  );
  const second = shards.write(
    { version: formatVersion, path: 'a.ts', mtimeMs: 2, size: 2, generation: 2, model: 'm', chunks },
    [Float32Array.of(7, 8), Float32Array.of(9, 10)],
    first.vectors,
  );
  assert.deepEqual(
    shards.readVectors(second)?.map((v) => [...v]),
    [
      [7, 8],
      [9, 10],
    ],
  );
  assert.deepEqual(
    readdirSync(path.join(storeDir, 'files')).filter((name) => name.endsWith('.f32')),
    [second.vectors],
    'the replaced vectors are gone',
  );
  // Vectors a crash left without a record are cleaned up on the next load.
  writeFileSync(path.join(storeDir, 'files', 'orphan.9.f32'), new Uint8Array(8));
  assert.equal([...new ShardStore(storeDir).readAll()].length, 1);
  assert.equal(existsSync(path.join(storeDir, 'files', 'orphan.9.f32')), false);
});

test('an atomic write replaces the whole file and leaves no temporary behind', () => {
  const file = path.join(dir, 'atomic', 'a.json');
  writeFileAtomic(file, 'old');
  writeFileAtomic(file, 'new');
  assert.equal(readFileSync(file, 'utf8'), 'new');
  assert.deepEqual(readdirSync(path.dirname(file)), ['a.json']);
});

test('a process killed in the middle of writing a record leaves the previous record readable', () => {
  const storeDir = path.join(dir, 'crash');
  new ShardStore(storeDir).write({
    version: formatVersion,
    path: 'src/a.ts',
    mtimeMs: 1,
    size: 1,
    generation: 1,
    chunks: [{ key: 65536, startLine: 1, endLine: 1, symbol: '', text: 'old text' }],
  });
  const child = spawnSync(process.execPath, [path.join(import.meta.dirname, 'helpers/tornWrite.mjs'), storeDir, 'src/a.ts']);
  assert.equal(child.signal, 'SIGKILL', child.stderr.toString());
  assert.equal(readdirSync(path.join(storeDir, 'files')).filter((name) => name.endsWith('.tmp')).length, 1, 'the crash tore a temporary file');
  const reopened = new ShardStore(storeDir);
  assert.equal(reopened.read('src/a.ts')?.chunks[0]?.text, 'old text');
  assert.equal([...reopened.readAll()].length, 1);
  assert.deepEqual(
    readdirSync(path.join(storeDir, 'files')).filter((name) => name.endsWith('.tmp')),
    [],
    'opening (reading the records) removed the torn temporary',
  );
});

test('a damaged record is dropped on load instead of breaking the index', () => {
  const storeDir = path.join(dir, 'damaged');
  const shards = new ShardStore(storeDir);
  shards.write({ version: formatVersion, path: 'ok.ts', mtimeMs: 1, size: 1, generation: 2, chunks: [] });
  writeFileSync(path.join(storeDir, 'files', 'ffff.json'), '{"version":1,"path":"torn.ts","chu');
  assert.deepEqual(
    [...shards.readAll()].map((r) => r.path),
    ['ok.ts'],
  );
  assert.equal(existsSync(path.join(storeDir, 'files', 'ffff.json')), false);
});

test('one writer: a live holder keeps the lock; once it is gone the lock is stale and taken over', async () => {
  const file = path.join(dir, 'lock');
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    writeFileSync(file, JSON.stringify({ pid: holder.pid, host: hostname(), since: '' }));
    assert.equal(new WriterLock(file).acquire(), false, 'a live writer keeps it');
  } finally {
    holder.kill('SIGKILL');
    await once(holder, 'exit');
  }
  const lock = new WriterLock(file);
  assert.equal(lock.acquire(), true, 'the lock of a writer that died is stale');
  assert.equal(lock.holder()?.pid, process.pid);
  assert.equal(new WriterLock(file).acquire(), false, 'a second index on the same storage in this process is a reader');
  lock.release();
  assert.equal(existsSync(file), false);
  writeFileSync(file, JSON.stringify({ pid: process.pid, host: hostname(), since: 'a previous life of this pid' }));
  const again = new WriterLock(file);
  assert.equal(again.acquire(), true, 'our pid with no lock held here: left behind, taken over');
  again.release();
});
