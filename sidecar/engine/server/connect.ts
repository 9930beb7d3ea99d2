// Connects a role to a llama-server or an OpenAI-compatible server.
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import type { ModelSource, Role } from '../../../protocol/sidecar';
import type { Engine } from '../engine';

type ServerSource = Extract<ModelSource, { kind: 'server' }>;

export async function connectServerEngine(_role: Role, source: ServerSource, _signal: AbortSignal): Promise<Engine> {
  throw new PylotError(ErrorCodes.Unsupported, `Server profiles (${source.name}) are not supported yet.`);
}
