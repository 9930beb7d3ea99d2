// node-llama-cpp in the sidecar: a GGUF file checked and sized to fit before loading, a context of its own per
// role (the weights are shared through the pool), generation that reports how many prompt tokens it really
// evaluated (so KV-cache reuse can be measured), and alternatives decoded together from one evaluated prompt.
import type { LlamaChat, LlamaContext, LlamaEmbeddingContext, LlamaGrammar, LlamaModel, Token } from 'node-llama-cpp';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import type { Capabilities, ModelInfo, ModelSource, Role } from '../../../protocol/sidecar';
import { log } from '../../log';
import type { FimTokens } from '../../completion/templates';
import type {
  AlternativeOptions,
  ChatMessage,
  Engine,
  EngineSpeed,
  GenerateOptions,
  Generation,
  InfillInput,
  ReadOptions,
  ToolCallGeneration,
  ToolDefinition,
} from '../engine';
import type { Runtime } from '../runtime';
import { machineOf, modelSpeed, refineSpeed, speedKey } from './calibrate';
import { inspectModel, loadGuardedModel, planLoad } from './inspect';
import { chatHistory } from './llamaChatHistory';
import { readChatDraft } from './chatDraft';
import { stopReasons, type GenerationSettings } from './generationSettings';
import { nullableOptionals, ownToolFormat } from './toolFormat';
import type { ModelLease, ModelPool } from './modelPool';
import { loadDraft, roleDraft, type DraftResult, type LoadedDraft } from './draftModel';
import { switchablePromptLookup } from './promptLookup';
import { completionSequences, nextEditSequences, PromptSequences, type PromptSequence, type ReadResult } from './promptSequences';

export interface LocalLoadOptions {
  readonly runtime: Runtime;
  readonly pool: ModelPool;
  readonly role: Role;
  readonly path: string;
  readonly contextSize: number;
  /** A draft model for speculative decoding (chat only); when it cannot be used, the info says why. */
  readonly draft?: ModelSource;
  readonly signal: AbortSignal;
  readonly onProgress: (progress: number) => void;
}

export async function loadLocalEngine(options: LocalLoadOptions): Promise<LocalEngine> {
  const { runtime, pool, role, path: modelPath, signal } = options;
  const inspected = await inspectModel(runtime, modelPath, signal);
  // The memory plan counts the next-edit sequence too: its KV cache is as large as a completion's.
  const sequences = role === 'completion' ? completionSequences + nextEditSequences : 1;
  const plan = await planLoad(runtime, inspected, options.contextSize, await pool.holds(modelPath), sequences);
  if (plan.shrunkFrom) log('warn', `${inspected.name}: a ${plan.shrunkFrom}-token context does not fit in free memory; loading with ${plan.contextSize}.`);
  const started = performance.now();
  const lease = await pool.acquire(modelPath, () => loadGuardedModel(runtime, modelPath, plan.gpuLayers, signal, options.onProgress), signal);
  const { model } = lease;
  let drafted: DraftResult | undefined;
  if (lease.shared) log('info', `${inspected.name} (${role}) shares the weights another role already loaded from this file.`);
  try {
    const general = inspected.info.metadata.general;
    const fileType = general?.file_type;
    const describe = (contextSize: number, capabilities: Capabilities): ModelInfo => ({
      role,
      key: modelPath,
      engine: 'local',
      name: general?.name || path.basename(modelPath),
      location: modelPath,
      architecture: String(general?.architecture ?? 'unknown'),
      sizeBytes: inspected.sizeBytes,
      parameters: inspected.insights.totalParameters || undefined,
      quantization: fileType === undefined ? undefined : runtime.lib.GgufFileType[fileType]?.replace(/^MOSTLY_/, ''),
      trainContextSize: inspected.insights.trainContextSize,
      contextSize,
      fim: capabilities.infill,
      capabilities,
      gpuLayers: model.gpuLayers,
      loadMs: Math.round(performance.now() - started),
      ...(drafted && 'draft' in drafted && { draft: drafted.draft.info }),
      ...(drafted && 'unused' in drafted && { draftUnused: drafted.unused }),
    });
    if (role === 'embeddings') {
      const embedding = await model.createEmbeddingContext({ contextSize: plan.contextSize });
      const capabilities = { infill: false, chat: false, tools: false, embeddings: true, grammar: false };
      return new LocalEngine(runtime, lease, describe(plan.contextSize, capabilities), { embedding });
    }
    const { flashAttention, kvCacheType } = runtime.contextOptions;
    const context = await model.createContext({
      contextSize: plan.contextSize,
      sequences,
      flashAttention,
      ...(kvCacheType ? { experimentalKvCacheKeyType: kvCacheType, experimentalKvCacheValueType: kvCacheType } : {}),
    });
    drafted = await roleDraft(role, inspected.name, options.draft, (source) => loadDraft({ runtime, pool, source, target: { inspected, context }, signal }));
    const draft = drafted && 'draft' in drafted ? drafted.draft : undefined;
    // Chat-role generations that copy their prompt (refactors) predict from it, the others from the draft model if any; completions do not.
    const prompts =
      role === 'completion'
        ? new PromptSequences(runtime.lib, model, context, undefined, true)
        : new PromptSequences(runtime.lib, model, context, () => switchablePromptLookup(runtime.lib, draft?.predictor()));
    const { sequence, completion } = prompts.all[0]!;
    const capabilities = { infill: completion.infillSupported, chat: true, tools: ownToolFormat(runtime, model), embeddings: false, grammar: true };
    // Completion sizes its cold prompts from these rates; the other roles do not wait for a measurement.
    const speed =
      role === 'completion'
        ? await modelSpeed(model, sequence, speedKey({ modelPath, machine: machineOf(runtime.hardware, model.gpuLayers) }), runtime.cacheDir)
        : undefined;
    return new LocalEngine(runtime, lease, describe(context.contextSize, capabilities), { context, prompts, draft }, speed);
  } catch (error) {
    if (drafted && 'draft' in drafted) await drafted.draft.dispose();
    await lease.release();
    throw error;
  }
}

interface Generator {
  readonly context: LlamaContext;
  readonly prompts: PromptSequences;
  readonly draft?: LoadedDraft;
}

interface Embedder {
  readonly embedding: LlamaEmbeddingContext;
}

export class LocalEngine implements Engine {
  readonly capabilities: Capabilities;
  /** One sequence serves the role: calls take turns. */
  private turn: Promise<unknown> = Promise.resolve();
  private chatSession: LlamaChat | undefined;
  private readonly lifetime = new AbortController();
  private readonly model: LlamaModel;

  constructor(
    private readonly runtime: Runtime,
    private readonly lease: ModelLease,
    readonly info: ModelInfo,
    private readonly parts: Generator | Embedder,
    private measured?: EngineSpeed,
  ) {
    this.capabilities = info.capabilities;
    this.model = lease.model;
  }

  get speed(): EngineSpeed | undefined {
    return this.measured;
  }

  promptCost(prompt: string): { tokens: number; cached: number } {
    const { prompts } = this.generator('evaluate a prompt');
    const { held } = prompts.tokensOf(prompt);
    return { tokens: held.length, cached: prompts.cached(held) };
  }

  /** Reads `prompt` into a sequence other than the one being typed at, a chunk per turn, for a later generation to continue. */
  async read(prompt: string, options: ReadOptions): Promise<ReadResult> {
    const { prompts } = this.generator('read a prompt');
    const { held } = prompts.tokensOf(prompt);
    const signal = AbortSignal.any([options.signal, this.lifetime.signal]);
    return prompts.read(prompts.forRead(held), held, options.chunkTokens ?? held.length, signal, (task) => this.exclusive(task));
  }

  infill(input: InfillInput, options: GenerateOptions): Promise<Generation> {
    const { completion } = this.generator('fill in the middle').prompts.all[0]!;
    if (!completion.infillSupported) {
      throw new PylotError(
        ErrorCodes.Unsupported,
        `${this.info.name} has no fill-in-the-middle tokens, so it cannot complete code inline. Choose a FIM code model (e.g. Qwen2.5-Coder, StarCoder2 or DeepSeek-Coder base).`,
      );
    }
    return this.generate(options, async (settings) => completion.generateInfillCompletionWithMeta(input.prefix, input.suffix, settings));
  }

  complete(prompt: string, options: GenerateOptions): Promise<Generation> {
    const { prompts } = this.generator('complete a prompt');
    // Special-token text in the prompt (FIM markers, file separators) becomes the special tokens.
    const { input, held } = prompts.tokensOf(prompt);
    const nextEdit = options.nextEdit ? prompts.nextEdit : undefined;
    return this.generate(
      options,
      async (settings, slot) => slot.completion.generateCompletionWithMeta(input, settings),
      () => nextEdit ?? prompts.forGeneration(held),
    );
  }

  chat(messages: readonly ChatMessage[], options: GenerateOptions): Promise<Generation> {
    const chat = this.chat_();
    const history = chatHistory(messages);
    return this.generate(options, async (settings) => {
      const { response, metadata } = await chat.generateResponse(history, settings);
      return { response, metadata };
    });
  }

  /** The draft read into the sequence `chat` generates on (chatDraft.ts). */
  readChat(messages: readonly ChatMessage[], signal: AbortSignal): Promise<{ promptTokens: number }> {
    const { sequence } = this.generator('read a chat').prompts.all[0]!;
    return this.exclusive(() => readChatDraft(this.chat_(), sequence, messages, AbortSignal.any([signal, this.lifetime.signal])));
  }

  /** Tools in the model's own call format (its chat wrapper's), only for models that have one. */
  async chatWithTools(messages: readonly ChatMessage[], tools: readonly ToolDefinition[], options: GenerateOptions): Promise<ToolCallGeneration> {
    if (!this.capabilities.tools) throw new PylotError(ErrorCodes.Unsupported, `${this.info.name} has no tool-call format of its own.`);
    const chat = this.chat_();
    const functions = Object.fromEntries(
      tools.map((tool) => [tool.name, { description: tool.description, params: nullableOptionals(tool.parameters) as never }]),
    );
    let toolCall: ToolCallGeneration['toolCall'];
    const generation = await this.generate(options, async (settings) => {
      // Functions bring their own grammar; a JSON schema does not apply here.
      const { grammar: _grammar, ...rest } = settings;
      const { response, metadata, functionCalls } = await chat.generateResponse(chatHistory(messages, true), {
        ...rest,
        functions,
        documentFunctionParams: true,
        maxParallelFunctionCalls: 1,
      });
      const [first] = functionCalls ?? [];
      if (first) toolCall = { name: first.functionName, arguments: JSON.stringify(first.params ?? {}) };
      return { response, metadata };
    });
    return { ...generation, ...(toolCall ? { toolCall } : {}) };
  }

  private chat_(): LlamaChat {
    const { sequence } = this.generator('chat').prompts.all[0]!;
    this.chatSession ??= new this.runtime.lib.LlamaChat({ contextSequence: sequence });
    return this.chatSession;
  }

  async embed(texts: readonly string[], signal: AbortSignal): Promise<number[][]> {
    if (!('embedding' in this.parts)) throw new PylotError(ErrorCodes.Unsupported, `${this.info.name} is loaded for ${this.info.role}, not embeddings.`);
    const { embedding } = this.parts;
    return this.exclusive(async () => {
      const vectors: number[][] = [];
      // What fits the embedding context, counted in this model's tokens (dense text — a long word,
      // CJK — takes far more tokens per character than code), with room for its special tokens.
      const limit = this.info.contextSize - 4;
      for (const text of texts) {
        if (signal.aborted) throw new PylotError(ErrorCodes.Cancelled, 'Embedding was cancelled.');
        const tokens = this.model.tokenize(text);
        vectors.push([...(await embedding.getEmbeddingFor(tokens.length > limit ? tokens.slice(0, limit) : tokens)).vector]);
      }
      return vectors;
    });
  }

  fimTokens(): FimTokens | undefined {
    const { prefixString, suffixString, middleString } = this.model.tokens.infill;
    if (!prefixString || !suffixString || !middleString) return undefined;
    return {
      prefix: prefixString,
      suffix: suffixString,
      middle: middleString,
      has: (token) => this.hasSpecialToken(token),
    };
  }

  hasSpecialToken(text: string): boolean {
    const tokens = this.model.tokenize(text, true);
    return tokens.length === 1 && this.model.detokenize(tokens, true) === text;
  }

  async tokenize(text: string): Promise<number[]> {
    return this.model.tokenize(text, false) as Token[] as number[];
  }

  async dispose(): Promise<void> {
    this.lifetime.abort();
    await this.turn.catch(() => undefined);
    this.chatSession?.dispose();
    if ('embedding' in this.parts) await this.parts.embedding.dispose();
    else {
      await this.parts.context.dispose();
      await this.parts.draft?.dispose();
    }
    await this.lease.release();
  }

  private generator(what: string): Generator {
    if ('embedding' in this.parts) throw new PylotError(ErrorCodes.Unsupported, `${this.info.name} is loaded as an embedding model and cannot ${what}.`);
    return this.parts;
  }

  /** Runs on the first sequence unless `place` picks one (chosen inside the turn, once the calls before have run). */
  private generate(options: GenerateOptions, run: Run, place?: () => PromptSequence): Promise<Generation> {
    const { prompts } = this.generator('generate');
    return this.exclusive(() => this.runOn(place?.() ?? prompts.all[0]!, options, run, true));
  }

  /**
   * `prompt` completed greedily on the sequence it goes to, and `more.count` times sampled on the
   * others: the prompt is read once, its KV state copied to the other sequences (through a temporary
   * file: node-llama-cpp's public way to move a sequence's state), and all of them generate at once,
   * so node-llama-cpp decodes their tokens in one batch. A model with one sequence, or more
   * alternatives than sequences, generates the rest one after another on the same evaluated prompt.
   */
  completeAlternatives(prompt: string, options: GenerateOptions, more: AlternativeOptions): Promise<Generation[]> {
    const { prompts } = this.generator('complete a prompt');
    const { input, held } = prompts.tokensOf(prompt);
    const run: Run = async (settings, slot) => slot.completion.generateCompletionWithMeta(input, settings);
    const sampled: GenerateOptions = { ...options, temperature: more.temperature, onText: more.onText };
    return this.exclusive(async () => {
      const started = performance.now();
      const first = prompts.forGeneration(held);
      const others = prompts.forAlternatives(first, more.count);
      const read = others.length ? await prompts.fork(first, others, held, AbortSignal.any([options.signal, this.lifetime.signal])) : 0;
      const forkMs = performance.now() - started;
      // Their rates are a batch's, not one generation's: the measured speed stays as it is.
      const [head, ...rest] = await Promise.all([this.runOn(first, options, run, false), ...others.map((slot) => this.runOn(slot, sampled, run, false))]);
      // The prompt read before the fork is the first generation's.
      const generations = [{ ...head!, promptTokens: (head!.promptTokens ?? 0) + read, engineMs: head!.engineMs + forkMs }, ...rest];
      while (generations.length <= more.count && !options.signal.aborted) generations.push(await this.runOn(first, sampled, run, false));
      return generations;
    });
  }

  private async runOn(slot: PromptSequence, options: GenerateOptions, run: Run, measure: boolean): Promise<Generation> {
    const { sequence } = slot;
    const signal = AbortSignal.any([options.signal, this.lifetime.signal]);
    if (signal.aborted) return { text: '', stopReason: 'aborted', tokens: 0, engineMs: 0 };
    const meter = sequence.tokenMeter.getState();
    const grammar = options.jsonSchema ? await this.grammarFor(options.jsonSchema) : undefined;
    const started = performance.now();
    let firstTextMs: number | undefined;
    const predicted = sequence.tokenPredictions;
    if (slot.lookup) slot.lookup.active = options.copiesInput === true;
    const temperature = options.temperature ?? 0;
    const { response, metadata } = await run(
      {
        maxTokens: options.maxTokens,
        temperature,
        // node-llama-cpp seeds by the clock's second: sampled generations started together would be one and the same.
        ...(temperature > 0 && { seed: randomInt(2 ** 32) }),
        signal,
        stopOnAbortSignal: true,
        customStopTriggers: options.stop?.length ? [...options.stop] : undefined,
        grammar,
        onTextChunk: (text) => {
          firstTextMs ??= performance.now() - started;
          options.onText?.(text);
        },
      },
      slot,
    ).finally(() => {
      if (slot.lookup) slot.lookup.active = false;
    });
    const used = sequence.tokenMeter.diff(meter);
    // Predicted tokens the model checked and did not keep were evaluated, not generated.
    const now = sequence.tokenPredictions;
    const accepted = now.used - predicted.used;
    const wasted = now.refuted - predicted.refuted + (now.unused - predicted.unused);
    const tokens = Math.max(0, used.usedOutputTokens - wasted);
    // The meter counts tokens evaluated for logits as output: the prompt's last token is one of them.
    const promptTokens = used.usedInputTokens + Math.min(1, tokens);
    const engineMs = performance.now() - started;
    if (this.measured && measure) this.measured = refineSpeed(this.measured, { promptTokens, tokens, firstTextMs, totalMs: engineMs });
    return {
      text: response,
      stopReason: stopReasons[metadata.stopReason] ?? 'eos',
      tokens,
      promptTokens,
      engineMs,
      ...(accepted + wasted > 0 && { predictions: { accepted, rejected: wasted } }),
    };
  }

  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  private grammarFor(schema: Readonly<Record<string, unknown>>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = this.runtime.llama.createGrammarForJsonSchema(schema as never) as Promise<LlamaGrammar>;
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.turn.then(task);
    this.turn = result.catch(() => undefined);
    return result;
  }
}

type Run = (settings: GenerationSettings, slot: PromptSequence) => Promise<{ response: string; metadata: { stopReason: string } }>;
