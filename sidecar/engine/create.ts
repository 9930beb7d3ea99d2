// Turns a model source into a running engine: a local GGUF file through node-llama-cpp, a server, or a pool of servers.
import type { ModelSource, Role } from '../../protocol/sidecar';
import { withInfo, type Engine } from './engine';
import { loadLocalEngine } from './local/localEngine';
import type { ModelPool } from './local/modelPool';
import type { Runtime } from './runtime';
import { withBrokenRuns } from './safeText';
import { connectServerEngine } from './server/connect';
import { connectServerPool } from './server/serverPool';

export interface EngineRequest {
  readonly role: Role;
  readonly source: ModelSource;
  readonly contextSize: number;
  /** A draft model for speculative decoding: local chat models only (a server runs its own, e.g. llama-server's `--model-draft`). */
  readonly draft?: ModelSource;
  readonly signal: AbortSignal;
  readonly onProgress: (progress: number) => void;
}

export async function createEngine(request: EngineRequest, runtime: () => Promise<Runtime>, pool: ModelPool): Promise<Engine> {
  const { source } = request;
  if (source.kind !== 'file') {
    // A server's llama.cpp crashes on the same long runs of text as ours would.
    const engine = withBrokenRuns(
      source.kind === 'server'
        ? await connectServerEngine(request.role, source, request.signal, request.contextSize)
        : await connectServerPool(request.role, source, request.signal, request.contextSize),
    );
    if (!request.draft) return engine;
    const draftUnused = `The draft model is not used: it applies to local chat models only, and ${engine.info.name} runs on a server. Chat runs without it; a llama-server can draft itself (start it with --model-draft).`;
    return withInfo(engine, { ...engine.info, draftUnused });
  }
  return loadLocalEngine({ ...request, runtime: await runtime(), pool, path: source.path });
}
