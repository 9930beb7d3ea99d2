// The one way the sidecar has node-llama-cpp read a model's header, for the loader
// (engine/local/inspect.ts) and the folder scan alike: Pylot's gate first (checkModelFile:
// node-llama-cpp trusts a header's counts), then node-llama-cpp's read, bounded by headerTimeoutMs,
// its failure named by its cause so each caller can word it.
import type { GgufFileInfo, GgufInsights } from 'node-llama-cpp';
import type { Runtime } from '../engine/runtime';
import { checkModelFile, headerTimeoutMs, type ModelFileCheck } from './gguf/modelFile';

export type ModelHeader = { readonly checked: ModelFileCheck } & (
  | { readonly ok: true; readonly info: GgufFileInfo; readonly insights: GgufInsights }
  /** `refused`: the gate found the header itself unsafe (`checked` says why) and nothing read it;
   * `timeout`: the drive is slow or stalled; `unreadable`: node-llama-cpp refused it (`error` says why). */
  | { readonly ok: false; readonly why: 'refused' | 'cancelled' | 'timeout' | 'unreadable'; readonly error?: unknown }
);

/**
 * Checks `file`, then reads its metadata and what llama.cpp makes of it, skipping `ignoreKeys` (the
 * vocabulary is the bulk of a header). A file whose tensor data is cut short is still read: its
 * header passed, so what it says can be shown beside the problem `checked` names.
 */
export async function readModelHeader(runtime: Runtime, file: string, ignoreKeys: string[], signal?: AbortSignal): Promise<ModelHeader> {
  const checked = await checkModelFile(file, signal ? { signal } : {});
  if (!checked.ok && !checked.headerIntact) return { checked, ok: false, why: 'refused' };
  const timeout = AbortSignal.timeout(headerTimeoutMs);
  try {
    const info = await runtime.lib.readGgufFileInfo(file, {
      sourceType: 'filesystem',
      ignoreKeys,
      logWarnings: false,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    return { checked, ok: true, info, insights: await runtime.lib.GgufInsights.from(info, runtime.llama) };
  } catch (error) {
    return { checked, ok: false, why: signal?.aborted ? 'cancelled' : timeout.aborted ? 'timeout' : 'unreadable', error };
  }
}
