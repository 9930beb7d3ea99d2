// The index on disk, under the storage folder the extension passes:
//   files/<hash>.json      one record per source file: its chunks (text, lines, symbol, vector),
//                          the mtime/size it was read at and the generation that wrote it
//   vectors.json           which vector snapshot is current: generation, model, keys
//   vectors-<gen>.usearch  the HNSW graph at that generation (a cache: rebuilt from records if lost)
// Every file is replaced atomically, so a crash leaves each record old or new and the snapshot
// pointer on a complete snapshot; records newer than the snapshot are replayed on open.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { removeStrayTemps, writeFileAtomic } from './atomicFile';
import type { VectorStore } from './vectorStore';

export const formatVersion = 1;

export interface StoredChunk {
  /** Unique for the life of the index: never reused, so a stale snapshot entry is recognisable. */
  readonly key: number;
  readonly startLine: number;
  readonly endLine: number;
  readonly symbol: string;
  readonly text: string;
  /** Float32 little-endian, base64; absent when no embedding model was loaded. */
  readonly vector?: string;
}

export interface FileRecord {
  readonly version: number;
  /** Relative to the root, forward slashes. */
  readonly path: string;
  readonly mtimeMs: number;
  readonly size: number;
  readonly generation: number;
  /** The embedding model the vectors came from. */
  readonly model?: string;
  readonly chunks: readonly StoredChunk[];
}

export interface SnapshotInfo {
  readonly generation: number;
  readonly model: string;
  readonly dimensions: number;
  readonly file: string;
  readonly keys: readonly number[];
}

export class ShardStore {
  private readonly filesDir: string;

  constructor(readonly dir: string) {
    this.filesDir = path.join(dir, 'files');
    mkdirSync(this.filesDir, { recursive: true });
    removeStrayTemps(dir);
    removeStrayTemps(this.filesDir);
  }

  write(record: FileRecord): void {
    writeFileAtomic(this.fileFor(record.path), JSON.stringify(record));
  }

  delete(relative: string): void {
    rmSync(this.fileFor(relative), { force: true });
  }

  read(relative: string): FileRecord | undefined {
    const record = readRecord(this.fileFor(relative));
    return record?.path === relative ? record : undefined;
  }

  /** Every readable record; unreadable ones (another format, damaged) are deleted and re-indexed later. */
  *readAll(): Generator<FileRecord> {
    for (const name of readdirSync(this.filesDir)) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(this.filesDir, name);
      const record = readRecord(file);
      if (record) yield record;
      else rmSync(file, { force: true });
    }
  }

  snapshot(): SnapshotInfo | undefined {
    try {
      const info = JSON.parse(readFileSync(path.join(this.dir, 'vectors.json'), 'utf8')) as SnapshotInfo;
      return { ...info, file: path.join(this.dir, path.basename(info.file)) };
    } catch {
      return undefined;
    }
  }

  /** Saves the vectors, then points vectors.json at them; older snapshots are removed after. */
  saveSnapshot(store: VectorStore, info: Omit<SnapshotInfo, 'file' | 'dimensions'>): void {
    const file = path.join(this.dir, `vectors-${info.generation}.usearch`);
    store.save(file);
    writeFileAtomic(path.join(this.dir, 'vectors.json'), JSON.stringify({ ...info, dimensions: store.dimensions, file: path.basename(file) }));
    for (const name of readdirSync(this.dir)) {
      if (name.startsWith('vectors-') && name.endsWith('.usearch') && name !== path.basename(file)) rmSync(path.join(this.dir, name), { force: true });
    }
  }

  private fileFor(relative: string): string {
    return path.join(this.filesDir, `${createHash('sha1').update(relative).digest('hex').slice(0, 32)}.json`);
  }
}

function readRecord(file: string): FileRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as FileRecord;
    return record.version === formatVersion && typeof record.path === 'string' && Array.isArray(record.chunks) ? record : undefined;
  } catch {
    return undefined;
  }
}

export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const vector = new Float32Array(bytes.length / 4);
  new Uint8Array(vector.buffer).set(bytes);
  return vector;
}
