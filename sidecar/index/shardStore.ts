// The index on disk, under the storage folder the extension passes:
//   files/<hash>.json      one record per source file: its chunks (text, lines, symbol), the
//                          mtime/size it was read at and the generation that wrote it
//   files/<hash>.<gen>.f32 that record's vectors, raw float32 (written before the record that names it)
//   vectors.json           which vector snapshot is current: generation, model, keys
//   vectors-<gen>.usearch  the HNSW graph at that generation (a cache: rebuilt from records if lost)
//   table.bin              the in-memory tables (chunk columns, keyword postings; tableSnapshot.ts),
//                          a cache too: what records changed after it was taken is replayed on open
//   atrest.json            whether records and table.bin are encrypted (atRest.ts), and the key's fingerprint
// Every file is replaced atomically, so a crash leaves each record old or new and the snapshot
// pointer on a complete snapshot; records newer than the snapshot are replayed on open. Records and
// table.bin hold the user's code: with encryption at rest they are sealed, and opening the store in
// the other mode (or with a lost key) migrates (or starts afresh) before anything is read.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeFolder } from '../folders';
import { log } from '../log';
import { AtRest, AtRestError } from '../../node/atRest';
import { removeStrayTemps, writeFileAtomic, writeFileAtomicAsync } from './atomicFile';
import { decodeTableSnapshot, encodeTableSnapshot, type State, type StringList } from './tableSnapshot';
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

export interface TableInfo {
  /** The index generation the tables were taken at, and the vector snapshot's then. */
  readonly generation: number;
  readonly vectorGeneration: number | null;
  /** When the snapshot was taken (ms since the epoch, the clock file times use), and files/'s time then. */
  readonly takenAt: number;
  readonly filesDirMtimeMs: number | null;
  /** The record file of each of the table's files, in its order (hashing them all again costs ~0.2 s at 100k chunks). */
  readonly recordNames: string[];
  readonly table: import('./chunkTable').ChunkTableState;
}

/**
 * Records written this close to a table snapshot (or after) are replayed. File times come from the
 * kernel's coarse clock (a few ms behind the one Date.now() reads) on file systems with fine
 * times, and in whole seconds (2 s on FAT) on the others.
 */
function timeSlack(sampleMtimeMs: number | null): number {
  return sampleMtimeMs !== null && sampleMtimeMs % 1000 !== 0 ? 50 : 2_000;
}

export class ShardStore {
  private readonly filesDir: string;

  /** Record file names by path (a hash each), kept for the table snapshot. */
  private readonly names = new Map<string, string>();

  constructor(
    readonly dir: string,
    private readonly atRest: AtRest = AtRest.plain,
  ) {
    this.filesDir = path.join(dir, 'files');
    makeFolder(this.filesDir, 'the index storage folder');
    // files/ can hold tens of thousands of names: its strays are removed when it is listed (readAll,
    // changedSince), and a crash that left one also moved the folder's time, so it will be.
    removeStrayTemps(dir);
  }

  /** The record file's name for a path. */
  recordName(relative: string): string {
    let name = this.names.get(relative);
    if (name === undefined) {
      name = `${hashOf(relative)}.json`;
      if (this.names.size > 1_000_000) this.names.clear();
      this.names.set(relative, name);
    }
    return name;
  }

  /**
   * Commits a file's record: its vectors first (a new file), then the record naming them (the
   * atomic rename is the commit), then the vectors of the record it replaced.
   */
  write(record: Omit<FileRecord, 'vectors'>, vectors?: readonly Float32Array[], replacedVectors?: string): FileRecord {
    const hash = this.recordName(record.path).slice(0, -'.json'.length);
    let committed: FileRecord = record;
    if (vectors && vectors.length > 0) {
      const name = `${hash}.${record.generation}.f32`;
      writeFileAtomic(path.join(this.filesDir, name), concat(vectors));
      committed = { ...record, vectors: name };
    }
    writeFileAtomic(path.join(this.filesDir, `${hash}.json`), this.atRest.seal(JSON.stringify(committed)));
    if (replacedVectors && replacedVectors !== committed.vectors) rmSync(path.join(this.filesDir, replacedVectors), { force: true });
    return committed;
  }

  delete(relative: string, vectors?: string): void {
    rmSync(path.join(this.filesDir, this.recordName(relative)), { force: true });
    if (vectors) rmSync(path.join(this.filesDir, vectors), { force: true });
  }

  /** A record's vectors, one per chunk; undefined when it has none or they cannot be read. */
  readVectors(record: Pick<FileRecord, 'vectors'> & { readonly chunks: { readonly length: number } }): Float32Array[] | undefined {
    if (!record.vectors || record.chunks.length === 0) return undefined;
    try {
      const bytes = readFileSync(path.join(this.filesDir, record.vectors));
      const all = new Float32Array(bytes.length / 4);
      new Uint8Array(all.buffer).set(bytes);
      const dimensions = all.length / record.chunks.length;
      if (!Number.isInteger(dimensions) || dimensions === 0) return undefined;
      return Array.from({ length: record.chunks.length }, (_, i) => all.subarray(i * dimensions, (i + 1) * dimensions));
    } catch {
      return undefined;
    }
  }

  /** The table snapshot and what it was taken at, or undefined (none, another format, damaged). */
  readTable(): TableInfo | undefined {
    const bytes = this.readSealed(path.join(this.dir, 'table.bin'), 'The index table snapshot');
    const state = (bytes && decodeTableSnapshot(bytes)) as (Omit<TableInfo, 'table'> & { table: unknown }) | undefined;
    if (!state || typeof state.generation !== 'number' || typeof state.takenAt !== 'number' || !state.table) return undefined;
    return state as TableInfo;
  }

  /**
   * Writes the table snapshot atomically: encoded now (the tables as they are at this moment), written
   * without blocking requests; resolves to its size in bytes.
   */
  async writeTable(info: Omit<TableInfo, 'table' | 'recordNames'> & { readonly recordNames: StringList }, table: State): Promise<number> {
    const bytes = this.atRest.seal(encodeTableSnapshot({ ...info, table }));
    await writeFileAtomicAsync(path.join(this.dir, 'table.bin'), bytes);
    return bytes.byteLength;
  }

  removeTable(): void {
    rmSync(path.join(this.dir, 'table.bin'), { force: true });
  }

  /**
   * What changed since a table snapshot: records written at or after `since` (ms, with slack for
   * coarse file times) or unknown to it, and the known paths whose record is gone. Only records that
   * changed are read; the rest is one listing and a stat per record.
   */
  changedSince(
    since: number,
    filesDirMtimeMs: number | null,
    known: ReadonlyMap<string, string>,
  ): { changed: FileRecord[]; removed: string[]; names: string[] } {
    // Every commit and delete renames or unlinks in files/, which moves the folder's time: the same
    // time as at the snapshot, well before it was taken, means nothing changed since (no stat per record).
    const dirMtime = this.filesDirMtime();
    const slack = timeSlack(dirMtime);
    if (filesDirMtimeMs !== null && dirMtime === filesDirMtimeMs && since - dirMtime > slack) return { changed: [], removed: [], names: [] };
    const names = this.list();
    const present = new Set(names);
    const knownNames = new Set<string>();
    const removed: string[] = [];
    for (const [relative, name] of known) {
      this.names.set(relative, name);
      knownNames.add(name);
      if (!present.has(name)) removed.push(relative);
    }
    const changed: FileRecord[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(this.filesDir, name);
      if (knownNames.has(name) && (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < since - slack) continue;
      const record = this.readRecord(file);
      if (record) changed.push(record);
      else rmSync(file, { force: true });
    }
    return { changed, removed, names };
  }

  /** files/'s names, its stray temporaries (a write a crash cut short) removed. */
  private list(): string[] {
    const names = readdirSync(this.filesDir);
    const temporaries = names.filter((name) => name.endsWith('.tmp'));
    for (const name of temporaries) rmSync(path.join(this.filesDir, name), { force: true });
    return temporaries.length ? names.filter((name) => !name.endsWith('.tmp')) : names;
  }

  /** The files/ folder's modification time (ms), or null when it cannot be read. */
  filesDirMtime(): number | null {
    return statSync(this.filesDir, { throwIfNoEntry: false })?.mtimeMs ?? null;
  }

  /**
   * Vectors no record references that a crash (or a replaced record) left, up to a generation: a
   * later one may belong to a record the table has not seen yet.
   */
  removeUnreferencedVectors(names: readonly string[], referenced: ReadonlySet<string>, upToGeneration: number): void {
    for (const name of names) {
      const generation = Number(/\.(\d+)\.f32$/.exec(name)?.[1]);
      if (name.endsWith('.f32') && !referenced.has(name) && generation <= upToGeneration) rmSync(path.join(this.filesDir, name), { force: true });
    }
  }

  read(relative: string): FileRecord | undefined {
    const record = this.readRecord(path.join(this.filesDir, this.recordName(relative)));
    return record?.path === relative ? record : undefined;
  }

  /** Every readable record; unreadable ones (another format, damaged) are deleted and re-indexed later. */
  *readAll(): Generator<FileRecord> {
    const names = this.list();
    const referenced = new Set<string>();
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(this.filesDir, name);
      const record = this.readRecord(file);
      if (!record) {
        rmSync(file, { force: true });
        continue;
      }
      this.names.set(record.path, name);
      if (record.vectors) referenced.add(record.vectors);
      yield record;
    }
    // Vectors written by a commit that a crash cut short, or left by one that replaced them.
    for (const name of names) if (name.endsWith('.f32') && !referenced.has(name)) rmSync(path.join(this.filesDir, name), { force: true });
  }

  /**
   * Brings what is stored to the mode asked for, before anything is read: records and table.bin are
   * sealed (or opened) again when encryption was turned on (or off) or the key changed with the old
   * one still given. Files sealed with a key that is gone cannot be read: the index starts afresh.
   * Returns what the user should be told, if anything. Only the index's writer calls it.
   */
  migrateAtRest(): string | undefined {
    const markerFile = path.join(this.dir, 'atrest.json');
    let stored: { encrypted: boolean; fingerprint?: string } = { encrypted: false };
    try {
      stored = JSON.parse(readFileSync(markerFile, 'utf8')) as typeof stored;
    } catch {
      // No marker: an index from before encryption at rest, or a new one; both plain.
    }
    const fingerprint = this.atRest.fingerprint();
    const wanted = { encrypted: this.atRest.encrypt, ...(this.atRest.encrypt && { fingerprint }) };
    let message: string | undefined;
    if (stored.encrypted && stored.fingerprint !== fingerprint) {
      for (const name of readdirSync(this.filesDir)) rmSync(path.join(this.filesDir, name), { force: true });
      for (const name of readdirSync(this.dir)) if (name === 'table.bin' || name.startsWith('vectors')) rmSync(path.join(this.dir, name), { force: true });
      message =
        "The index was encrypted with a key Pylot no longer has (it is gone from VS Code's secret storage), so it is being built again from your files.";
    } else if (stored.encrypted !== wanted.encrypted || stored.fingerprint !== wanted.fingerprint) {
      const files = readdirSync(this.filesDir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => path.join(this.filesDir, name));
      for (const file of [...files, path.join(this.dir, 'table.bin')]) this.reseal(file);
      log('info', `Index at ${this.dir}: ${files.length} records ${wanted.encrypted ? 'encrypted' : 'decrypted'} at rest.`);
    } else {
      return undefined;
    }
    writeFileAtomic(markerFile, JSON.stringify(wanted));
    return message;
  }

  /** A stored file in the current mode; one that cannot be opened is removed (records are indexed again). */
  private reseal(file: string): void {
    let stored: Buffer;
    try {
      stored = readFileSync(file);
    } catch {
      return;
    }
    try {
      writeFileAtomic(file, this.atRest.seal(this.atRest.open(stored, 'An index file')));
    } catch (error) {
      log('warn', `${describeAtRest(error)} It is removed and indexed again.`);
      rmSync(file, { force: true });
    }
  }

  /** A file's bytes, opened when sealed; undefined when missing or when it cannot be opened (said in the log). */
  private readSealed(file: string, what: string): Buffer | undefined {
    let stored: Buffer;
    try {
      stored = readFileSync(file);
    } catch {
      return undefined;
    }
    try {
      return this.atRest.open(stored, what);
    } catch (error) {
      log('warn', `${describeAtRest(error)} It is set aside and indexed again.`);
      return undefined;
    }
  }

  private readRecord(file: string): FileRecord | undefined {
    const bytes = this.readSealed(file, `The index record ${path.basename(file)}`);
    if (!bytes) return undefined;
    try {
      const record = JSON.parse(bytes.toString('utf8')) as FileRecord;
      return record.version === formatVersion && typeof record.path === 'string' && Array.isArray(record.chunks) ? record : undefined;
    } catch {
      return undefined;
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
}

function describeAtRest(error: unknown): string {
  return error instanceof AtRestError ? error.message : `An index file could not be read: ${String(error)}.`;
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
