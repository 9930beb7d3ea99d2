// Connects a role to a llama-server or an OpenAI-compatible server. Whatever goes wrong while
// connecting is a load failure (so a fallback source can take over), with the message that says why.
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import type { Role } from '../../../protocol/sidecar';
import { describeError } from '../../log';
import type { Engine } from '../engine';
import type { ServerSource } from './http';
import { connectLlamaServer } from './llamaServer';
import { connectOpenAiCompatible } from './openaiCompatible';

export async function connectServerEngine(role: Role, source: ServerSource, signal: AbortSignal, contextSize: number): Promise<Engine> {
  try {
    return await (source.api === 'llama-server' ? connectLlamaServer(role, source, signal) : connectOpenAiCompatible(role, source, signal, contextSize));
  } catch (error) {
    if (!(error instanceof PylotError)) {
      const reason = source.apiKey ? describeError(error).split(source.apiKey).join('***') : describeError(error);
      throw new PylotError(ErrorCodes.ModelLoadFailed, `Could not connect to server profile "${source.name}": ${reason}`);
    }
    // Unsupported, ModelNotFound, AuthFailed and Cancelled say more than a generic load failure.
    if (error.code === ErrorCodes.EngineFailed) throw new PylotError(ErrorCodes.ModelLoadFailed, error.message);
    throw error;
  }
}
