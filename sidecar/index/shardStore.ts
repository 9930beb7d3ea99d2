// The index on disk, under the storage folder the extension passes:
//   files/<hash>.json      one record per source file: its chunks (text, lines, symbol), the
//                          mtime/size it was read at and the generation that wrote it
//   files/<hash>.<gen>.f32 that record's vectors, raw float32 (written before the record that names it)
//   vectors.json           which vector snapshot is current: generation, model, keys
//   vectors-<gen>.usearch  the HNSW graph at that generation (a cache: rebuilt from records if lost)
// Every file is replaced atomically, so a crash leaves each record old or new and the snapshot
// pointer on a complete snapshot; records newer than the snapshot are replayed on open.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { makeFolder } from '../folders';
import { removeStrayTemps, writeFileAtomic } from './atomicFile';
import type { VectorStore } from './vectorStore';

export const formatVersion = 2;

export interface StoredChunk {
  /** Unique for the life of the index: never reused, so a stale snapshot entry is recognisable. */
  readonly key: number;
  readonly startLine: number;
  readonly endLine: number;
  readonly symbol: string;
  readonly text: string;
}

export interface FileRecord {
  readonly version: number;
  /** Relative to the root, forward slashes. */
  readonly path: string;
  readonly mtimeMs: number;
  readonly size: number;
  readonly generation: number;
  /** The embedding model the vectors came from, and the file (in files/) holding them, one per chunk. */
  readonly model?: string;
  readonly vectors?: string;
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
    makeFolder(this.filesDir, 'the index storage folder');
    removeStrayTemps(dir);
    removeStrayTemps(this.filesDir);
  }

  /**
   * Commits a file's record: its vectors first (a new file), then the record naming them (the
   * atomic rename is the commit), then the vectors of the record it replaced.
   */
  write(record: Omit<FileRecord, 'vectors'>, vectors?: readonly Float32Array[], replacedVectors?: string): FileRecord {
    const hash = hashOf(record.path);
    let committed: FileRecord = record;
    if (vectors && vectors.length > 0) {
      const name = `${hash}.${record.generation}.f32`;
      writeFileAtomic(path.join(this.filesDir, name), concat(vectors));
      committed = { ...record, vectors: name };
    }
    writeFileAtomic(path.join(this.filesDir, `${hash}.json`), JSON.stringify(committed));
    if (replacedVectors && replacedVectors !== committed.vectors) rmSync(path.join(this.filesDir, replacedVectors), { force: true });
    return committed;
  }

  delete(relative: string, vectors?: string): void {
    rmSync(path.join(this.filesDir, `${hashOf(relative)}.json`), { force: true });
    if (vectors) rmSync(path.join(this.filesDir, vectors), { force: true });
  }

  /** A record's vectors, one per chunk; undefined when it has none or they cannot be read. */
  readVectors(record: FileRecord): Float32Array[] | undefined {
    if (!record.vectors || record.chunks.length === 0) return undefined;
    try {
      const bytes = readFileSync(path.join(this.filesDir, record.vectors));
      const all = new Float32Array(bytes.length / 4);
      new Uint8Array(all.buffer).set(bytes);
      const dimensions = all.length / record.chunks.length;
      if (!Number.isInteger(dimensions) || dimensions === 0) return undefined;
      return record.chunks.map((_, i) => all.subarray(i * dimensions, (i + 1) * dimensions));
    } catch {
      return undefined;
    }
  }

  read(relative: string): FileRecord | undefined {
    const record = readRecord(path.join(this.filesDir, `${hashOf(relative)}.json`));
    return record?.path === relative ? record : undefined;
  }

  /** Every readable record; unreadable ones (another format, damaged) are deleted and re-indexed later. */
  *readAll(): Generator<FileRecord> {
    const names = readdirSync(this.filesDir);
    const referenced = new Set<string>();
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(this.filesDir, name);
      const record = readRecord(file);
      if (!record) {
        rmSync(file, { force: true });
        continue;
      }
      if (record.vectors) referenced.add(record.vectors);
      yield record;
    }
    // Vectors written by a commit that a crash cut short, or left by one that replaced them.
    for (const name of names) if (name.endsWith('.f32') && !referenced.has(name)) rmSync(path.join(this.filesDir, name), { force: true });
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
}

function readRecord(file: string): FileRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as FileRecord;
    return record.version === formatVersion && typeof record.path === 'string' && Array.isArray(record.chunks) ? record : undefined;
  } catch {
    return undefined;
  }
}

function hashOf(relative: string): string {
  return createHash('sha1').update(relative).digest('hex').slice(0, 32);
}

function concat(vectors: readonly Float32Array[]): Uint8Array {
  const all = new Float32Array(vectors.reduce((sum, v) => sum + v.length, 0));
  let at = 0;
  for (const vector of vectors) {
    all.set(vector, at);
    at += vector.length;
  }
  return new Uint8Array(all.buffer);
}
