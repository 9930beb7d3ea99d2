// What an index holds in memory to answer searches: a reference to every chunk (its file, lines and
// symbol; the text stays on disk), the keyword postings and the vectors, kept in step as committed
// file records come and go.
import { Bm25Index } from './bm25';
import type { FileRecord, StoredChunk } from './shardStore';
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

export interface FileState {
  readonly mtimeMs: number;
  readonly size: number;
  readonly keys: readonly number[];
  /** The model its chunks' vectors came from, and their file; undefined when they have none. */
  readonly model?: string;
  readonly vectors?: string;
}

export class ChunkTable {
  readonly files = new Map<string, FileState>();
  private readonly chunks = new Map<number, ChunkRef>();
  private readonly keyOfOrdinal: number[] = [];
  private readonly bm25 = new Bm25Index();
  private store: VectorStore | undefined;
  private model: string | undefined;
  /** Vector changes since the snapshot on disk. */
  unsavedVectors = 0;

  constructor(private readonly readVectors: (record: FileRecord) => Float32Array[] | undefined) {}

  get chunkCount(): number {
    return this.chunks.size;
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

  /** Adds a committed record: chunk refs, keyword postings, and the vectors the store lacks. */
  add(record: FileRecord, vectors?: readonly Float32Array[], onChunk?: (chunk: StoredChunk) => void): void {
    const model = record.model !== undefined && record.model === this.model ? record.model : undefined;
    const missing = model !== undefined && record.chunks.some((chunk) => !this.store?.has(chunk.key));
    const fresh = missing ? (vectors ?? this.readVectors(record)) : undefined;
    record.chunks.forEach((chunk, i) => {
      onChunk?.(chunk);
      const ordinal = this.keyOfOrdinal.length;
      this.keyOfOrdinal.push(chunk.key);
      this.chunks.set(chunk.key, { key: chunk.key, file: record.path, startLine: chunk.startLine, endLine: chunk.endLine, symbol: chunk.symbol, ordinal });
      this.bm25.add(ordinal, `${record.path} ${chunk.symbol} ${chunk.text}`);
      const vector = fresh?.[i];
      if (vector && !this.store?.has(chunk.key)) this.addVector(chunk.key, vector);
    });
    const embedded = model !== undefined && record.vectors !== undefined && (!missing || fresh !== undefined);
    this.files.set(record.path, { mtimeMs: record.mtimeMs, size: record.size, keys: record.chunks.map((c) => c.key), model: embedded ? model : undefined, vectors: record.vectors });
  }

  remove(relative: string): void {
    const state = this.files.get(relative);
    if (!state) return;
    for (const key of state.keys) {
      const ref = this.chunks.get(key);
      if (ref) this.bm25.remove(ref.ordinal);
      this.chunks.delete(key);
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
      if (this.chunks.has(key) || !this.store?.has(key)) continue;
      this.store.remove(key);
      this.unsavedVectors++;
    }
  }

  /** Keys whose vectors are in the store: what a snapshot records. */
  embeddedKeys(): number[] {
    const keys: number[] = [];
    for (const state of this.files.values()) if (state.model !== undefined && state.model === this.model) keys.push(...state.keys);
    return keys;
  }

  keywordSearch(query: string, limit: number): ChunkRef[] {
    return this.bm25.search(query, limit).map((hit) => this.chunks.get(this.keyOfOrdinal[hit.doc]!)!);
  }

  vectorSearch(vector: Float32Array, limit: number): ChunkRef[] {
    if (!this.store || vector.length !== this.store.dimensions) return [];
    return this.store.search(vector, limit).flatMap((hit) => this.chunks.get(hit.key) ?? []);
  }

  /** After a bulk load: gives back the postings' spare capacity. */
  trim(): void {
    this.bm25.trim();
  }

  private addVector(key: number, vector: Float32Array): void {
    this.store ??= new HnswVectorStore(vector.length);
    if (vector.length !== this.store.dimensions) return;
    this.store.add(key, vector);
    this.unsavedVectors++;
  }
}
