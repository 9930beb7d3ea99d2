// model/generate: a prompt, a chat or a fill-in-the-middle on a role's engine, optionally constrained to a JSON schema
// and handed back parsed, so callers never see half-valid JSON; a chat fitted to the model's context
// first when asked (tokenBudget.ts).
import { ErrorCodes, PylotError, type ParamsOf, type ResultOf } from '../../protocol/rpc';
import type { Generate } from '../../protocol/sidecar';
import type { Engine, GenerateOptions } from '../engine/engine';
import { countTokens, fitConversation } from '../engine/tokenBudget';
import { code } from '../../protocol/logLine';
import { log, tracing } from '../log';
import { DeltaBatcher } from './deltaBatcher';
import { chatWithClientTools } from '../chat/clientTools';

type GenerateParams = ParamsOf<typeof Generate>;
type GenerateResult = ResultOf<typeof Generate>;

export async function generate(engine: Engine, params: GenerateParams, signal: AbortSignal, onDelta?: (text: string) => void): Promise<GenerateResult> {
  const inputs = [params.prompt, params.messages, params.infill].filter((input) => input !== undefined).length;
  if (inputs !== 1) throw new PylotError(ErrorCodes.InvalidParams, 'model/generate needs one of a prompt, messages or an infill.');
  if (params.tools && (!params.messages || params.jsonSchema))
    throw new PylotError(ErrorCodes.InvalidParams, 'model/generate offers tools only to a chat without a JSON schema.');
  if (params.infill && params.jsonSchema) throw new PylotError(ErrorCodes.InvalidParams, 'model/generate cannot constrain an infill to a JSON schema.');
  if (params.jsonSchema && !engine.capabilities.grammar) {
    throw new PylotError(ErrorCodes.Unsupported, `${engine.info.name} cannot constrain its output to a JSON schema.`);
  }
  const batcher = onDelta ? new DeltaBatcher(onDelta) : undefined;
  const maxTokens = params.maxTokens ?? 512;
  const options: GenerateOptions = {
    maxTokens,
    temperature: params.temperature ?? 0,
    stop: params.stop,
    jsonSchema: params.jsonSchema,
    copiesInput: params.copiesInput,
    signal,
    onText: batcher ? (text) => batcher.push(text) : undefined,
  };
  const fitted =
    params.messages && params.fitToContext
      ? await fitConversation(params.messages, engine.info.contextSize, maxTokens, (text) => countTokens(engine, text, signal))
      : undefined;
  const messages = fitted?.messages ?? params.messages;
  const generation: GenerateResult = {
    ...(messages
      ? params.tools
        ? await chatWithClientTools(engine, messages, params.tools, { ...options, toolChoice: params.toolChoice })
        : await engine.chat(messages, options)
      : params.infill
        ? await engine.infill(params.infill, options)
        : await engine.complete(params.prompt!, options)),
    ...(fitted && { fittedTokens: fitted.tokens, droppedMessages: fitted.droppedMessages }),
  };
  batcher?.flush();
  if (tracing()) log('info')`generate on ${engine.info.name}: ${code(params.messages ?? params.prompt ?? params.infill)} → ${code(generation.text)}`;
  if (!params.jsonSchema || generation.stopReason === 'aborted') return generation;
  try {
    return { ...generation, json: JSON.parse(generation.text) as unknown };
  } catch {
    const cut = generation.stopReason === 'maxTokens' ? ' (it ran out of tokens; allow more with maxTokens)' : '';
    throw new PylotError(ErrorCodes.EngineFailed, `${engine.info.name} did not produce valid JSON${cut}.`);
  }
}
