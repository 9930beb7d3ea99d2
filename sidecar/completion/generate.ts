// model/generate: a prompt or a chat on a role's engine, optionally constrained to a JSON schema
// and handed back parsed, so callers never see half-valid JSON.
import { ErrorCodes, PylotError, type ParamsOf, type ResultOf } from '../../protocol/rpc';
import type { Generate } from '../../protocol/sidecar';
import type { Engine, GenerateOptions } from '../engine/engine';
import { DeltaBatcher } from './deltaBatcher';

type GenerateParams = ParamsOf<typeof Generate>;
type GenerateResult = ResultOf<typeof Generate>;

export async function generate(engine: Engine, params: GenerateParams, signal: AbortSignal, onDelta?: (text: string) => void): Promise<GenerateResult> {
  if (!params.prompt === !params.messages) throw new PylotError(ErrorCodes.InvalidParams, 'model/generate needs either a prompt or messages, not both.');
  if (params.jsonSchema && !engine.capabilities.grammar) {
    throw new PylotError(ErrorCodes.Unsupported, `${engine.info.name} cannot constrain its output to a JSON schema.`);
  }
  const batcher = onDelta ? new DeltaBatcher(onDelta) : undefined;
  const options: GenerateOptions = {
    maxTokens: params.maxTokens ?? 512,
    temperature: params.temperature ?? 0,
    stop: params.stop,
    jsonSchema: params.jsonSchema,
    signal,
    onText: batcher ? (text) => batcher.push(text) : undefined,
  };
  const generation = params.messages ? await engine.chat(params.messages, options) : await engine.complete(params.prompt!, options);
  batcher?.flush();
  if (!params.jsonSchema || generation.stopReason === 'aborted') return generation;
  try {
    return { ...generation, json: JSON.parse(generation.text) as unknown };
  } catch {
    const cut = generation.stopReason === 'maxTokens' ? ' (it ran out of tokens; allow more with maxTokens)' : '';
    throw new PylotError(ErrorCodes.EngineFailed, `${engine.info.name} did not produce valid JSON${cut}.`);
  }
}
