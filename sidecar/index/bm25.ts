// Keyword search: a BM25 inverted index over dense document ordinals. Most terms occur in one or
// two chunks, so a short postings list is a plain array of packed doc×256+tf numbers (~60 bytes);
// a long one becomes typed arrays (5 bytes an entry). 100k chunks then stay in tens of MB. Removal
// is a tombstone; the postings are swept once tombstones are half of them.
import { tokenize } from './tokenize';

const k1 = 1.2;
const b = 0.75;
/** Past this many entries a list moves to typed arrays. */
const shortList = 32;

class LongPostings {
  docs = new Uint32Array(shortList * 2);
  tfs = new Uint8Array(shortList * 2);
  size = 0;

  static from(packed: readonly number[]): LongPostings {
    const list = new LongPostings();
    for (const entry of packed) list.push(Math.floor(entry / 256), entry % 256);
    return list;
  }

  trim(): void {
    if (this.size === this.docs.length) return;
    this.docs = this.docs.slice(0, this.size);
    this.tfs = this.tfs.slice(0, this.size);
  }

  push(doc: number, tf: number): void {
    if (this.size === this.docs.length) {
      const docs = new Uint32Array(Math.max(shortList, this.size * 2));
      docs.set(this.docs);
      this.docs = docs;
      const tfs = new Uint8Array(Math.max(shortList, this.size * 2));
      tfs.set(this.tfs);
      this.tfs = tfs;
    }
    this.docs[this.size] = doc;
    this.tfs[this.size] = tf;
    this.size++;
  }
}

type Postings = number[] | LongPostings;

const sizeOf = (list: Postings) => (Array.isArray(list) ? list.length : list.size);

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
  private termCounts = new Uint32Array(1024);
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
    for (const [term, count] of counts) {
      const tf = Math.min(count, 255);
      const list = this.terms.get(term);
      if (!list) this.terms.set(term, [doc * 256 + tf]);
      else if (!Array.isArray(list)) list.push(doc, tf);
      else if (list.length < shortList) list.push(doc * 256 + tf);
      else {
        const long = LongPostings.from(list);
        long.push(doc, tf);
        this.terms.set(term, long);
      }
    }
    this.lengths[doc] = terms.length;
    this.termCounts[doc] = counts.size;
    this.alive[doc] = 1;
    this.liveDocs++;
    this.totalLength += terms.length;
    this.postings += counts.size;
  }

  remove(doc: number): void {
    if (!this.alive[doc]) return;
    this.alive[doc] = 0;
    this.liveDocs--;
    this.totalLength -= this.lengths[doc]!;
    this.deadPostings += this.termCounts[doc]!;
    if (this.deadPostings > 1024 && this.deadPostings * 2 > this.postings) this.sweep();
  }

  search(query: string, limit: number): Scored[] {
    if (this.liveDocs === 0) return [];
    const averageLength = this.totalLength / this.liveDocs || 1;
    // Scores accumulate in a typed array indexed by doc (no per-hit allocation), reset after.
    if (this.scores.length < this.lengths.length) this.scores = new Float64Array(this.lengths.length);
    const scores = this.scores;
    const touched: number[] = [];
    const add = (doc: number, tf: number, idf: number) => {
      if (!this.alive[doc]) return;
      const norm = tf + k1 * (1 - b + (b * this.lengths[doc]!) / averageLength);
      if (scores[doc] === 0) touched.push(doc);
      scores[doc]! += (idf * tf * (k1 + 1)) / norm;
    };
    for (const term of new Set(tokenize(query))) {
      const list = this.terms.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (this.liveDocs - sizeOf(list) + 0.5) / (sizeOf(list) + 0.5));
      if (Array.isArray(list)) for (const entry of list) add(Math.floor(entry / 256), entry % 256, idf);
      else for (let i = 0; i < list.size; i++) add(list.docs[i]!, list.tfs[i]!, idf);
    }
    const best = topK(touched, (doc) => scores[doc]!, limit);
    for (const doc of touched) scores[doc] = 0;
    return best;
  }

  /** Gives back the spare capacity of long postings lists (after a bulk load: up to half of them). */
  trim(): void {
    for (const list of this.terms.values()) if (!Array.isArray(list)) list.trim();
  }

  /** Drops tombstoned entries from every postings list. */
  private sweep(): void {
    for (const [term, list] of this.terms) {
      if (Array.isArray(list)) {
        const kept = list.filter((entry) => this.alive[Math.floor(entry / 256)]);
        if (kept.length === 0) this.terms.delete(term);
        else this.terms.set(term, kept);
        continue;
      }
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
    const termCounts = new Uint32Array(capacity);
    termCounts.set(this.termCounts);
    this.termCounts = termCounts;
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
