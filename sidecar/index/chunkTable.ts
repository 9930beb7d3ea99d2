// What an index holds in memory to answer searches: a reference to every chunk (its key, file, lines
// and symbol, in columns by ordinal; the text stays on disk), the keyword postings and the vectors,
// kept in step as committed file records come and go — and handed whole to the table snapshot, from
// which a restart rebuilds it without reading the records.
import { Bm25Index, type Bm25State } from './bm25';
import { grown, KeyMap } from './compact';
import type { FileRecord, StoredChunk } from './shardStore';
import { StringList, type State } from './tableSnapshot';
import { HnswVectorStore, type VectorStore } from './vectorStore';

export interface ChunkRef {
  readonly key: number;
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly symbol: string;
  /** Its document number in the keyword index. */
  readonly ordinal: number;
}

export interface ChunkTableState {
  readonly model: string | null;
  readonly ordinals: number;
  readonly keys: Float64Array<ArrayBuffer>;
  readonly startLines: Uint32Array<ArrayBuffer>;
  readonly endLines: Uint32Array<ArrayBuffer>;
  readonly pathNumbers: Uint32Array<ArrayBuffer>;
  readonly symbols: string[];
  readonly files: {
    readonly paths: string[];
    readonly mtimeMs: Float64Array<ArrayBuffer>;
    readonly size: Float64Array<ArrayBuffer>;
    readonly first: Uint32Array<ArrayBuffer>;
    readonly chunks: Uint32Array<ArrayBuffer>;
    readonly embedded: Uint8Array<ArrayBuffer>;
    readonly vectors: string[];
  };
  readonly keyMap: Parameters<typeof KeyMap.fromState>[0];
  readonly bm25: Bm25State;
}

export interface FileState {
  readonly mtimeMs: number;
  readonly size: number;
  /** Its chunks are the ordinals first … first + chunks − 1. */
  readonly first: number;
  readonly chunks: number;
  /** The model its chunks' vectors came from, and their file; undefined when they have none. */
  readonly model?: string;
  readonly vectors?: string;
}

/**
 * Every chunk is an ordinal (its document number in the keyword index, never reused), and what a
 * search answers with is kept in columns by ordinal — key, lines, file, symbol — rather than one
 * object and one Map entry per chunk; a ChunkRef is made only for the chunks a search returns.
 */
export class ChunkTable {
  readonly files = new Map<string, FileState>();
  private ordinalOfKey = new KeyMap();
  private keys: Float64Array<ArrayBuffer> = new Float64Array(1024);
  private startLines: Uint32Array<ArrayBuffer> = new Uint32Array(1024);
  private endLines: Uint32Array<ArrayBuffer> = new Uint32Array(1024);
  /** The file path of each ordinal's chunk (shared with the record's path); undefined once removed. */
  private paths: Array<string | undefined> = [];
  private symbols: Array<string | undefined> = [];
  private ordinals = 0;
  private bm25 = new Bm25Index();
  private store: VectorStore | undefined;
  private model: string | undefined;
  /** Vector changes since the snapshot on disk. */
  unsavedVectors = 0;
  /** Chunks added or removed since the table snapshot on disk. */
  unsavedChunks = 0;

  constructor(private readonly readVectors: (record: FileRecord) => Float32Array[] | undefined) {}

  get chunkCount(): number {
    return this.ordinalOfKey.size;
  }

  get vectors(): VectorStore | undefined {
    return this.store;
  }

  /** The embedding model the vectors came from. */
  get vectorModel(): string | undefined {
    return this.model;
  }

  /** Vectors loaded from a snapshot, or none (undefined) to start afresh for `model`. */
  useVectors(store: VectorStore | undefined, model: string | undefined): void {
    this.store = store;
    this.model = model;
    if (!store) this.unsavedVectors++;
  }

  /** The keys of a file's chunks. */
  keysOf(state: FileState): number[] {
    return Array.from(this.keys.subarray(state.first, state.first + state.chunks));
  }

  /** Adds a committed record: chunk refs, keyword postings, and the vectors the store lacks. */
  add(record: FileRecord, vectors?: readonly Float32Array[], onChunk?: (chunk: StoredChunk) => void): void {
    const model = record.model !== undefined && record.model === this.model ? record.model : undefined;
    const missing = model !== undefined && record.chunks.some((chunk) => !this.store?.has(chunk.key));
    const fresh = missing ? (vectors ?? this.readVectors(record)) : undefined;
    const first = this.ordinals;
    this.reserve(first + record.chunks.length);
    this.unsavedChunks += record.chunks.length;
    record.chunks.forEach((chunk, i) => {
      onChunk?.(chunk);
      const ordinal = this.ordinals++;
      this.keys[ordinal] = chunk.key;
      this.startLines[ordinal] = chunk.startLine;
      this.endLines[ordinal] = chunk.endLine;
      this.paths[ordinal] = record.path;
      this.symbols[ordinal] = chunk.symbol;
      this.ordinalOfKey.set(chunk.key, ordinal);
      this.bm25.add(ordinal, `${record.path} ${chunk.symbol} ${chunk.text}`);
      const vector = fresh?.[i];
      if (vector && !this.store?.has(chunk.key)) this.addVector(chunk.key, vector);
    });
    const embedded = model !== undefined && record.vectors !== undefined && (!missing || fresh !== undefined);
    this.files.set(record.path, {
      mtimeMs: record.mtimeMs,
      size: record.size,
      first,
      chunks: record.chunks.length,
      model: embedded ? model : undefined,
      vectors: record.vectors,
    });
  }

  remove(relative: string): void {
    const state = this.files.get(relative);
    if (!state) return;
    this.unsavedChunks += state.chunks;
    for (let ordinal = state.first; ordinal < state.first + state.chunks; ordinal++) {
      const key = this.keys[ordinal]!;
      if (this.ordinalOfKey.get(key) === ordinal) this.ordinalOfKey.delete(key);
      this.bm25.remove(ordinal);
      this.paths[ordinal] = undefined;
      this.symbols[ordinal] = undefined;
      if (this.store?.has(key)) {
        this.store.remove(key);
        this.unsavedVectors++;
      }
    }
    this.files.delete(relative);
  }

  /** Drops vectors a snapshot still had for chunks that are gone. */
  removeStaleVectors(snapshotKeys: readonly number[]): void {
    for (const key of snapshotKeys) {
      if (this.ordinalOfKey.has(key) || !this.store?.has(key)) continue;
      this.store.remove(key);
      this.unsavedVectors++;
    }
  }

  /** Keys whose vectors are in the store: what a snapshot records. */
  embeddedKeys(): number[] {
    const keys: number[] = [];
    for (const state of this.files.values())
      if (state.model !== undefined && state.model === this.model) for (let o = state.first; o < state.first + state.chunks; o++) keys.push(this.keys[o]!);
    return keys;
  }

  keywordSearch(query: string, limit: number): ChunkRef[] {
    return this.bm25.search(query, limit).map((hit) => this.ref(hit.doc));
  }

  vectorSearch(vector: Float32Array, limit: number): ChunkRef[] {
    if (!this.store || vector.length !== this.store.dimensions) return [];
    return this.store.search(vector, limit).flatMap((hit) => {
      const ordinal = this.ordinalOfKey.get(hit.key);
      return ordinal === undefined ? [] : [this.ref(ordinal)];
    });
  }

  /**
   * The table as the snapshot stores it: columns by ordinal (a file's path as its number in the
   * file list), the files as columns, the key map and the keyword index's buffers.
   */
  exportState(): State {
    const files = [...this.files];
    const fileNumber = new Map(files.map(([path], i) => [path, i + 1]));
    const pathNumbers = new Uint32Array(this.ordinals);
    for (let ordinal = 0; ordinal < this.ordinals; ordinal++) pathNumbers[ordinal] = fileNumber.get(this.paths[ordinal] ?? '') ?? 0;
    return {
      model: this.model ?? null,
      ordinals: this.ordinals,
      keys: this.keys.subarray(0, this.ordinals),
      startLines: this.startLines.subarray(0, this.ordinals),
      endLines: this.endLines.subarray(0, this.ordinals),
      pathNumbers,
      symbols: new StringList(this.symbols.slice(0, this.ordinals).map((symbol) => symbol ?? '')),
      files: {
        paths: new StringList(files.map(([path]) => path)),
        mtimeMs: Float64Array.from(files, ([, f]) => f.mtimeMs),
        size: Float64Array.from(files, ([, f]) => f.size),
        first: Uint32Array.from(files, ([, f]) => f.first),
        chunks: Uint32Array.from(files, ([, f]) => f.chunks),
        embedded: Uint8Array.from(files, ([, f]) => (f.model !== undefined ? 1 : 0)),
        vectors: new StringList(files.map(([, f]) => f.vectors ?? '')),
      },
      keyMap: this.ordinalOfKey.exportState(),
      bm25: this.bm25.exportState(),
    };
  }

  /** Replaces this (empty) table's contents with a snapshot's; throws when the snapshot does not hang together. */
  restoreState(state: ChunkTableState): void {
    const { ordinals, files } = state;
    if (
      state.keys.length !== ordinals ||
      state.startLines.length !== ordinals ||
      state.endLines.length !== ordinals ||
      state.pathNumbers.length !== ordinals ||
      state.symbols.length !== ordinals
    )
      throw new Error('damaged chunk table');
    this.keys = state.keys;
    this.startLines = state.startLines;
    this.endLines = state.endLines;
    this.ordinals = ordinals;
    this.paths = Array.from(state.pathNumbers, (n) => (n ? files.paths[n - 1] : undefined));
    this.symbols = state.symbols;
    this.model = state.model ?? undefined;
    this.files.clear();
    files.paths.forEach((path, i) => {
      this.files.set(path, {
        mtimeMs: files.mtimeMs[i]!,
        size: files.size[i]!,
        first: files.first[i]!,
        chunks: files.chunks[i]!,
        model: files.embedded[i] ? this.model : undefined,
        vectors: files.vectors[i] || undefined,
      });
    });
    this.ordinalOfKey = KeyMap.fromState(state.keyMap);
    this.bm25 = Bm25Index.fromState(state.bm25);
    this.unsavedChunks = 0;
  }

  /**
   * Files whose chunks should have vectors of this model the store lacks (the vector snapshot is
   * older than the table's): their vectors are read from their files and added.
   */
  restoreMissingVectors(readVectors: (state: FileState) => Float32Array[] | undefined): number {
    let added = 0;
    for (const state of this.files.values()) {
      if (state.model === undefined || state.model !== this.model || !state.chunks) continue;
      const keys = this.keysOf(state);
      if (this.store && keys.every((key) => this.store!.has(key))) continue;
      const vectors = readVectors(state);
      keys.forEach((key, i) => {
        const vector = vectors?.[i];
        if (vector && !this.store?.has(key)) {
          this.addVector(key, vector);
          added++;
        }
      });
    }
    return added;
  }

  /** After a bulk load: gives back the postings' spare capacity. */
  trim(): void {
    this.bm25.trim();
  }

  private ref(ordinal: number): ChunkRef {
    return {
      key: this.keys[ordinal]!,
      file: this.paths[ordinal]!,
      startLine: this.startLines[ordinal]!,
      endLine: this.endLines[ordinal]!,
      symbol: this.symbols[ordinal]!,
      ordinal,
    };
  }

  private reserve(needed: number): void {
    if (needed <= this.keys.length) return;
    const capacity = grown(this.keys.length, needed);
    const keys = new Float64Array(capacity);
    keys.set(this.keys);
    this.keys = keys;
    const startLines = new Uint32Array(capacity);
    startLines.set(this.startLines);
    this.startLines = startLines;
    const endLines = new Uint32Array(capacity);
    endLines.set(this.endLines);
    this.endLines = endLines;
  }

  private addVector(key: number, vector: Float32Array): void {
    this.store ??= new HnswVectorStore(vector.length);
    if (vector.length !== this.store.dimensions) return;
    this.store.add(key, vector);
    this.unsavedVectors++;
  }
}
