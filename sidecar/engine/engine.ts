// One interface for every place a model can run: node-llama-cpp in this process, a llama-server,
// or any OpenAI-compatible server. Callers check `capabilities`; a method the engine cannot serve
// throws PylotError(Unsupported) with a message that says what would.
import type { Capabilities, ModelInfo, PoolMemberHealth } from '../../protocol/sidecar';
import type { FimTokens } from '../completion/templates';

export type StopReason = 'eos' | 'maxTokens' | 'stopTrigger' | 'aborted';

export type ServerHealth = 'ok' | 'loading' | 'down';

export interface GenerateOptions {
  readonly maxTokens?: number;
  /** 0 = greedy (the default for code). */
  readonly temperature?: number;
  readonly stop?: readonly string[];
  /** Output must match this JSON schema (grammar on the local engine, json_schema on servers). */
  readonly jsonSchema?: Readonly<Record<string, unknown>>;
  /** Stops generation early; the text so far is returned with stopReason 'aborted'. */
  readonly signal: AbortSignal;
  readonly onText?: (text: string) => void;
  /**
   * The answer repeats much of the prompt (a rewrite of code it was given): local models guess the
   * next tokens from the prompt and check the guesses in one batch (prompt lookup); same output.
   */
  readonly copiesInput?: boolean;
  /** A next-edit prompt: a local completion model runs it on its own sequence, apart from the completions' KV caches. */
  readonly nextEdit?: boolean;
}

export interface Generation {
  readonly text: string;
  readonly stopReason: StopReason;
  /** Tokens generated. */
  readonly tokens: number;
  /** Prompt tokens the engine had to evaluate, and those it reused from its cache, when it says. */
  readonly promptTokens?: number;
  readonly cachedTokens?: number;
  readonly engineMs: number;
  /** Prompt lookup: guessed tokens the model kept, and those it checked and rejected. */
  readonly predictions?: { readonly accepted: number; readonly rejected: number };
  /** A pool of servers: the profile that answered. */
  readonly server?: string;
}

export interface InfillInput {
  readonly prefix: string;
  readonly suffix: string;
  /** Other files' snippets for repo-level prompts, most relevant last. */
  readonly extra?: ReadonlyArray<{ readonly filename: string; readonly text: string }>;
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  /** Always the whole message as text: what engines without a tool format read. */
  readonly content: string;
  /** assistant: the call it made in its own tool format; chatWithTools sends it as such. */
  readonly toolCall?: { readonly id: string; readonly name: string; readonly arguments: string };
  /** user: the result of the call with this id; chatWithTools sends it in the tool role. */
  readonly toolResult?: { readonly id: string };
}

/** A tool offered in the model's own tool-call format, its parameters as a JSON schema. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface ToolCallGeneration extends Generation {
  /** The call the model made in its own format, arguments as JSON text; absent when it answered in text. */
  readonly toolCall?: { readonly name: string; readonly arguments: string };
}

/** Measured on this machine at load (local/calibrate.ts). */
export interface EngineSpeed {
  readonly prefillTokensPerSecond: number;
  readonly decodeTokensPerSecond: number;
}

/** More completions of the same prompt, sampled, beside a greedy first one (inline alternatives). */
export interface AlternativeOptions {
  /** How many besides the first. */
  readonly count: number;
  readonly temperature: number;
  /** Text of any alternative as it arrives (the first's goes to GenerateOptions.onText). */
  readonly onText?: (text: string) => void;
}

export interface ReadOptions {
  /** Stops the read between chunks; what was read stays for a later read or generation to continue. */
  readonly signal: AbortSignal;
  /** Tokens evaluated per turn: a generation waits for one chunk at most (undefined: all at once). */
  readonly chunkTokens?: number;
}

export interface Engine {
  readonly info: ModelInfo;
  readonly capabilities: Capabilities;
  /** Local completion models: how fast prompts are evaluated and tokens generated here. */
  readonly speed?: EngineSpeed;
  /** Local models: `prompt`'s length in tokens, and how many of its first tokens the KV cache already holds. */
  promptCost?(prompt: string): { readonly tokens: number; readonly cached: number };
  /**
   * Local models: evaluates `prompt` in the background, without disturbing the KV cache the last
   * generation left, so a later `complete` of it (or of it and more) evaluates only the rest.
   */
  read?(prompt: string, options: ReadOptions): Promise<{ readonly promptTokens: number; readonly done: boolean }>;
  infill(input: InfillInput, options: GenerateOptions): Promise<Generation>;
  /**
   * `prompt` completed as `complete` does, then `more.count` times sampled, the prompt evaluated
   * once: forked sequences decoded in one batch (local), `n_cmpl` / `n` (servers that take it).
   * The first generation comes first; fewer come back when `options.signal` stops them.
   */
  completeAlternatives?(prompt: string, options: GenerateOptions, more: AlternativeOptions): Promise<Generation[]>;
  /** Continues a raw prompt, special tokens included (e.g. a FIM template Pylot built itself). */
  complete(prompt: string, options: GenerateOptions): Promise<Generation>;
  chat(messages: readonly ChatMessage[], options: GenerateOptions): Promise<Generation>;
  /**
   * Local models: reads a chat whose last message (the user's) is still being written into the chat
   * sequence, generating nothing, so a `chat` of it finished evaluates only what changed.
   */
  readChat?(messages: readonly ChatMessage[], signal: AbortSignal): Promise<{ readonly promptTokens: number }>;
  /** Chat with tools in the model's trained tool-call format (capabilities.tools); at most one call. */
  chatWithTools?(messages: readonly ChatMessage[], tools: readonly ToolDefinition[], options: GenerateOptions): Promise<ToolCallGeneration>;
  embed(texts: readonly string[], signal: AbortSignal): Promise<number[][]>;
  tokenize(text: string, signal: AbortSignal): Promise<number[]>;
  /** Local models: the FIM marker tokens, to build the prompt ourselves (servers build their own). */
  fimTokens?(): FimTokens | undefined;
  /** Local models: whether `text` is one special token of the vocabulary (next-edit formats are detected by theirs). */
  hasSpecialToken?(text: string): boolean;
  /** Servers only: one quick look at whether the server is up. */
  health?(signal: AbortSignal): Promise<ServerHealth>;
  /** Pools only: each server as the last look saw it. */
  servers?(): readonly PoolMemberHealth[];
  /** Frees what the engine holds (memory, connections); in-flight calls end first. */
  dispose(): Promise<void>;
}

/** The same engine, described differently (e.g. a fallback standing in for the source asked for). */
export function withInfo(engine: Engine, info: ModelInfo): Engine {
  return {
    info,
    capabilities: engine.capabilities,
    // Read through: a local engine refines its rates as it runs.
    get speed() {
      return engine.speed;
    },
    ...(engine.promptCost ? { promptCost: (prompt: string) => engine.promptCost!(prompt) } : {}),
    ...(engine.read ? { read: (prompt: string, options: ReadOptions) => engine.read!(prompt, options) } : {}),
    infill: (input, options) => engine.infill(input, options),
    complete: (prompt, options) => engine.complete(prompt, options),
    ...(engine.completeAlternatives
      ? {
          completeAlternatives: (prompt: string, options: GenerateOptions, more: AlternativeOptions) => engine.completeAlternatives!(prompt, options, more),
        }
      : {}),
    chat: (messages, options) => engine.chat(messages, options),
    ...(engine.readChat ? { readChat: (messages: readonly ChatMessage[], signal: AbortSignal) => engine.readChat!(messages, signal) } : {}),
    ...(engine.chatWithTools
      ? {
          chatWithTools: (messages: readonly ChatMessage[], tools: readonly ToolDefinition[], options: GenerateOptions) =>
            engine.chatWithTools!(messages, tools, options),
        }
      : {}),
    embed: (texts, signal) => engine.embed(texts, signal),
    tokenize: (text, signal) => engine.tokenize(text, signal),
    ...(engine.health ? { health: (signal: AbortSignal) => engine.health!(signal) } : {}),
    ...(engine.servers ? { servers: () => engine.servers!() } : {}),
    ...(engine.fimTokens ? { fimTokens: () => engine.fimTokens!() } : {}),
    ...(engine.hasSpecialToken ? { hasSpecialToken: (text: string) => engine.hasSpecialToken!(text) } : {}),
    dispose: () => engine.dispose(),
  };
}
