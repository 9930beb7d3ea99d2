// Any server that speaks the OpenAI API (Ollama, LM Studio, vLLM, OpenRouter, llama-server's /v1):
// chat and text completions streamed, embeddings, and /tokenize where the server happens to have
// one. /v1/models at connect says the server is there and which model to ask for. The API has no
// fill-in-the-middle.
import * as z from 'zod/mini';
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import { sourceKey, type Capabilities, type ModelInfo, type Role } from '../../../protocol/sidecar';
import { log } from '../../log';
import type { AlternativeOptions, ChatMessage, Engine, GenerateOptions, Generation, ToolCallGeneration, ToolDefinition } from '../engine';
import { ServerHttp, type ServerSource } from './http';
import { chatRequest, completionRequest, embed, ToolCallCollector } from './openaiApi';
import { ServerEngine } from './serverEngine';

/** The API does not say how much context a model gets: a conservative guess (Ollama's default). */

/** Context sizes some servers list: OpenRouter and LM Studio, vLLM, llama-server. */
const Model = z.object({
  id: z.string(),
  context_length: z.optional(z.number()),
  max_model_len: z.optional(z.number()),
  meta: z.optional(z.object({ n_ctx: z.optional(z.number()) })),
});
const Models = z.object({ data: z.array(Model) });
const Tokens = z.object({ tokens: z.array(z.number()) });

/** `assumedContextSize` stands in for servers that do not say how much context they serve. */
export async function connectOpenAiCompatible(
  role: Role,
  source: ServerSource,
  signal: AbortSignal,
  assumedContextSize: number,
): Promise<OpenAiCompatibleEngine> {
  const started = performance.now();
  const http = new ServerHttp(source);
  try {
    const model = await chooseModel(http, source.model, signal);
    // No input: servers with the route refuse it as a bad request (400/422), others have no route.
    const answer = await http.send('POST', '/v1/embeddings', { model: model.id }, signal);
    answer.discard();
    if (answer.status === 401 || answer.status === 403) throw await http.statusError(answer);
    const embeddings = ![404, 405, 501].includes(answer.status);
    if (role === 'embeddings' && !embeddings) {
      throw new PylotError(
        ErrorCodes.Unsupported,
        `${http.label} has no embeddings endpoint (/v1/embeddings answered ${answer.status}). Choose a server or model that serves embeddings.`,
      );
    }
    const capabilities: Capabilities = { infill: false, chat: true, tools: true, embeddings, grammar: true };
    const info: ModelInfo = {
      role,
      key: sourceKey(source),
      engine: 'openai-compatible',
      name: model.id,
      location: http.location,
      contextSize: model.context_length ?? model.max_model_len ?? model.meta?.n_ctx ?? assumedContextSize,
      fim: false,
      capabilities,
      loadMs: Math.round(performance.now() - started),
    };
    return new OpenAiCompatibleEngine(http, info);
  } catch (error) {
    http.destroy();
    throw error;
  }
}

/** The profile's model if the server lists it, else the first it lists. */
async function chooseModel(http: ServerHttp, wanted: string | undefined, signal: AbortSignal): Promise<z.infer<typeof Model>> {
  const answer = await http.send('GET', '/v1/models', undefined, signal);
  if (answer.status === 404 && wanted) {
    answer.discard();
    log('warn', `${http.label} does not list its models; asking for "${wanted}" anyway.`);
    return { id: wanted };
  }
  if (answer.status !== 200) throw await http.statusError(answer);
  const { data } = http.check(Models, http.parseJson(await answer.text(), answer.request), answer.request);
  if (!wanted) {
    const first = data[0];
    if (!first) throw new PylotError(ErrorCodes.ModelNotFound, `${http.label} lists no models. Load or pull one on the server, or set "model" in the profile.`);
    return first;
  }
  // Ollama lists "name:latest" for a model pulled as "name".
  const found = data.find((model) => model.id === wanted || model.id === `${wanted}:latest`);
  if (found) return found;
  const listed =
    data
      .slice(0, 8)
      .map((model) => `"${model.id}"`)
      .join(', ') + (data.length > 8 ? `, … (${data.length} in all)` : '');
  throw new PylotError(
    ErrorCodes.ModelNotFound,
    `${http.label} has no model "${wanted}". It lists ${listed || 'none'}; set "model" in the profile to one of them.`,
  );
}

export class OpenAiCompatibleEngine extends ServerEngine implements Engine {
  /** Set once the server showed it has no /tokenize. */
  private noTokenizer = false;

  async infill(): Promise<Generation> {
    throw new PylotError(
      ErrorCodes.Unsupported,
      `${this.http.label} speaks the OpenAI API, which has no fill-in-the-middle. FIM needs llama-server (set the profile's api to "llama-server" if that is what it runs) or a local model.`,
    );
  }

  async complete(prompt: string, options: GenerateOptions): Promise<Generation> {
    this.refuseSchema(options);
    return this.generate(completionRequest(this.http, '/v1/completions', this.info.name, prompt, options), options);
  }

  /** The alternatives in one request with the API's `n`, on servers that take it (vLLM, llama-server). */
  async completeAlternatives(prompt: string, options: GenerateOptions, more: AlternativeOptions): Promise<Generation[]> {
    this.refuseSchema(options);
    return this.alternatives((sampled, count) => completionRequest(this.http, '/v1/completions', this.info.name, prompt, sampled, count), options, more);
  }

  private refuseSchema(options: GenerateOptions): void {
    if (options.jsonSchema) {
      throw new PylotError(
        ErrorCodes.Unsupported,
        `${this.http.label}: the OpenAI API constrains output to a JSON schema in chat only, not in text completions.`,
      );
    }
  }

  async chat(messages: readonly ChatMessage[], options: GenerateOptions): Promise<Generation> {
    return this.generate(chatRequest(this.http, '/v1/chat/completions', this.info.name, messages, options), options);
  }

  async chatWithTools(messages: readonly ChatMessage[], tools: readonly ToolDefinition[], options: GenerateOptions): Promise<ToolCallGeneration> {
    const collector = new ToolCallCollector();
    const generation = await this.generate(
      chatRequest(this.http, '/v1/chat/completions', this.info.name, messages, options, { definitions: tools, collector }),
      options,
    );
    return { ...generation, ...(collector.call ? { toolCall: collector.call } : {}) };
  }

  async embed(texts: readonly string[], signal: AbortSignal): Promise<number[][]> {
    const unsupported = `${this.http.label} does not serve embeddings for "${this.info.name}". Choose an embedding model.`;
    if (!this.capabilities.embeddings) throw new PylotError(ErrorCodes.Unsupported, unsupported);
    return this.track(embed(this.http, '/v1/embeddings', this.info.name, texts, this.signal(signal), unsupported));
  }

  tokenize(text: string, signal: AbortSignal): Promise<number[]> {
    return this.track(this.tokenizeNow(text, this.signal(signal)));
  }

  private async tokenizeNow(text: string, signal: AbortSignal): Promise<number[]> {
    const unsupported = `${this.http.label} has no /tokenize endpoint, so Pylot cannot count tokens with its tokenizer.`;
    if (this.noTokenizer) throw new PylotError(ErrorCodes.Unsupported, unsupported);
    // Outside the API: llama-server reads `content`, vLLM `prompt`; each ignores the other's fields.
    const body = { model: this.info.name, content: text, prompt: text, add_special: false, parse_special: false, add_special_tokens: false };
    const answer = await this.http.send('POST', '/tokenize', body, signal);
    if ([404, 405, 501].includes(answer.status)) {
      answer.discard();
      this.noTokenizer = true;
      throw new PylotError(ErrorCodes.Unsupported, unsupported);
    }
    if (answer.status !== 200) throw await this.http.statusError(answer);
    return this.http.check(Tokens, this.http.parseJson(await answer.text(), answer.request), answer.request).tokens;
  }
}
