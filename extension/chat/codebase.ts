// `@codebase`: the workspace index's search (extension/index/codebaseIndex.ts, `index/search` in the
// sidecar). A search that cannot run — the index turned off, the engine down — becomes a chip that says why.
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { CodeSearch } from '../index/codebaseIndex';

export interface CodebaseHit {
  /** Workspace-relative. */
  readonly path: string;
  /** 1-based, inclusive. */
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
}

export type CodebaseSearch =
  { readonly available: true; readonly hits: readonly CodebaseHit[]; readonly note?: string } | { readonly available: false; readonly reason: string };

export async function searchCodebase(search: CodeSearch, query: string, signal?: AbortSignal, limit = 8): Promise<CodebaseSearch> {
  try {
    const answer = await search(query, { limit, signal });
    const hits = answer.results.map((span) => ({ path: span.relativePath, startLine: span.startLine, endLine: span.endLine, text: span.text }));
    // e.g. "keyword search only: no embedding model", or "the index is turned off".
    return { available: true, hits, note: answer.message };
  } catch (error) {
    if (!(error instanceof PylotError) || error.code === ErrorCodes.Cancelled) throw error;
    return { available: false, reason: error.message };
  }
}
