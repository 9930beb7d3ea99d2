// Opening an index from disk. The fast way: the table snapshot (one read: chunk columns, keyword
// postings) and the vector snapshot, then only what changed after them — records written since (by
// file time) are replayed, those deleted are dropped — so a restart at 100k chunks is searchable in
// well under the 2 s target instead of ~28 s. The slow way, when there is no usable table snapshot
// (a first open after an upgrade, a damaged file): every record read and every chunk tokenized,
// yielding as it goes so the index is searchable while it loads.
import { describeError, log } from '../log';
import type { ChunkTable } from './chunkTable';
import type { ShardStore, SnapshotInfo } from './shardStore';
import { HnswVectorStore } from './vectorStore';

export interface Loaded {
  readonly generation: number;
  /** The generation of the vector snapshot the tables now match (null: none). */
  readonly vectorGeneration: number | null;
  /** Whether the table snapshot was used (else every record was read), and the records replayed after it. */
  readonly fromSnapshot: boolean;
  readonly replayed: number;
}

export async function loadIndex(store: ShardStore, table: ChunkTable, progress: () => void): Promise<Loaded> {
  const snapshot = store.snapshot();
  const vectors = snapshot && HnswVectorStore.load(snapshot.file, snapshot.dimensions);
  const fromTable = restoreTable(store, table, snapshot, vectors);
  if (fromTable) return fromTable;
  return loadRecords(store, table, snapshot, vectors, progress);
}

function restoreTable(store: ShardStore, table: ChunkTable, snapshot: SnapshotInfo | undefined, vectors: HnswVectorStore | undefined): Loaded | undefined {
  const info = store.readTable();
  if (!info) return undefined;
  try {
    table.restoreState(info.table);
  } catch (error) {
    log('warn', `The index's table snapshot is damaged; reading every record instead: ${describeError(error)}`);
    store.removeTable();
    return undefined;
  }
  let generation = info.generation;
  // The vectors: the snapshot's, when it is of the tables' model; any the tables have that it lacks are read from their files.
  if (snapshot && vectors && snapshot.model === table.vectorModel) {
    table.useVectors(vectors, snapshot.model);
    generation = Math.max(generation, snapshot.generation);
  }
  const paths = [...table.files.keys()];
  const known = new Map(paths.map((relative, i) => [relative, info.recordNames?.[i] ?? store.recordName(relative)]));
  const { changed, removed, names } = store.changedSince(info.takenAt, info.filesDirMtimeMs ?? null, known);
  let replacedChunks = 0;
  for (const relative of removed) {
    replacedChunks += table.files.get(relative)?.chunks ?? 0;
    table.remove(relative);
  }
  for (const record of changed) {
    generation = Math.max(generation, record.generation);
    replacedChunks += (table.files.get(record.path)?.chunks ?? 0) + record.chunks.length;
    table.remove(record.path);
    table.add(record);
  }
  // Replayed chunks leave tombstones that skew keyword scores (document frequencies count them) and
  // grown postings lists: sweep and pack when they are many; a few are swept later with the others
  // (the keyword index's own rule).
  if (replacedChunks * 8 > table.chunkCount) table.trim();
  if (table.vectorModel && (!vectors || snapshot?.generation !== info.vectorGeneration || changed.length || removed.length)) {
    if (snapshot && vectors && snapshot.model === table.vectorModel) table.removeStaleVectors(snapshot.keys);
    table.restoreMissingVectors((state) => store.readVectors({ vectors: state.vectors, chunks: { length: state.chunks } }));
  }
  // Vector files of generations the tables have seen that nothing references: a crash's leftovers.
  const referenced = new Set<string>();
  for (const state of table.files.values()) if (state.vectors) referenced.add(state.vectors);
  store.removeUnreferencedVectors(names, referenced, info.generation);
  return { generation, vectorGeneration: snapshot?.generation ?? null, fromSnapshot: true, replayed: changed.length + removed.length };
}

async function loadRecords(
  store: ShardStore,
  table: ChunkTable,
  snapshot: SnapshotInfo | undefined,
  vectors: HnswVectorStore | undefined,
  progress: () => void,
): Promise<Loaded> {
  let generation = 0;
  if (snapshot && vectors) {
    table.useVectors(vectors, snapshot.model);
    generation = snapshot.generation;
  }
  let sinceYield = 0;
  for (const record of store.readAll()) {
    generation = Math.max(generation, record.generation);
    if (!table.vectorModel && record.model) table.useVectors(undefined, record.model);
    table.add(record);
    sinceYield += record.chunks.length;
    if (sinceYield >= 200) {
      sinceYield = 0;
      progress();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  // Snapshot entries whose chunks were replaced after it was taken.
  if (snapshot && vectors) table.removeStaleVectors(snapshot.keys);
  table.trim();
  return { generation, vectorGeneration: snapshot?.generation ?? null, fromSnapshot: false, replayed: 0 };
}
