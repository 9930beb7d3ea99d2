// Keyword search: a BM25 inverted index over dense document ordinals. Postings are typed arrays
// (a doc id and a term frequency per entry: ~6 bytes) so 100k chunks stay in tens of MB; removal
// is a tombstone, and the postings are swept once tombstones are half of them.
import { tokenize } from './tokenize';

const k1 = 1.2;
const b = 0.75;

class Postings {
  docs = new Uint32Array(4);
  tfs = new Uint16Array(4);
  size = 0;

  push(doc: number, tf: number): void {
    if (this.size === this.docs.length) {
      const docs = new Uint32Array(this.size * 2);
      docs.set(this.docs);
      this.docs = docs;
      const tfs = new Uint16Array(this.size * 2);
      tfs.set(this.tfs);
      this.tfs = tfs;
    }
    this.docs[this.size] = doc;
    this.tfs[this.size] = Math.min(tf, 0xffff);
    this.size++;
  }
}

export interface Scored {
  readonly doc: number;
  readonly score: number;
}

export class Bm25Index {
  private readonly terms = new Map<string, Postings>();
  private lengths = new Uint32Array(1024);
  private alive = new Uint8Array(1024);
  private liveDocs = 0;
  private totalLength = 0;
  private postings = 0;
  private deadPostings = 0;
  private readonly termCounts = new Map<number, number>();
  private scores = new Float64Array(0);

  get size(): number {
    return this.liveDocs;
  }

  add(doc: number, text: string): void {
    if (this.alive[doc]) this.remove(doc);
    this.grow(doc + 1);
    const counts = new Map<string, number>();
    const terms = tokenize(text);
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, tf] of counts) {
      let list = this.terms.get(term);
      if (!list) {
        list = new Postings();
        this.terms.set(term, list);
      }
      list.push(doc, tf);
    }
    this.lengths[doc] = terms.length;
    this.alive[doc] = 1;
    this.termCounts.set(doc, counts.size);
    this.liveDocs++;
    this.totalLength += terms.length;
    this.postings += counts.size;
  }

  remove(doc: number): void {
    if (!this.alive[doc]) return;
    this.alive[doc] = 0;
    this.liveDocs--;
    this.totalLength -= this.lengths[doc]!;
    this.deadPostings += this.termCounts.get(doc) ?? 0;
    this.termCounts.delete(doc);
    if (this.deadPostings > 1024 && this.deadPostings * 2 > this.postings) this.sweep();
  }

  search(query: string, limit: number): Scored[] {
    if (this.liveDocs === 0) return [];
    const averageLength = this.totalLength / this.liveDocs || 1;
    // Scores accumulate in a typed array indexed by doc (no per-hit allocation), reset after.
    if (this.scores.length < this.lengths.length) this.scores = new Float64Array(this.lengths.length);
    const scores = this.scores;
    const touched: number[] = [];
    for (const term of new Set(tokenize(query))) {
      const list = this.terms.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (this.liveDocs - list.size + 0.5) / (list.size + 0.5));
      for (let i = 0; i < list.size; i++) {
        const doc = list.docs[i]!;
        if (!this.alive[doc]) continue;
        const tf = list.tfs[i]!;
        const norm = tf + k1 * (1 - b + (b * this.lengths[doc]!) / averageLength);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += (idf * tf * (k1 + 1)) / norm;
      }
    }
    const best = topK(touched, (doc) => scores[doc]!, limit);
    for (const doc of touched) scores[doc] = 0;
    return best;
  }

  /** Drops tombstoned entries from every postings list. */
  private sweep(): void {
    for (const [term, list] of this.terms) {
      let kept = 0;
      for (let i = 0; i < list.size; i++) {
        if (!this.alive[list.docs[i]!]) continue;
        list.docs[kept] = list.docs[i]!;
        list.tfs[kept] = list.tfs[i]!;
        kept++;
      }
      list.size = kept;
      if (kept === 0) this.terms.delete(term);
    }
    this.postings -= this.deadPostings;
    this.deadPostings = 0;
  }

  private grow(needed: number): void {
    if (needed <= this.lengths.length) return;
    const capacity = Math.max(needed, this.lengths.length * 2);
    const lengths = new Uint32Array(capacity);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const alive = new Uint8Array(capacity);
    alive.set(this.alive);
    this.alive = alive;
  }
}

/** The `limit` best of `docs` by `score`, best first, without sorting them all. */
export function topK(docs: Iterable<number>, score: (doc: number) => number, limit: number): Scored[] {
  const heap: Scored[] = [];
  for (const doc of docs) {
    const value = score(doc);
    if (heap.length < limit) {
      heap.push({ doc, score: value });
      siftUp(heap, heap.length - 1);
    } else if (value > heap[0]!.score) {
      heap[0] = { doc, score: value };
      siftDown(heap, 0);
    }
  }
  return heap.sort((x, y) => y.score - x.score || x.doc - y.doc);
}

function siftUp(heap: Scored[], i: number): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.score <= heap[i]!.score) return;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function siftDown(heap: Scored[], i: number): void {
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let smallest = i;
    if (left < heap.length && heap[left]!.score < heap[smallest]!.score) smallest = left;
    if (right < heap.length && heap[right]!.score < heap[smallest]!.score) smallest = right;
    if (smallest === i) return;
    [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
    i = smallest;
  }
}
