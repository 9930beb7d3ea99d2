// One workspace folder's index: loads what is on disk, reconciles it with the folder (a scan at
// open, file events after), and keeps chunks, keyword postings and vectors in step. Each file is
// one unit of work: read, chunk, embed, commit its record (the atomic write is the commit point),
// then update memory. Work runs at the scheduler's lowest priority and waits while paused.
import path from 'node:path';
import type { IndexState, IndexStatus } from '../../protocol/index';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { describeError, log } from '../log';
import { ChunkTable, type ChunkRef } from './chunkTable';
import { chunkSource } from './chunker';
import { embedAll, normalized, type Embedder } from './embedding';
import { languageOf } from './languages';
import type { PauseGate } from './pauseGate';
import { formatVersion, ShardStore, type FileRecord } from './shardStore';
import type { AtRest } from '../../node/atRest';
import { loadIndex } from './indexLoad';
import { collectGarbage, saveSnapshots } from './indexSnapshots';
import { readRegularFile, walkWorkspace, type WalkNote } from './walk';
import { looksBinary, WorkspaceFilter } from './workspaceFilter';
import { WriterLock } from './writerLock';

export interface IndexOptions {
  readonly root: string;
  readonly storageDir: string;
  readonly exclude?: readonly string[];
  readonly maxFileBytes?: number;
  /** Encryption at rest of what the store holds of the user's code; plain when absent. */
  readonly atRest?: AtRest;
}

export interface IndexServices {
  readonly embedder: Embedder;
  /** Runs a unit of work at the lowest priority; rejects with Preempted when a completion needs the engine. */
  background<T>(signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>): Promise<T>;
  readonly pause: PauseGate;
  onStatus(status: IndexStatus): void;
}

type Task = 'update' | 'delete' | 'embed';

/** Keys are generation × 2^16 + chunk number: unique forever, since generations only grow. */
const chunksPerFile = 1 << 16;
const snapshotEvery = 2048;
const snapshotAfterMs = 5 * 60_000;
/** Chunks committed or removed before the index asks for a full collection once it is idle. */
const collectAfterChunks = 4096;

export class WorkspaceIndex {
  private readonly table: ChunkTable;
  private snapshotAt = performance.now();
  private generation = 0;
  /** The generation of the vector snapshot on disk (null: none). */
  private vectorGeneration: number | null = null;
  private readonly queue = new Map<string, Task>();
  private filesTotal = 0;
  private state: IndexState = 'loading';
  private message: string | undefined;
  private running: Promise<void> | undefined;
  private scanRequested = true;
  /** Files the current embedding model failed on: not retried until the model changes. */
  private readonly unembeddable = new Set<string>();
  private readonly closing = new AbortController();
  private lastStatusAt = 0;
  private chunksSinceCollect = 0;
  /** Why the last scan stopped early, if it did. */
  private scanNote: string | undefined;
  readonly filter: WorkspaceFilter;
  readonly writer: boolean;

  private constructor(
    readonly root: string,
    private readonly store: ShardStore,
    private readonly lock: WriterLock,
    private readonly services: IndexServices,
    options: IndexOptions,
  ) {
    this.filter = new WorkspaceFilter(root, options.exclude, options.maxFileBytes);
    this.table = new ChunkTable((record) => store.readVectors(record));
    this.writer = lock.acquire();
    // Before anything is read: the stored files in the mode asked for (or afresh, when their key is gone).
    if (this.writer) this.message = store.migrateAtRest();
    if (!this.writer) this.message = `Another Pylot process (pid ${lock.holder()?.pid}) is indexing this folder; its index is searched read-only here.`;
  }

  /** Resolves once what was on disk is in memory (searchable); loading yields to other requests. */
  loaded: Promise<void> = Promise.resolve();
  /** Whether the last load came from the table snapshot (else from every record), and how many records it replayed. */
  loadedFromSnapshot = false;
  replayedRecords = 0;

  static open(options: IndexOptions, services: IndexServices): WorkspaceIndex {
    const store = new ShardStore(options.storageDir, options.atRest);
    const index = new WorkspaceIndex(path.resolve(options.root), store, new WriterLock(path.join(options.storageDir, 'lock')), services, options);
    index.loaded = index.load();
    return index;
  }

  get stats(): { generation: number; files: number; chunks: number } {
    return { generation: this.generation, files: this.table.files.size, chunks: this.table.chunkCount };
  }

  /** Scans the folder and indexes what changed, in the background. */
  start(): void {
    if (!this.writer) return this.setState('idle');
    this.scanRequested = true;
    this.kick();
  }

  /** File events: queued, and processed in the background. */
  changed(relative: string, type: 'created' | 'changed' | 'deleted'): void {
    const rules = path.posix.basename(relative) === '.gitignore' || relative === '.pylotignore';
    // A reader reads the rules again too: its search results are checked against them.
    if (rules) this.filter.forgetGitignores();
    if (!this.writer) return;
    if (rules) {
      this.scanRequested = true;
    } else if (type === 'deleted') {
      this.queue.set(relative, 'delete');
      // A deleted folder: everything indexed under it goes too.
      for (const file of this.table.files.keys()) if (file.startsWith(`${relative}/`)) this.queue.set(file, 'delete');
    } else {
      this.queue.set(relative, 'update');
    }
    this.kick();
  }

  /** Re-reads the embedding model; called when it may have changed. */
  checkEmbeddingModel(): void {
    if (this.writer && this.services.embedder.model() !== this.table.vectorModel) this.kick();
  }

  /** Indexes one file now, in the foreground (tests and benchmarks). */
  async indexFileNow(relative: string): Promise<void> {
    await this.process(relative, 'update', this.closing.signal);
  }

  /** Resolves once the queue is drained. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  keywordSearch(query: string, limit: number): ChunkRef[] {
    return this.table.keywordSearch(query, limit);
  }

  vectorSearch(vector: Float32Array, limit: number): ChunkRef[] {
    return this.table.vectorSearch(vector, limit);
  }

  get embeddingModel(): string | undefined {
    return this.table.vectorModel;
  }

  /** The file may still be shown: not ignored now, not a symlink now (its record may predate either). */
  readable(relative: string): boolean {
    return this.filter.reachable(relative);
  }

  /** The text of an indexed chunk, from its file's record. */
  chunkText(ref: ChunkRef): string | undefined {
    return this.store.read(ref.file)?.chunks.find((chunk) => chunk.key === ref.key)?.text;
  }

  status(): IndexStatus {
    const embedded = this.table.vectors?.size ?? 0;
    const model = this.services.embedder.model();
    const vectors = !model && embedded === 0 ? 'none' : embedded < this.table.chunkCount ? 'partial' : 'ready';
    const noModel =
      vectors === 'none'
        ? 'No embedding model is loaded: the index answers by keywords (BM25) only. Set "pylot.models.embeddings" for search by meaning.'
        : undefined;
    return {
      root: this.root,
      state: this.services.pause.paused && (this.state === 'scanning' || this.state === 'indexing') ? 'paused' : this.state,
      filesIndexed: this.table.files.size,
      filesTotal: Math.max(this.filesTotal, this.table.files.size),
      chunks: this.table.chunkCount,
      chunksEmbedded: embedded,
      generation: this.generation,
      vectors,
      message: this.message ?? this.scanNote ?? noModel,
    };
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.loaded.catch(() => undefined);
    await this.running?.catch(() => undefined);
    if (this.writer && (this.table.unsavedVectors > 0 || this.table.unsavedChunks > 0)) await this.saveSnapshot();
    this.lock.release();
  }

  private async load(): Promise<void> {
    const loaded = await loadIndex(this.store, this.table, () => {
      this.filesTotal = this.table.files.size;
      this.emit();
    });
    this.generation = loaded.generation;
    this.vectorGeneration = loaded.vectorGeneration;
    this.loadedFromSnapshot = loaded.fromSnapshot;
    this.replayedRecords = loaded.replayed;
    this.filesTotal = this.table.files.size;
    collectGarbage();
    this.emit(true);
  }

  private kick(): void {
    this.running ??= this.work().finally(() => {
      this.running = undefined;
    });
  }

  private async work(): Promise<void> {
    const signal = this.closing.signal;
    try {
      await this.loaded;
      while (!signal.aborted) {
        if (this.services.pause.paused) {
          this.setState('paused');
          await this.services.pause.wait(signal);
          continue;
        }
        this.adoptEmbeddingModel();
        if (this.scanRequested) await this.scan(signal);
        if (this.queue.size === 0) this.queueMissingVectors();
        const next = this.queue.entries().next();
        if (next.done) break;
        const [relative, task] = next.value;
        this.queue.delete(relative);
        this.setState('indexing');
        try {
          await this.services.background(signal, (granted) => this.process(relative, task, granted));
        } catch (error) {
          if (error instanceof PylotError && error.code === ErrorCodes.Preempted) {
            this.queue.set(relative, this.queue.get(relative) ?? task);
            await new Promise((resolve) => setTimeout(resolve, 50));
          } else if (!signal.aborted) {
            log('warn', `Indexing ${relative} failed: ${describeError(error)}`);
          }
        }
        this.emit();
        // Let requests (searches, completions) through between files.
        await new Promise((resolve) => setImmediate(resolve));
      }
      // The snapshot only spares a reopen some graph inserts (newer records are replayed), so it is
      // written when much changed or a while has passed, never in the way of a save.
      const stale = performance.now() - this.snapshotAt > snapshotAfterMs;
      const unsaved = Math.max(this.table.unsavedVectors, this.table.unsavedChunks);
      if (!signal.aborted && (unsaved >= snapshotEvery || (unsaved > 0 && stale))) await this.saveSnapshot();
      if (this.chunksSinceCollect >= collectAfterChunks) {
        this.chunksSinceCollect = 0;
        collectGarbage();
      }
      this.setState('idle');
    } catch (error) {
      this.message = `Indexing stopped: ${describeError(error)}`;
      this.setState('error');
    }
  }

  /** A new embedding model makes every stored vector useless: start a fresh store for it. */
  private adoptEmbeddingModel(): void {
    const model = this.services.embedder.model();
    const previous = this.table.vectorModel;
    if (!model || model === previous) return;
    log('info', `Index of ${this.root}: embedding with ${model}${previous ? ` (was ${previous})` : ''}.`);
    this.table.useVectors(undefined, model);
    this.unembeddable.clear();
  }

  private queueMissingVectors(): void {
    if (!this.services.embedder.model()) return;
    for (const [relative, state] of this.table.files) {
      if (state.model !== this.table.vectorModel && state.chunks > 0 && !this.unembeddable.has(relative)) this.queue.set(relative, 'embed');
    }
  }

  private async scan(signal: AbortSignal): Promise<void> {
    this.scanRequested = false;
    this.setState('scanning');
    const seen = new Set<string>();
    const note: WalkNote = {};
    for await (const file of walkWorkspace(this.filter, signal, note)) {
      seen.add(file.relative);
      const known = this.table.files.get(file.relative);
      if (!known || known.mtimeMs !== file.mtimeMs || known.size !== file.size) this.queue.set(file.relative, 'update');
    }
    // A walk that stopped early did not see everything: what it missed is not gone.
    if (!note.stoppedEarly && !signal.aborted) for (const relative of this.table.files.keys()) if (!seen.has(relative)) this.queue.set(relative, 'delete');
    this.scanNote = note.stoppedEarly;
    this.filesTotal = seen.size;
  }

  private async process(relative: string, task: Task, signal: AbortSignal): Promise<void> {
    if (task === 'embed') return this.embedStored(relative, signal);
    // An event names any path, a symlink too: the same rule as the walk, which never follows one.
    const bytes =
      task === 'delete' || !this.filter.reachable(relative) ? undefined : await readRegularFile(path.join(this.root, relative), this.filter.maxFileBytes);
    if (!bytes || looksBinary(bytes.data)) return this.remove(relative);
    const info = bytes.info;
    const pieces = (await chunkSource(bytes.data.toString('utf8'), languageOf(relative))).slice(0, chunksPerFile);
    const model = this.services.embedder.model();
    const vectors = model
      ? await this.embedOrSkip(
          relative,
          pieces.map((piece) => piece.text),
          signal,
        )
      : undefined;
    const generation = this.generation + 1;
    const record = {
      version: formatVersion,
      path: relative,
      mtimeMs: info.mtimeMs,
      size: info.size,
      generation,
      model: vectors ? model : undefined,
      chunks: pieces.map((piece, i) => ({ key: generation * chunksPerFile + i, ...piece })),
    };
    this.commit(record, vectors);
  }

  /** Adds vectors to a file already chunked (an embedding model arrived or changed). */
  private async embedStored(relative: string, signal: AbortSignal): Promise<void> {
    const record = this.store.read(relative);
    const model = this.services.embedder.model();
    if (!record || !model || record.model === model) return;
    const vectors = await this.embedOrSkip(
      relative,
      record.chunks.map((chunk) => chunk.text),
      signal,
    );
    if (!vectors) return;
    const { vectors: _previous, ...chunked } = record;
    this.commit({ ...chunked, model, generation: this.generation + 1 }, vectors);
  }

  private async embedOrSkip(relative: string, texts: readonly string[], signal: AbortSignal): Promise<Float32Array[] | undefined> {
    if (texts.length === 0) return [];
    try {
      return (await embedAll(this.services.embedder, texts, signal)).map(normalized);
    } catch (error) {
      if (error instanceof PylotError && (error.code === ErrorCodes.Preempted || error.code === ErrorCodes.Cancelled)) throw error;
      if (signal.aborted) throw error;
      this.unembeddable.add(relative);
      log('warn', `Embedding ${relative} failed; it is searched by keywords only: ${describeError(error)}`);
      return undefined;
    }
  }

  private commit(record: Omit<FileRecord, 'vectors'>, vectors?: readonly Float32Array[]): void {
    const committed = this.store.write(record, vectors, this.table.files.get(record.path)?.vectors);
    this.generation = record.generation;
    this.chunksSinceCollect += record.chunks.length + (this.table.files.get(record.path)?.chunks ?? 0);
    this.table.remove(record.path);
    this.table.add(committed, vectors);
  }

  private remove(relative: string): void {
    const state = this.table.files.get(relative);
    if (!state) return;
    this.store.delete(relative, state.vectors);
    this.generation++;
    this.chunksSinceCollect += state.chunks;
    this.table.remove(relative);
  }

  /** Both snapshots (indexSnapshots.ts); a restart loads them and replays only the records written after. */
  private async saveSnapshot(): Promise<void> {
    this.snapshotAt = performance.now();
    await saveSnapshots(this.store, this.table, this.generation, this.vectorGeneration, (generation) => (this.vectorGeneration = generation));
  }

  private setState(state: IndexState): void {
    if (state === this.state) return;
    this.state = state;
    this.emit(true);
  }

  /** Progress at most every 250 ms, state changes at once. */
  private emit(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastStatusAt < 250) return;
    this.lastStatusAt = now;
    this.services.onStatus(this.status());
  }
}
