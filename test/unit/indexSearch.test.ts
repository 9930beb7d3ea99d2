// Keyword ranking (BM25 over split identifiers) and reciprocal rank fusion.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bm25Index, topK } from '../../sidecar/index/bm25';
import { reciprocalRankFusion } from '../../sidecar/index/rrf';
import { tokenize } from '../../sidecar/index/tokenize';

test('identifiers are split at camelCase and snake_case and kept whole', () => {
  assert.deepEqual(tokenize('parseJsonFile(read_all)'), ['parsejsonfile', 'parse', 'json', 'file', 'read_all', 'read', 'all']);
});

test('BM25 ranks the document about the query first, and forgets removed documents', () => {
  const bm25 = new Bm25Index();
  bm25.add(0, 'function parseConfig(text) { return JSON.parse(text) }');
  bm25.add(1, 'function renderButton(label) { return label }');
  bm25.add(2, 'class HttpClient { request(url) {} retry() {} }');
  assert.deepEqual(
    bm25.search('parse config', 3).map((hit) => hit.doc),
    [0],
  );
  assert.equal(bm25.search('http request retry', 3)[0]!.doc, 2);
  bm25.remove(2);
  assert.deepEqual(bm25.search('http request retry', 3), []);
  assert.equal(bm25.size, 2);
});

test('rarer terms weigh more than common ones', () => {
  const bm25 = new Bm25Index();
  for (let i = 0; i < 20; i++) bm25.add(i, `value value value item${i}`);
  bm25.add(20, 'value zebra');
  assert.equal(bm25.search('value zebra', 1)[0]!.doc, 20);
});

test('tombstones are swept without changing answers', () => {
  const bm25 = new Bm25Index();
  for (let i = 0; i < 3000; i++) bm25.add(i, `alpha beta gamma doc${i}`);
  for (let i = 0; i < 2500; i++) bm25.remove(i);
  const hits = bm25.search('alpha', 1000);
  assert.equal(hits.length, 500);
  assert.ok(hits.every((hit) => hit.doc >= 2500));
});

test('topK keeps the best entries in order', () => {
  const scores = new Map([
    [1, 0.5],
    [2, 3],
    [3, 1],
    [4, 2],
  ]);
  assert.deepEqual(
    topK(scores.keys(), (doc) => scores.get(doc)!, 2).map((s) => s.doc),
    [2, 4],
  );
});

test('RRF puts what both rankings found above what one found first', () => {
  const fused = reciprocalRankFusion(
    [
      ['a', 'b', 'c'],
      ['c', 'd', 'b'],
    ],
    4,
  );
  assert.deepEqual(
    fused.map((f) => f.item),
    ['c', 'b', 'a', 'd'],
  );
  assert.deepEqual(fused[0]!.ranks, [3, 1]);
  assert.deepEqual(fused[2]!.ranks, [1, undefined]);
});
