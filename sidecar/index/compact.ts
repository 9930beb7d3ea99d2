// Compact in-memory structures for the index at 100k chunks: typed arrays instead of a JS object,
// array or Map entry per chunk or per postings list. V8 spends 50–100 bytes of header on each small
// object and each typed array, and a key above 2^30 is a heap number of its own; these keep the
// same facts in a few large buffers (docs/decisions.md, Workspace index, has the measurements).
// Each can hand its buffers to the table snapshot and be rebuilt from them on the next open.
import type { State } from './tableSnapshot';

/** Capacity after growing to hold `needed`: by half, so a large table does not double at once. */
export function grown(capacity: number, needed: number, minimum = 1024): number {
  let next = Math.max(capacity, minimum);
  while (next < needed) next = Math.ceil(next * 1.5);
  return next;
}

/**
 * Non-negative integer keys (safe integers, e.g. chunk keys generation × 2^16 + n) → non-negative
 * int32 values. Open addressing with linear probing over a Float64Array of keys; deletion leaves a
 * tombstone, cleared when the table is rebuilt. 12 bytes a slot, at most 2/3 of slots in use.
 */
export class KeyMap {
  private static readonly empty = -1;
  private static readonly deleted = -2;
  private keys = new Float64Array(16).fill(KeyMap.empty);
  private values = new Int32Array(16);
  private live = 0;
  /** Live entries and tombstones. */
  private used = 0;

  get size(): number {
    return this.live;
  }

  get(key: number): number | undefined {
    const slot = this.find(key);
    return slot < 0 ? undefined : this.values[slot];
  }

  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  set(key: number, value: number): void {
    if (!Number.isSafeInteger(key) || key < 0) throw new RangeError(`KeyMap keys are non-negative safe integers, not ${key}.`);
    const existing = this.find(key);
    if (existing >= 0) {
      this.values[existing] = value;
      return;
    }
    if ((this.used + 1) * 3 > this.keys.length * 2) this.rehash(this.live + 1);
    const mask = this.keys.length - 1;
    let slot = hash(key) & mask;
    // A tombstone is reused only after the probe shows the key is absent (find above).
    while (this.keys[slot]! >= 0) slot = (slot + 1) & mask;
    if (this.keys[slot] === KeyMap.empty) this.used++;
    this.keys[slot] = key;
    this.values[slot] = value;
    this.live++;
  }

  delete(key: number): boolean {
    const slot = this.find(key);
    if (slot < 0) return false;
    this.keys[slot] = KeyMap.deleted;
    this.live--;
    return true;
  }

  /** Its slots as they are, for the table snapshot. */
  exportState(): State {
    return { keys: this.keys, values: this.values, live: this.live, used: this.used };
  }

  static fromState(state: { keys: Float64Array<ArrayBuffer>; values: Int32Array<ArrayBuffer>; live: number; used: number }): KeyMap {
    const map = new KeyMap();
    if (state.keys.length !== state.values.length || (state.keys.length & (state.keys.length - 1)) !== 0) throw new Error('damaged key map');
    map.keys = state.keys;
    map.values = state.values;
    map.live = state.live;
    map.used = state.used;
    return map;
  }

  private find(key: number): number {
    const mask = this.keys.length - 1;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const found = this.keys[slot]!;
      if (found === key) return slot;
      if (found === KeyMap.empty) return -1;
    }
  }

  private rehash(needed: number): void {
    let capacity = 16;
    while (needed * 3 > capacity * 2 * 0.75) capacity *= 2; // room to grow before the next rehash
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(capacity).fill(KeyMap.empty);
    this.values = new Int32Array(capacity);
    this.live = 0;
    this.used = 0;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot]! >= 0) this.set(keys[slot]!, values[slot]!);
  }
}

/** Mixes both 32-bit halves of a safe integer (chunk keys differ mostly in their high bits). */
function hash(key: number): number {
  const high = Math.floor(key / 4294967296);
  let h = Math.imul((key >>> 0) ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Postings lists of (doc, tf) entries, all in two shared arenas: docs (Uint32Array) and term
 * frequencies (Uint8Array), 5 bytes an entry plus 12 bytes a list, where one JS array or typed
 * array per list cost 100–400 bytes of headers. A list that outgrows its room moves to the end of
 * the arena with half as much room again; the room it left (waste) is reclaimed by compact(), which
 * also drops entries a filter rejects (tombstoned docs). Lists are numbered; a freed number is reused.
 */
export class PostingsArena {
  docs = new Uint32Array(4096);
  tfs = new Uint8Array(4096);
  /** Where each list starts, how many entries it holds, and the room it has. */
  starts = new Uint32Array(256);
  sizes = new Uint32Array(256);
  private rooms = new Uint32Array(256);
  private lists = 0;
  private readonly freed: number[] = [];
  /** First unused entry of the arena. */
  private end = 0;
  /** Room left behind by lists that moved or were released. */
  private abandoned = 0;

  /** Arena entries left behind by lists that moved or were released (not their spare room). */
  get waste(): number {
    return this.abandoned;
  }

  /** The used part of its buffers, for the table snapshot. */
  exportState(): State {
    return {
      docs: this.docs.subarray(0, this.end),
      tfs: this.tfs.subarray(0, this.end),
      starts: this.starts.subarray(0, this.lists),
      sizes: this.sizes.subarray(0, this.lists),
      rooms: this.rooms.subarray(0, this.lists),
      freed: Uint32Array.from(this.freed),
      abandoned: this.abandoned,
    };
  }

  static fromState(state: {
    docs: Uint32Array<ArrayBuffer>;
    tfs: Uint8Array<ArrayBuffer>;
    starts: Uint32Array<ArrayBuffer>;
    sizes: Uint32Array<ArrayBuffer>;
    rooms: Uint32Array<ArrayBuffer>;
    freed: Uint32Array<ArrayBuffer>;
    abandoned: number;
  }): PostingsArena {
    const arena = new PostingsArena();
    const lists = state.starts.length;
    if (state.docs.length !== state.tfs.length || state.sizes.length !== lists || state.rooms.length !== lists) throw new Error('damaged postings');
    arena.docs = state.docs;
    arena.tfs = state.tfs;
    arena.starts = state.starts;
    arena.sizes = state.sizes;
    arena.rooms = state.rooms;
    arena.lists = lists;
    arena.freed.push(...state.freed);
    arena.end = state.docs.length;
    arena.abandoned = state.abandoned;
    return arena;
  }

  /** A new, empty list. */
  create(): number {
    const list = this.freed.pop() ?? this.lists++;
    if (list >= this.starts.length) {
      const capacity = grown(this.starts.length, list + 1);
      this.starts = resized(this.starts, capacity);
      this.sizes = resized(this.sizes, capacity);
      this.rooms = resized(this.rooms, capacity);
    }
    this.starts[list] = this.end;
    this.sizes[list] = 0;
    this.rooms[list] = 0;
    return list;
  }

  /** Frees an emptied list's number for reuse. */
  release(list: number): void {
    this.abandoned += this.rooms[list]!;
    this.sizes[list] = 0;
    this.rooms[list] = 0;
    this.freed.push(list);
  }

  push(list: number, doc: number, tf: number): void {
    const size = this.sizes[list]!;
    if (size === this.rooms[list]) this.move(list, size + Math.max(1, size >> 1));
    const at = this.starts[list]! + size;
    this.docs[at] = doc;
    this.tfs[at] = tf;
    this.sizes[list] = size + 1;
  }

  /**
   * Rewrites every list back to back, keeping only the entries whose doc `keep` accepts; returns
   * the lists left empty (still allocated: release them or push again). A list of 32 entries or
   * more keeps an eighth of spare room, so the next saves append to the long lists (common terms)
   * in place instead of moving tens of thousands of entries each; the arena keeps a sixteenth spare
   * for the short lists that do move.
   */
  compact(keep?: (doc: number) => boolean): number[] {
    const free = new Set(this.freed);
    let total = 0;
    for (let list = 0; list < this.lists; list++) if (!free.has(list)) total += spareFor(this.sizes[list]!);
    const docs = new Uint32Array(total + (total >> 4) + 4096);
    const tfs = new Uint8Array(docs.length);
    const emptied: number[] = [];
    let end = 0;
    for (let list = 0; list < this.lists; list++) {
      if (free.has(list)) continue;
      const from = this.starts[list]!;
      const kept = this.sizes[list]!;
      this.starts[list] = end;
      if (!keep && kept > 256) {
        docs.set(this.docs.subarray(from, from + kept), end);
        tfs.set(this.tfs.subarray(from, from + kept), end);
        end += kept;
      } else {
        for (let i = from; i < from + kept; i++) {
          const doc = this.docs[i]!;
          if (keep && !keep(doc)) continue;
          docs[end] = doc;
          tfs[end] = this.tfs[i]!;
          end++;
        }
      }
      const size = end - this.starts[list]!;
      this.sizes[list] = size;
      this.rooms[list] = spareFor(size);
      end = this.starts[list]! + this.rooms[list]!;
      if (size === 0) emptied.push(list);
    }
    this.docs = docs;
    this.tfs = tfs;
    this.end = end;
    this.abandoned = 0;
    return emptied;
  }

  private move(list: number, room: number): void {
    const start = this.starts[list]!;
    const size = this.sizes[list]!;
    // The list at the end of the arena grows in place.
    if (start + this.rooms[list]! === this.end) {
      this.reserve(start + room);
      this.end = start + room;
      this.rooms[list] = room;
      return;
    }
    this.reserve(this.end + room);
    this.docs.copyWithin(this.end, start, start + size);
    this.tfs.copyWithin(this.end, start, start + size);
    this.abandoned += this.rooms[list]!;
    this.starts[list] = this.end;
    this.rooms[list] = room;
    this.end += room;
  }

  private reserve(needed: number): void {
    if (needed <= this.docs.length) return;
    // By an eighth: after a load is compacted, an update grows a 40 MB arena by 5 MB, not 40.
    let capacity = this.docs.length;
    while (capacity < needed) capacity = Math.ceil(capacity * 1.125) + 4096;
    this.docs = resized(this.docs, capacity);
    this.tfs = resized(this.tfs, capacity);
  }
}

/** The room a list of `size` entries gets when compacted. */
function spareFor(size: number): number {
  return size < 32 ? size : size + (size >> 3);
}

function resized<T extends Uint32Array | Uint8Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array.subarray(0, Math.min(array.length, capacity)));
  return next;
}
