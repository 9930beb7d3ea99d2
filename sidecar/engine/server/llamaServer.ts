// llama.cpp's llama-server: /infill and /completion (its native streaming format, with KV-cache
// counts), /v1/chat/completions and /v1/embeddings, /tokenize, /health. What the server can do is
// read at connect: /props for the context size and chat template, and two requests it refuses
// before doing any work, which say whether the model has FIM tokens and whether --embeddings is on.
import * as z from 'zod/mini';
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import { sourceKey, type Capabilities, type ModelInfo, type Role } from '../../../protocol/sidecar';
import type { FimTokens } from '../../completion/templates';
import type {
  AlternativeOptions,
  ChatMessage,
  Engine,
  GenerateOptions,
  Generation,
  InfillInput,
  StopReason,
  ToolCallGeneration,
  ToolDefinition,
} from '../engine';
import { probeFimTokens } from './fimProbe';
import { ServerHttp, type ServerSource } from './http';
import { chatRequest, embed, Timings, ToolCallCollector } from './openaiApi';
import { ServerEngine, type CountedRequest } from './serverEngine';
import type { StreamPiece } from './streaming';

const Props = z.object({
  default_generation_settings: z.object({ n_ctx: z.number() }),
  model_alias: z.optional(z.string()),
  model_path: z.optional(z.string()),
  model_ftype: z.optional(z.string()),
  chat_template: z.optional(z.string()),
  chat_template_caps: z.optional(z.record(z.string(), z.unknown())),
  total_slots: z.optional(z.number()),
});

/** /v1/models: llama-server adds the model's metadata. */
const Models = z.object({
  data: z.array(
    z.object({
      meta: z.optional(z.object({ n_ctx_train: z.optional(z.number()), n_params: z.optional(z.number()), size: z.optional(z.number()) })),
    }),
  ),
});

const NativeChunk = z.object({
  index: z.optional(z.number()),
  content: z.optional(z.string()),
  stop: z.optional(z.boolean()),
  stop_type: z.optional(z.string()),
  tokens_predicted: z.optional(z.number()),
  timings: z.optional(Timings),
});

const Tokens = z.object({ tokens: z.array(z.number()) });

const stopTypes: Record<string, StopReason> = { eos: 'eos', word: 'stopTrigger', limit: 'maxTokens' };

export async function connectLlamaServer(role: Role, source: ServerSource, signal: AbortSignal): Promise<LlamaServerEngine> {
  const started = performance.now();
  const http = new ServerHttp(source);
  try {
    // /props first: it tells whether the server is there at all before anything else is asked.
    const props = await http.json('GET', '/props', undefined, Props, signal);
    const [models, fim, embeddings] = await Promise.all([
      http.json('GET', '/v1/models', undefined, Models, signal).catch(() => undefined), // metadata only
      // Refused before any work: 501 when the model lacks FIM tokens, 400 (a bad input_extra)
      // otherwise; n_predict keeps it short should some other version run it anyway.
      probe(http, '/infill', { input_prefix: '', input_suffix: '', input_extra: 'probe', n_predict: 0 }, signal),
      // 501 without --embeddings, 400 (no input) with it.
      probe(http, '/v1/embeddings', {}, signal),
    ]);
    const capabilities: Capabilities = {
      infill: fim && !embeddings,
      // This llama.cpp falls back to ChatML when the GGUF has no template; --embeddings servers generate nothing.
      chat: !!props.chat_template && !embeddings,
      tools: props.chat_template_caps?.supports_tool_calls === true && !embeddings,
      embeddings,
      grammar: !embeddings,
    };
    if (role === 'embeddings' && !embeddings) {
      throw new PylotError(
        ErrorCodes.Unsupported,
        `${http.label} does not serve embeddings. Restart it with --embeddings and an embedding model, or choose another embeddings model.`,
      );
    }
    if (role !== 'embeddings' && embeddings) {
      throw new PylotError(
        ErrorCodes.Unsupported,
        `${http.label} was started with --embeddings, so it serves embeddings only. Restart it without --embeddings to use it for ${role}.`,
      );
    }
    const meta = models?.data[0]?.meta;
    // The alias is the model's path unless the server was started with --alias.
    const path = props.model_path ?? '';
    const name = props.model_alias && props.model_alias !== path ? props.model_alias : path.split(/[\\/]/).pop() || 'llama-server';
    const info: ModelInfo = {
      role,
      key: sourceKey(source),
      engine: 'llama-server',
      name,
      location: http.location,
      sizeBytes: meta?.size,
      parameters: meta?.n_params,
      quantization: props.model_ftype,
      trainContextSize: meta?.n_ctx_train,
      contextSize: props.default_generation_settings.n_ctx,
      fim: capabilities.infill,
      capabilities,
      loadMs: Math.round(performance.now() - started),
    };
    // A server without /tokenize (an older build, a proxy) still completes, through /infill.
    const fimTokens = capabilities.infill ? await probeFimTokens(http, signal).catch(() => (signal.throwIfAborted(), undefined)) : undefined;
    return new LlamaServerEngine(http, info, fimTokens, (props.total_slots ?? 1) > 1);
  } catch (error) {
    http.destroy();
    throw error;
  }
}

export class LlamaServerEngine extends ServerEngine implements Engine {
  constructor(
    http: ServerHttp,
    info: ModelInfo,
    private readonly fim: FimTokens | undefined,
    /** The server has several slots: completions pin slot 0, so chat never takes their KV cache. */
    private readonly pinSlot: boolean,
  ) {
    super(http, info);
  }

  /** The served model's FIM markers, probed at connect, so Pylot can build the prompt itself. */
  fimTokens(): FimTokens | undefined {
    return this.fim;
  }

  async infill(input: InfillInput, options: GenerateOptions): Promise<Generation> {
    const noFim = `${this.http.label} serves ${this.info.name}, which has no fill-in-the-middle tokens, so it cannot complete code inline. Load a FIM code model in llama-server (e.g. Qwen2.5-Coder, StarCoder2 or DeepSeek-Coder base).`;
    if (!this.capabilities.infill) throw new PylotError(ErrorCodes.Unsupported, this.capabilities.embeddings ? this.embeddingsOnly('complete code') : noFim);
    const body = {
      input_prefix: input.prefix,
      input_suffix: input.suffix,
      input_extra: (input.extra ?? []).map(({ filename, text }) => ({ filename, text })),
      ...this.sampling(options),
      ...this.completionSlot(),
    };
    return this.generate({ path: '/infill', body, read: this.readNative, unsupported: noFim }, options);
  }

  async complete(prompt: string, options: GenerateOptions): Promise<Generation> {
    if (this.capabilities.embeddings) throw new PylotError(ErrorCodes.Unsupported, this.embeddingsOnly('complete a prompt'));
    return this.generate(this.completion(prompt)(options, 1), options);
  }

  /** The alternatives in one `n_cmpl` request (the server takes up to its --parallel slots). */
  async completeAlternatives(prompt: string, options: GenerateOptions, more: AlternativeOptions): Promise<Generation[]> {
    if (this.capabilities.embeddings) throw new PylotError(ErrorCodes.Unsupported, this.embeddingsOnly('complete a prompt'));
    return this.alternatives(this.completion(prompt), options, more);
  }

  private completion(prompt: string): CountedRequest {
    // The server parses special-token text in `prompt` (FIM markers, file separators) as special tokens.
    return (options, count) => ({
      path: '/completion',
      body: { prompt, ...this.sampling(options), ...this.completionSlot(), ...(count > 1 && { n_cmpl: count }) },
      read: this.readNative,
    });
  }

  async chat(messages: readonly ChatMessage[], options: GenerateOptions): Promise<Generation> {
    if (!this.capabilities.chat) {
      const noTemplate = `${this.http.label} serves a model without a chat template. Give llama-server one with --chat-template, or use an instruct model.`;
      throw new PylotError(ErrorCodes.Unsupported, this.capabilities.embeddings ? this.embeddingsOnly('chat') : noTemplate);
    }
    return this.generate(chatRequest(this.http, '/v1/chat/completions', undefined, messages, options), options);
  }

  /** The model's own tool calls: the server renders the tools with the model's Jinja template (--jinja) and parses its calls. */
  async chatWithTools(messages: readonly ChatMessage[], tools: readonly ToolDefinition[], options: GenerateOptions): Promise<ToolCallGeneration> {
    if (!this.capabilities.tools)
      throw new PylotError(
        ErrorCodes.Unsupported,
        `${this.http.label} serves ${this.info.name} without tool calls. Start llama-server with --jinja and a model whose template supports tools.`,
      );
    const collector = new ToolCallCollector();
    const generation = await this.generate(
      chatRequest(this.http, '/v1/chat/completions', undefined, messages, options, { definitions: tools, collector }),
      options,
    );
    return { ...generation, ...(collector.call ? { toolCall: collector.call } : {}) };
  }

  async embed(texts: readonly string[], signal: AbortSignal): Promise<number[][]> {
    const unsupported = `${this.http.label} does not serve embeddings. Restart it with --embeddings and an embedding model.`;
    if (!this.capabilities.embeddings) throw new PylotError(ErrorCodes.Unsupported, unsupported);
    return this.track(embed(this.http, '/v1/embeddings', undefined, texts, this.signal(signal), unsupported));
  }

  tokenize(text: string, signal: AbortSignal): Promise<number[]> {
    // Special-token text stays text, as the local engine tokenizes.
    const body = { content: text, add_special: false, parse_special: false };
    return this.track(this.http.json('POST', '/tokenize', body, Tokens, this.signal(signal)).then((answer) => answer.tokens));
  }

  /** One look at /health, no retries: what a status display can poll. */
  async health(signal: AbortSignal): Promise<'ok' | 'loading' | 'down'> {
    try {
      const answer = await this.http.send('GET', '/health', undefined, this.signal(signal), { retries: 0 });
      answer.discard();
      return answer.status === 200 ? 'ok' : answer.status === 503 ? 'loading' : 'down';
    } catch {
      return 'down';
    }
  }

  private completionSlot(): { id_slot?: number } {
    return this.pinSlot && this.info.role === 'completion' ? { id_slot: 0 } : {};
  }

  private sampling(options: GenerateOptions): Record<string, unknown> {
    return {
      stream: true,
      cache_prompt: true,
      n_predict: options.maxTokens,
      temperature: options.temperature ?? 0,
      stop: options.stop?.length ? [...options.stop] : undefined,
      json_schema: options.jsonSchema,
    };
  }

  private readonly readNative = (value: unknown, request: string): StreamPiece => {
    const chunk = this.http.check(NativeChunk, value, request);
    const { timings } = chunk;
    return {
      index: chunk.index,
      text: chunk.content,
      end: chunk.stop === true,
      stopReason: chunk.stop ? (stopTypes[chunk.stop_type ?? 'eos'] ?? 'eos') : undefined,
      tokens: timings?.predicted_n ?? chunk.tokens_predicted,
      promptTokens: timings?.prompt_n,
      cachedTokens: timings?.cache_n,
    };
  };

  private embeddingsOnly(what: string): string {
    return `${this.http.label} was started with --embeddings, so it cannot ${what}. Use a llama-server started without --embeddings.`;
  }
}

/** True unless the server says it has no such feature (501) or no such route (404). */
async function probe(http: ServerHttp, path: string, body: unknown, signal: AbortSignal): Promise<boolean> {
  const answer = await http.send('POST', path, body, signal);
  if (answer.status === 501 || answer.status === 404) {
    answer.discard();
    return false;
  }
  if (answer.status === 401 || answer.status === 403 || answer.status >= 500) throw await http.statusError(answer);
  answer.discard();
  return true;
}
