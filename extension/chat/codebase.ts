// `@codebase`: the workspace index's search, served by the sidecar as `index/search` (built by the
// context engine). Until that request exists in protocol/sidecar.ts this declares the shape the
// chat needs; an engine without it answers MethodNotFound, which becomes "index not available".
import * as z from 'zod/mini';
import { ErrorCodes, PylotError, request } from '../../protocol/rpc';
import type { Sidecar } from '../sidecar/supervisor';

export const IndexSearch = request(
  'index/search',
  z.object({ query: z.string(), limit: z.optional(z.int()) }),
  z.object({
    results: z.array(z.object({ path: z.string(), startLine: z.optional(z.int()), endLine: z.optional(z.int()), text: z.string(), score: z.optional(z.number()) })),
  }),
);

export interface CodebaseHit {
  readonly path: string;
  readonly startLine?: number;
  readonly endLine?: number;
  readonly text: string;
}

export type CodebaseSearch = { readonly available: true; readonly hits: readonly CodebaseHit[] } | { readonly available: false; readonly reason: string };

export async function searchCodebase(sidecar: Sidecar, query: string, signal?: AbortSignal, limit = 8): Promise<CodebaseSearch> {
  try {
    const { results } = await sidecar.request(IndexSearch, { query, limit }, { signal, timeoutMs: 15_000 });
    return { available: true, hits: results };
  } catch (error) {
    if (!(error instanceof PylotError) || error.code === ErrorCodes.Cancelled) throw error;
    const reason = error.code === ErrorCodes.MethodNotFound ? 'this engine has no workspace index yet' : error.message;
    return { available: false, reason };
  }
}
