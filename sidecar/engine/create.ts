// Turns a model source into a running engine: a local GGUF file through node-llama-cpp, a server, or a pool of servers.
import type { ModelSource, Role } from '../../protocol/sidecar';
import type { Engine } from './engine';
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
  readonly signal: AbortSignal;
  readonly onProgress: (progress: number) => void;
}

export async function createEngine(request: EngineRequest, runtime: () => Promise<Runtime>, pool: ModelPool): Promise<Engine> {
  const { source } = request;
  // A server's llama.cpp crashes on the same long runs of text as ours would.
  if (source.kind === 'server') return withBrokenRuns(await connectServerEngine(request.role, source, request.signal, request.contextSize));
  if (source.kind === 'pool') return withBrokenRuns(await connectServerPool(request.role, source, request.signal, request.contextSize));
  return loadLocalEngine({ ...request, runtime: await runtime(), pool, path: source.path });
}
