// Saving the index's two snapshots: the vector snapshot (when vectors changed), then the table
// snapshot that names it. A restart loads both and replays only the records written after. The
// tables are encoded at once (as they are now) and written without blocking requests.
import { describeError, log } from '../log';
import type { ChunkTable } from './chunkTable';
import type { ShardStore } from './shardStore';
import { StringList } from './tableSnapshot';

/**
 * A full collection, where the sidecar runs with --expose-gc (the supervisor starts it so): a bulk
 * load leaves tens of MB of garbage and a grown heap that V8 would otherwise keep committed.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Never throws: a snapshot that cannot be written is logged, and the records stay the truth. */
export async function saveSnapshots(
  store: ShardStore,
  table: ChunkTable,
  generation: number,
  vectorGeneration: number | null,
  onVectorsSaved: (generation: number) => void,
): Promise<void> {
  const { vectors, vectorModel } = table;
  try {
    if (vectors && vectorModel && table.unsavedVectors > 0) {
      store.saveSnapshot(vectors, { generation, model: vectorModel, keys: table.embeddedKeys() });
      vectorGeneration = generation;
      onVectorsSaved(generation);
      table.unsavedVectors = 0;
    }
    // Taken before it is encoded: a record committed later has a later file time.
    const takenAt = Date.now();
    const recordNames = new StringList([...table.files.keys()].map((relative) => store.recordName(relative)));
    const info = { generation, vectorGeneration, takenAt, filesDirMtimeMs: store.filesDirMtime(), recordNames };
    table.unsavedChunks = 0;
    await store.writeTable(info, table.exportState());
    // The encoded tables (tens of MB at 100k chunks) are garbage now: give the memory back at once.
    collectGarbage();
  } catch (error) {
    log('warn', `Could not save the index's snapshots (the index rebuilds them from its records): ${describeError(error)}`);
  }
}
