// The open indexes, one per workspace folder, and search across them: keyword and vector rankings
// fused by reciprocal rank, answered with the chunks' text and lines.
import path from 'node:path';
import type { CodeSpan, IndexStatus, ParamsOfSearch } from './types';
import { checkFolder, makeFolder } from '../folders';
import { describeError } from '../log';
import type { Embedder } from './embedding';
import { normalized } from './embedding';
import { PauseGate } from './pauseGate';
import { reciprocalRankFusion } from './rrf';
import type { ChunkRef } from './chunkTable';
import { WorkspaceIndex, type IndexOptions, type IndexServices } from './workspaceIndex';

export interface RegistryServices {
  readonly embedder: Embedder;
  /** Embeds a search query at once (new indexing work waits for it; a running unit finishes). */
  embedQuery(text: string, signal: AbortSignal): Promise<Float32Array>;
  background: IndexServices['background'];
  onStatus(status: IndexStatus): void;
}

export interface SearchAnswer {
  readonly results: CodeSpan[];
  readonly mode: 'hybrid' | 'keyword';
  readonly message?: string;
}

/** Each ranking contributes this many candidates per wanted result. */
const candidatesPerResult = 4;

export class IndexRegistry {
  private readonly indexes = new Map<string, WorkspaceIndex>();
  readonly pause = new PauseGate();

  constructor(private readonly services: RegistryServices) {}

  open(options: IndexOptions): WorkspaceIndex {
    const root = path.resolve(options.root);
    let index = this.indexes.get(root);
    if (!index) {
      // Checked before anything touches the disk; the paths keep their given spelling (file events name it).
      checkFolder(root, { what: 'the workspace folder', mustExist: true });
      makeFolder(options.storageDir, 'the index storage folder');
      index = WorkspaceIndex.open({ ...options, root }, { ...this.services, pause: this.pause });
      this.indexes.set(root, index);
      index.start();
    }
    return index;
  }

  async close(root: string): Promise<void> {
    const index = this.indexes.get(path.resolve(root));
    this.indexes.delete(path.resolve(root));
    await index?.close();
  }

  async closeAll(): Promise<void> {
    for (const root of [...this.indexes.keys()]) await this.close(root);
  }

  /** The index holding an absolute path, and the path relative to it. */
  locate(absolute: string): { index: WorkspaceIndex; relative: string } | undefined {
    for (const [root, index] of this.indexes) {
      const relative = path.relative(root, absolute);
      if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return { index, relative: relative.split(path.sep).join('/') };
    }
    return undefined;
  }

  statuses(): IndexStatus[] {
    return [...this.indexes.values()].map((index) => index.status());
  }

  checkEmbeddingModel(): void {
    for (const index of this.indexes.values()) index.checkEmbeddingModel();
  }

  async search(params: ParamsOfSearch, signal: AbortSignal): Promise<SearchAnswer> {
    const limit = params.limit ?? 10;
    const roots = params.roots?.map((root) => path.resolve(root));
    const indexes = [...this.indexes.values()].filter((index) => !roots || roots.includes(index.root));
    const pool = Math.max(50, limit * candidatesPerResult);
    const keyword = interleave(indexes.map((index) => index.keywordSearch(params.query, pool).map((ref) => ({ index, ref }))));

    const model = this.services.embedder.model();
    let vectorHits: Array<{ index: WorkspaceIndex; ref: ChunkRef }> = [];
    let message: string | undefined;
    if (!model) message = 'No embedding model is loaded: results are ranked by keywords (BM25) only.';
    else if (indexes.some((index) => index.embeddingModel === model)) {
      try {
        const vector = normalized(await this.services.embedQuery(params.query, signal));
        vectorHits = interleave(
          indexes.filter((index) => index.embeddingModel === model).map((index) => index.vectorSearch(vector, pool).map((ref) => ({ index, ref }))),
        );
      } catch (error) {
        if (signal.aborted) throw error;
        message = `The query could not be embedded, so keywords alone ranked the results: ${describeError(error)}`;
      }
    } else message = 'The index is still embedding its chunks: results are ranked by keywords for now.';

    const id = (hit: { index: WorkspaceIndex; ref: ChunkRef }) => `${hit.index.root}\0${hit.ref.key}`;
    const byId = new Map([...keyword, ...vectorHits].map((hit) => [id(hit), hit]));
    // Fused beyond the limit: results re-checked away below leave room for the next ones.
    const fused = reciprocalRankFusion([keyword.map(id), vectorHits.map(id)], pool);
    const results: CodeSpan[] = [];
    for (const { item, score, ranks } of fused) {
      if (results.length >= limit) break;
      const { index, ref } = byId.get(item)!;
      // Checked again on the way out: the file may have been ignored, or replaced by a symlink, since it was indexed.
      if (!index.readable(ref.file)) continue;
      const text = index.chunkText(ref);
      if (text === undefined) continue;
      results.push({
        path: path.join(index.root, ref.file),
        relativePath: ref.file,
        startLine: ref.startLine,
        endLine: ref.endLine,
        symbol: ref.symbol,
        text,
        score,
        keywordRank: ranks[0],
        vectorRank: ranks[1],
      });
    }
    return { results, mode: vectorHits.length > 0 ? 'hybrid' : 'keyword', message };
  }
}

/** Round-robin over per-folder rankings: scores from different folders' indexes are not comparable. */
function interleave<T>(lists: readonly T[][]): T[] {
  const merged: T[] = [];
  for (let rank = 0; lists.some((list) => rank < list.length); rank++) {
    for (const list of lists) if (rank < list.length) merged.push(list[rank]!);
  }
  return merged;
}
