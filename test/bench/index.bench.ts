// Issue-7 index numbers, on real sources from node_modules (printed, never asserted):
//  1. chunking throughput (target ≥ 2 MiB/s) and chunk density;
//  2. a 100k-chunk index built by the real IndexRegistry / WorkspaceIndex code, with 384-d vectors
//     from a feature-hashing embedder (synthetic but clustered like real ones; no model time);
//  3. query p95 at 100k chunks: the vector store alone, and the whole hybrid search (target ≤ 20 ms);
//  4. re-indexing one saved file, embedding excluded (target ≤ 100 ms);
//  5. RSS of the process holding the 100k-chunk index (target ≤ 300 MB), and reopening from disk.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { chunkSource } from '../../sidecar/index/chunker';
import type { Embedder } from '../../sidecar/index/embedding';
import { languageOf } from '../../sidecar/index/languages';
import { IndexRegistry } from '../../sidecar/index/registry';
import { tokenize } from '../../sidecar/index/tokenize';
import { repoRoot } from '../sidecar/harness';
import { median, percentile, table } from './stats';

const targetChunks = Number(process.env.PYLOT_BENCH_CHUNKS ?? 100_000);
const dimensions = 384;
const mib = 1024 * 1024;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const rssMb = () => {
  gc();
  return process.memoryUsage().rss / mib;
};
const baselineRss = rssMb();

// ── 1. chunking ────────────────────────────────────────────────────────────────────────────────
const sources = listSources(path.join(repoRoot, 'node_modules'));
const sample = takeBytes(sources, 8 * mib);
await chunkSource('const warm = 1;', 'typescript');
await chunkSource('warm = 1', 'python');
let chunkedBytes = 0;
let chunkCount = 0;
let largestChunk = 0;
const chunkStart = performance.now();
for (const file of sample) {
  const text = readFileSync(file.path, 'utf8');
  const chunks = await chunkSource(text, languageOf(file.path));
  chunkedBytes += Buffer.byteLength(text);
  chunkCount += chunks.length;
  for (const chunk of chunks) largestChunk = Math.max(largestChunk, chunk.text.length);
}
const chunkSeconds = (performance.now() - chunkStart) / 1000;
const chunksPerMib = chunkCount / (chunkedBytes / mib);

// ── 2. a 100k-chunk workspace, indexed by the real code ─────────────────────────────────────────
const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-index-bench-'));
const root = path.join(scratch, 'workspace');
const wantedBytes = (targetChunks / chunksPerMib) * mib * 1.02;
let copied = 0;
for (let round = 0; copied < wantedBytes; round++) {
  for (const file of sources) {
    if (copied >= wantedBytes) break;
    const target = path.join(root, `copy${round}`, workspacePath(file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file.path, target);
    copied += file.size;
  }
}

let embedding = true;
const embedder: Embedder = {
  model: () => (embedding ? 'feature-hashing-384' : undefined),
  embed: async (texts) => texts.map(hashedVector),
};
const registry = new IndexRegistry({
  embedder,
  embedQuery: async (text) => hashedVector(text),
  background: (signal, task) => task(signal),
  onStatus: () => undefined,
});
const buildStart = performance.now();
const index = registry.open({ root, storageDir: path.join(scratch, 'storage'), maxFileBytes: 512 * 1024 });
await index.idle();
const buildSeconds = (performance.now() - buildStart) / 1000;
const built = index.status();
const indexRss = rssMb();

// ── 3. queries ──────────────────────────────────────────────────────────────────────────────────
const words = [...new Set(tokenize(readFileSync(sample[0]!.path, 'utf8') + readFileSync(sample.at(-1)!.path, 'utf8')))].filter((w) => w.length > 4);
const queries = Array.from({ length: 200 }, (_, i) => `${words[(i * 7) % words.length]} ${words[(i * 13 + 5) % words.length]} ${words[(i * 31 + 11) % words.length]}`);
const storeMs: number[] = [];
const hybridMs: number[] = [];
for (const query of queries) {
  const vector = hashedVector(query);
  let started = performance.now();
  index.vectorSearch(vector, 40);
  storeMs.push(performance.now() - started);
  started = performance.now();
  await registry.search({ query, limit: 10 }, new AbortController().signal);
  hybridMs.push(performance.now() - started);
}

// ── 4. re-index one saved file (no embedding) ──────────────────────────────────────────────────
embedding = false;
const saved = sources.filter((f) => f.size > 8_000 && f.size < 40_000).slice(0, 30);
const reindexMs: number[] = [];
for (const [i, file] of saved.entries()) {
  const relative = `copy0/${workspacePath(file)}`;
  appendFileSync(path.join(root, relative), `\n// edit ${i}\n`);
  const started = performance.now();
  await index.indexFileNow(relative);
  reindexMs.push(performance.now() - started);
}
embedding = true;

// ── 5. reopen from disk ─────────────────────────────────────────────────────────────────────────
await registry.close(root);
const closedRss = rssMb();
const reopenStart = performance.now();
const reopened = registry.open({ root, storageDir: path.join(scratch, 'storage'), maxFileBytes: 512 * 1024 });
const reopenMs = performance.now() - reopenStart;
await reopened.idle();
const caughtUpMs = performance.now() - reopenStart;
await registry.closeAll();
rmSync(scratch, { recursive: true, force: true });

const fmt = (value: number, digits = 1) => value.toFixed(digits);
console.log('\nWorkspace index (issue 7)\n');
console.log(table([
  ['measure', 'value', 'target'],
  ['chunking throughput', `${fmt(chunkedBytes / mib / chunkSeconds)} MiB/s (${fmt(chunkedBytes / mib)} MiB, ${sample.length} files)`, '≥ 2 MiB/s'],
  ['chunk density', `${fmt(chunksPerMib, 0)} chunks/MiB, largest ${largestChunk} chars`, '≤ ~2000 chars'],
  ['index built', `${built.chunks} chunks, ${built.filesIndexed} files, ${fmt(copied / mib)} MiB in ${fmt(buildSeconds)} s (${fmt(built.chunks / buildSeconds, 0)} chunks/s, embedding synthetic)`, ''],
  ['vector store query', `p50 ${fmt(median(storeMs), 2)} ms, p95 ${fmt(percentile(storeMs, 95), 2)} ms`, ''],
  ['hybrid search (BM25 + HNSW + RRF + text)', `p50 ${fmt(median(hybridMs), 2)} ms, p95 ${fmt(percentile(hybridMs, 95), 2)} ms`, '≤ 20 ms'],
  ['re-index one saved file', `p50 ${fmt(median(reindexMs))} ms, p95 ${fmt(percentile(reindexMs, 95))} ms (${saved.length} files of 8–40 KB)`, '≤ 100 ms'],
  ['RSS holding the index', `${fmt(indexRss, 0)} MB (process baseline ${fmt(baselineRss, 0)} MB, after close ${fmt(closedRss, 0)} MB)`, '≤ 300 MB'],
  ['reopen from disk', `${fmt(reopenMs, 0)} ms to load, ${fmt(caughtUpMs, 0)} ms until the re-scan found nothing to do`, ''],
]));

/** Feature hashing: each term adds ±1 to one of 384 dimensions, so texts sharing terms point the same way. */
function hashedVector(text: string): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const term of tokenize(text)) {
    let hash = 2166136261;
    for (let i = 0; i < term.length; i++) hash = Math.imul(hash ^ term.charCodeAt(i), 16777619);
    vector[(hash >>> 1) % dimensions]! += hash & 1 ? 1 : -1;
  }
  vector[0]! += 0.01;
  return vector;
}

/** Where a node_modules file lands in the bench workspace: nested node_modules renamed, or the index would skip them. */
function workspacePath(file: SourceFile): string {
  return path.relative(path.join(repoRoot, 'node_modules'), file.path).split(path.sep).join('/').replaceAll('node_modules/', 'nm/');
}

interface SourceFile {
  readonly path: string;
  readonly size: number;
}

/** TypeScript, JavaScript and Python sources people wrote (no typings, bundles or minified files). */
function listSources(dir: string): SourceFile[] {
  const found: SourceFile[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|js|mjs|py)$/.test(entry.name) || /\.(d|min)\.[mc]?[tj]s$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const size = statSync(file).size;
    if (size > 1024 && size < 256 * 1024) found.push({ path: file, size });
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** An even spread of files up to `bytes`. */
function takeBytes(files: readonly SourceFile[], bytes: number): SourceFile[] {
  const step = Math.max(1, Math.floor(files.reduce((sum, f) => sum + f.size, 0) / bytes));
  const picked: SourceFile[] = [];
  let total = 0;
  for (let i = 0; i < files.length && total < bytes; i += step) {
    picked.push(files[i]!);
    total += files[i]!.size;
  }
  return picked;
}
