// Keyword search: a BM25 inverted index over dense document ordinals. Every postings list lives in
// one shared arena (PostingsArena: 5 bytes an entry, 12 a list), since most terms occur in one or
// two chunks and a JS array or typed array per list cost more in headers than in entries. Removal
// is a tombstone; the postings are swept (and the arena compacted) once tombstones are half of them
// or the room lists left behind when they grew exceeds the entries.
import { PostingsArena } from './compact';
import { StringList, type State } from './tableSnapshot';
import { tokenize } from './tokenize';

const k1 = 1.2;
const b = 0.75;

export interface Bm25State {
  readonly terms: string[];
  readonly lists: Uint32Array<ArrayBuffer>;
  readonly arena: Parameters<typeof PostingsArena.fromState>[0];
  readonly lengths: Uint32Array<ArrayBuffer>;
  readonly alive: Uint8Array<ArrayBuffer>;
  readonly termCounts: Uint32Array<ArrayBuffer>;
  readonly liveDocs: number;
  readonly totalLength: number;
  readonly postings: number;
  readonly deadPostings: number;
}

export interface Scored {
  readonly doc: number;
  readonly score: number;
}

export class Bm25Index {
  /** Term → its postings list in the arena. */
  private terms = new Map<string, number>();
  private postingsLists = new PostingsArena();
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
      let list = this.terms.get(term);
      if (list === undefined) {
        list = this.postingsLists.create();
        this.terms.set(term, list);
      }
      this.postingsLists.push(list, doc, Math.min(count, 255));
    }
    this.lengths[doc] = terms.length;
    this.termCounts[doc] = counts.size;
    this.alive[doc] = 1;
    this.liveDocs++;
    this.totalLength += terms.length;
    this.postings += counts.size;
    // Lists that outgrew their room left their old room behind.
    const arena = this.postingsLists;
    if (arena.waste > 1 << 20 && arena.waste > this.postings) this.sweep();
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
    const { docs, tfs, starts, sizes } = this.postingsLists;
    const { alive, lengths } = this;
    for (const term of new Set(tokenize(query))) {
      const list = this.terms.get(term);
      if (list === undefined) continue;
      const size = sizes[list]!;
      const idf = Math.log(1 + (this.liveDocs - size + 0.5) / (size + 0.5));
      const start = starts[list]!;
      for (let i = start; i < start + size; i++) {
        const doc = docs[i]!;
        if (!alive[doc]) continue;
        const tf = tfs[i]!;
        const norm = tf + k1 * (1 - b + (b * lengths[doc]!) / averageLength);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += (idf * tf * (k1 + 1)) / norm;
      }
    }
    const best = topK(touched, (doc) => scores[doc]!, limit);
    for (const doc of touched) scores[doc] = 0;
    return best;
  }

  /** Everything a search needs, for the table snapshot (the vocabulary as one string list). */
  exportState(): State {
    return {
      terms: new StringList([...this.terms.keys()]),
      lists: Uint32Array.from(this.terms.values()),
      arena: this.postingsLists.exportState(),
      lengths: this.lengths,
      alive: this.alive,
      termCounts: this.termCounts,
      liveDocs: this.liveDocs,
      totalLength: this.totalLength,
      postings: this.postings,
      deadPostings: this.deadPostings,
    };
  }

  static fromState(state: Bm25State): Bm25Index {
    const index = new Bm25Index();
    if (state.terms.length !== state.lists.length || state.lengths.length !== state.alive.length || state.lengths.length !== state.termCounts.length)
      throw new Error('damaged keyword index');
    const terms = new Map<string, number>();
    for (let i = 0; i < state.terms.length; i++) terms.set(state.terms[i]!, state.lists[i]!);
    index.terms = terms;
    index.postingsLists = PostingsArena.fromState(state.arena);
    index.lengths = state.lengths;
    index.alive = state.alive;
    index.termCounts = state.termCounts;
    index.liveDocs = state.liveDocs;
    index.totalLength = state.totalLength;
    index.postings = state.postings;
    index.deadPostings = state.deadPostings;
    return index;
  }

  /** After a bulk load: packs the postings back to back, giving back the room lists grew into. */
  trim(): void {
    this.sweep();
  }

  /** Drops tombstoned entries from every postings list and compacts the arena. */
  private sweep(): void {
    const alive = this.alive;
    const emptied = new Set(this.postingsLists.compact(this.deadPostings > 0 ? (doc) => alive[doc] === 1 : undefined));
    if (emptied.size > 0) {
      for (const [term, list] of this.terms) {
        if (!emptied.has(list)) continue;
        this.terms.delete(term);
        this.postingsLists.release(list);
      }
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
