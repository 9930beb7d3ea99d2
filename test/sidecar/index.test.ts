// The workspace index through the real sidecar process and its contract, with a real (generated,
// random-weight) embedding model: a temporary workspace is indexed, searched by keyword and by
// vector, changed, shrunk, and reopened by a fresh process that resumes from disk.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DidChangeFiles, IndexStatusChanged, OpenIndex, SearchIndex, SetIndexingPaused, type IndexStatus } from '../../protocol/index';
import { LoadModel } from '../../protocol/sidecar';
import { embeddingModel } from '../fixtures/models';
import { startHarness, type Harness } from './harness';

const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-index-'));
const root = path.join(scratch, 'workspace');
const storageDir = path.join(scratch, 'storage');

function put(relative: string, text: string): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

put('.gitignore', 'dist/\n');
put(
  'src/config.ts',
  'export interface Settings { port: number }\n\nexport function parseConfig(text: string): Settings {\n  return JSON.parse(text) as Settings;\n}\n',
);
put('src/stack.py', 'class Stack:\n    def push(self, item):\n        self.items.append(item)\n\n    def pop(self):\n        return self.items.pop()\n');
put('src/retry.go', 'package net\n\nfunc RetryWithBackoff(attempts int) error {\n\treturn nil\n}\n');
put('README.md', '# Demo\n\nA workspace for the index test.\n');
put('dist/bundle.js', 'function parseConfig() {}\n');
put('.env', 'API_TOKEN=parseConfig-secret\n');

/** The last index/status each harness's sidecar reported, per index root: what the extension sees. */
const reported = new WeakMap<Harness, Map<string, IndexStatus>>();
function reportedStatus(harness: Harness): Map<string, IndexStatus> {
  let seen = reported.get(harness);
  if (!seen) {
    const map = new Map<string, IndexStatus>();
    harness.sidecar.onNotification(IndexStatusChanged, (status) => map.set(status.root, status));
    reported.set(harness, (seen = map));
  }
  return seen;
}

async function until(harness: Harness, what: string, predicate: (status: IndexStatus) => boolean, timeoutMs = 60_000): Promise<IndexStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: IndexStatus | undefined;
  while (Date.now() < deadline) {
    last = reportedStatus(harness).get(root);
    if (last && predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`index never got ${what}; last status ${JSON.stringify(last)}\n${harness.logs.slice(-10).join('\n')}`);
}

after(() => rmSync(scratch, { recursive: true, force: true }));

const settled = (status: IndexStatus) => status.state === 'idle' && status.chunks > 0 && status.chunksEmbedded === status.chunks;

describe('workspace index in the sidecar', () => {
  let harness: Harness;
  let model: string;
  const statuses: IndexStatus[] = [];

  before(async () => {
    model = await embeddingModel();
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    reportedStatus(harness);
    harness.sidecar.onNotification(IndexStatusChanged, (status) => statuses.push(status));
    await harness.sidecar.request(LoadModel, { role: 'embeddings', source: { kind: 'file', path: model } });
  });
  after(() => harness.sidecar.dispose());

  it('indexes the folder, embedding every chunk, and reports progress', async () => {
    const opened = await harness.sidecar.request(OpenIndex, { root, storageDir });
    assert.equal(opened.writer, true);
    const status = await until(harness, 'indexed', settled);
    assert.equal(status.filesIndexed, 5, 'three sources, .gitignore and README; dist/ and .env are skipped');
    assert.equal(status.vectors, 'ready');
    assert.ok(
      statuses.some((s) => s.state === 'indexing'),
      'progress was announced',
    );
  });

  it('finds code by keyword, with its lines and enclosing symbol, and never returns ignored or secret files', async () => {
    const { results } = await harness.sidecar.request(SearchIndex, { query: 'parse config', limit: 5 });
    assert.equal(results[0]?.relativePath, 'src/config.ts');
    assert.equal(results[0]?.path, path.join(root, 'src/config.ts'));
    assert.equal(results[0]?.startLine, 1);
    assert.match(results[0]!.text, /function parseConfig/);
    assert.ok(results.every((r) => !r.relativePath.startsWith('dist/') && r.relativePath !== '.env'));
    const py = await harness.sidecar.request(SearchIndex, { query: 'items append push', limit: 3 });
    assert.equal(py.results[0]?.relativePath, 'src/stack.py');
    assert.equal(py.results[0]?.symbol, 'Stack');
  });

  it("ranks by embedding too: a chunk's own text is its nearest vector", async () => {
    const text = 'package net\n\nfunc RetryWithBackoff(attempts int) error {\n\treturn nil\n}';
    const answer = await harness.sidecar.request(SearchIndex, { query: text, limit: 5 });
    assert.equal(answer.mode, 'hybrid');
    const hit = answer.results.find((r) => r.relativePath === 'src/retry.go');
    assert.equal(hit?.vectorRank, 1);
    assert.equal(answer.results[0]?.relativePath, 'src/retry.go');
  });

  it('re-indexes a saved file and finds what changed', async () => {
    const before = reportedStatus(harness).get(root)!.generation;
    const file = put('src/config.ts', 'export function loadPreferences(file: string) {\n  return readWorkspacePreferences(file);\n}\n');
    harness.sidecar.notify(DidChangeFiles, { changes: [{ type: 'changed', path: file }] });
    await until(harness, 're-indexed', (s) => s.generation > before && settled(s));
    const { results } = await harness.sidecar.request(SearchIndex, { query: 'readWorkspacePreferences', limit: 3 });
    assert.equal(results[0]?.relativePath, 'src/config.ts');
    const old = await harness.sidecar.request(SearchIndex, { query: 'Settings port', limit: 5 });
    // Vector search ranks every chunk; the keyword ranking must no longer find the old name there.
    assert.ok(
      old.results.every((r) => r.relativePath !== 'src/config.ts' || r.keywordRank === undefined),
      'the old text is gone',
    );
  });

  it('indexes a created file and forgets a deleted one', async () => {
    const before = reportedStatus(harness).get(root)!.generation;
    const created = put('lib/queue.rb', 'class PriorityQueue\n  def enqueue(item)\n  end\nend\n');
    const deleted = path.join(root, 'src/stack.py');
    unlinkSync(deleted);
    harness.sidecar.notify(DidChangeFiles, {
      changes: [
        { type: 'created', path: created },
        { type: 'deleted', path: deleted },
      ],
    });
    await until(harness, 'updated', (s) => s.filesIndexed === 5 && s.generation > before && settled(s));
    const queue = await harness.sidecar.request(SearchIndex, { query: 'PriorityQueue enqueue', limit: 3 });
    assert.equal(queue.results[0]?.relativePath, 'lib/queue.rb');
    const stack = await harness.sidecar.request(SearchIndex, { query: 'items append push', limit: 10 });
    assert.ok(stack.results.every((r) => r.relativePath !== 'src/stack.py'));
  });

  it('pauses and resumes: while paused, changes wait', async () => {
    await harness.sidecar.request(SetIndexingPaused, { paused: true });
    const file = put('src/paused.ts', 'export const whilePausedMarker = 1;\n');
    harness.sidecar.notify(DidChangeFiles, { changes: [{ type: 'created', path: file }] });
    await until(harness, 'paused', (s) => s.state === 'paused');
    const waiting = await harness.sidecar.request(SearchIndex, { query: 'whilePausedMarker', limit: 3 });
    assert.ok(waiting.results.every((r) => r.relativePath !== 'src/paused.ts'));
    await harness.sidecar.request(SetIndexingPaused, { paused: false });
    await until(harness, 'resumed', (s) => s.filesIndexed === 6 && settled(s));
    const found = await harness.sidecar.request(SearchIndex, { query: 'whilePausedMarker', limit: 3 });
    assert.equal(found.results[0]?.relativePath, 'src/paused.ts');
  });

  it('a second process gets the index read-only while the first one writes it', async () => {
    const second = startHarness({ settings: () => ({ threads: 1 }) });
    try {
      const opened = await second.sidecar.request(OpenIndex, { root, storageDir });
      assert.equal(opened.writer, false);
      assert.ok(opened.chunks > 0, 'it still loaded the index to search');
      const { results } = await second.sidecar.request(SearchIndex, { query: 'PriorityQueue', limit: 1 });
      assert.equal(results[0]?.relativePath, 'lib/queue.rb');
    } finally {
      await second.sidecar.dispose();
    }
  });

  it('a restarted sidecar resumes from disk: nothing is re-embedded, edits made while it was down are caught', async () => {
    const before = reportedStatus(harness).get(root)!;
    await harness.sidecar.dispose();
    put('src/offline.ts', 'export function editedWhileClosed() {}\n');
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    reportedStatus(harness);
    await harness.sidecar.request(LoadModel, { role: 'embeddings', source: { kind: 'file', path: model } });
    const opened = await harness.sidecar.request(OpenIndex, { root, storageDir });
    assert.equal(opened.writer, true, "the dead process's lock was taken over");
    assert.equal(opened.chunks, before.chunks, 'everything came back from disk');
    assert.ok(opened.generation >= before.generation);
    const status = await until(harness, 'caught up', (s) => s.filesIndexed === 7 && settled(s));
    assert.equal(status.chunksEmbedded, status.chunks);
    const { results } = await harness.sidecar.request(SearchIndex, { query: 'editedWhileClosed', limit: 1 });
    assert.equal(results[0]?.relativePath, 'src/offline.ts');
    assert.ok(!harness.logs.some((line) => /Embedding .* failed/.test(line)));
  });
});

describe('workspace index without an embedding model', () => {
  it('indexes by keywords only and says so', async () => {
    const harness = startHarness({ settings: () => ({ threads: 1 }) });
    reportedStatus(harness);
    const otherStorage = path.join(mkdtempSync(path.join(tmpdir(), 'pylot-index-bm25-')), 'storage');
    try {
      await harness.sidecar.request(OpenIndex, { root, storageDir: otherStorage });
      const status = await until(harness, 'indexed', (s) => s.state === 'idle' && s.chunks > 0);
      assert.equal(status.vectors, 'none');
      assert.match(status.message ?? '', /keywords/);
      const answer = await harness.sidecar.request(SearchIndex, { query: 'PriorityQueue', limit: 3 });
      assert.equal(answer.mode, 'keyword');
      assert.match(answer.message ?? '', /No embedding model/);
      assert.equal(answer.results[0]?.relativePath, 'lib/queue.rb');
    } finally {
      await harness.sidecar.dispose();
      rmSync(path.dirname(otherStorage), { recursive: true, force: true });
    }
  });
});
