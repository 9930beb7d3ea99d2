// Every message between the extension host and the sidecar process. Read this file to know the
// whole contract. Changes only add optional fields; a breaking change bumps the major version.
import * as z from 'zod/mini';
import { notifyExtension, toSidecar } from './rpc';

/** major.minor — majors must match; a newer minor only adds optional fields. */
export const PROTOCOL_VERSION = '1.0';

export const Role = z.enum(['completion', 'chat', 'embeddings']);
export type Role = z.infer<typeof Role>;

export const GpuSetting = z.enum(['auto', 'cpu', 'cuda', 'vulkan', 'metal']);
export type GpuSetting = z.infer<typeof GpuSetting>;

export const Backend = z.enum(['cuda', 'vulkan', 'metal', 'cpu']);
export type Backend = z.infer<typeof Backend>;

const bytes = z.number().check(z.nonnegative());
const count = z.int().check(z.nonnegative());

export const HardwareReport = z.object({
  backend: Backend,
  gpuDevices: z.array(z.string()),
  /** Set when the requested or detected GPU could not be used and the CPU took over. */
  gpuNotice: z.optional(z.string()),
  cpu: z.object({
    model: z.string(),
    cores: count,
    /** Threads llama.cpp uses for generation. */
    threads: count,
    /** SIMD features the loaded llama.cpp binary uses (AVX, AVX2, AVX512, FMA, F16C, NEON…). */
    features: z.array(z.string()),
    /** The best SIMD level among them, e.g. "AVX2"; "basic" when none. */
    simd: z.string(),
  }),
  ram: z.object({ total: bytes, free: bytes }),
  vram: z.object({ total: bytes, free: bytes }),
  platform: z.string(),
  arch: z.string(),
  /** node-llama-cpp's version, the llama.cpp release it carries, and whether the binary was prebuilt. */
  engine: z.object({ name: z.string(), version: z.string(), llamaCpp: z.string(), buildType: z.string() }),
});
export type HardwareReport = z.infer<typeof HardwareReport>;

export const SidecarSettings = z.object({
  /** 0 = choose from the core count. */
  threads: z.optional(count),
  gpu: z.optional(GpuSetting),
  /** Advanced: llama.cpp flash attention ('auto' lets llama.cpp decide). */
  flashAttention: z.optional(z.enum(['auto', 'on', 'off'])),
  /** Advanced: KV cache precision; q8_0/q4_0 halve or quarter context memory at some quality cost. */
  kvCacheType: z.optional(z.enum(['f16', 'q8_0', 'q4_0'])),
  /** `pylot.trace`: the sidecar's log lines may hold user content. */
  trace: z.optional(z.boolean()),
});
export type SidecarSettings = z.infer<typeof SidecarSettings>;

export const Initialize = toSidecar(
  'initialize',
  z.object({
    protocolVersion: z.string(),
    client: z.object({ name: z.string(), version: z.string() }),
    settings: SidecarSettings,
    /** A folder the sidecar may keep small files in between starts (the measured model speeds); none: measured at every load. */
    cacheDir: z.optional(z.string().check(z.minLength(1))),
  }),
  z.object({
    protocolVersion: z.string(),
    server: z.object({ name: z.string(), version: z.string(), pid: z.int() }),
    /**
     * What this sidecar build serves: the roles it can load models for and the request kinds it
     * implements. Nothing here says what a model can do — that is the loaded model's
     * ModelInfo.capabilities, which the status bar and the Engine panel show per role.
     */
    capabilities: z.object({ roles: z.array(Role), infill: z.boolean(), streaming: z.boolean() }),
    hardware: HardwareReport,
  }),
);

/** Unloads every model and frees memory; the extension disconnects after it answers. */
export const Shutdown = toSidecar('shutdown', z.nullish(z.object({})), z.null());

/** Heartbeat: answered from the event loop, so a wedged sidecar is found and replaced. */
export const Ping = toSidecar(
  '$/ping',
  z.nullish(z.object({})),
  z.object({
    uptimeMs: z.number(),
    rssBytes: bytes,
    heapBytes: z.optional(bytes),
    /** Local models whose weights are in memory: roles that share a file count it once. */
    localModels: z.optional(count),
    /**
     * Inline completions generating now, the most that ever were at once, how many ran, how many a
     * newer one or the user's typing stopped, and how many requests a suggestion made earlier answered.
     */
    completions: z.optional(
      z.object({
        inFlight: count,
        maxInFlight: count,
        total: count,
        cancelled: count,
        reused: z.optional(count),
        /** Full prompts read in the background after a cold prompt, and anchored for the keystrokes there. */
        extended: z.optional(count),
      }),
    ),
  }),
);

export const EngineKind = z.enum(['local', 'llama-server', 'openai-compatible']);
export type EngineKind = z.infer<typeof EngineKind>;

export const FileSource = z.object({
  kind: z.literal('file'),
  /** Absolute path to a .gguf file. */
  path: z.string().check(z.minLength(1)),
});

export const ServerSource = z.object({
  kind: z.literal('server'),
  api: z.enum(['llama-server', 'openai-compatible']),
  /** The profile's name, as the user knows it. */
  name: z.string(),
  baseUrl: z.string().check(z.minLength(1)),
  /** The model to ask an OpenAI-compatible server for; llama-server serves the one it loaded. */
  model: z.optional(z.string()),
  /** From VS Code's SecretStorage; never logged, never echoed back. */
  apiKey: z.optional(z.string()),
  connectTimeoutMs: z.optional(z.int().check(z.minimum(100))),
  readTimeoutMs: z.optional(z.int().check(z.minimum(100))),
  retries: z.optional(z.int().check(z.minimum(0), z.maximum(10))),
});

/**
 * Several servers serving one role (the same model on each): every request goes to the least busy
 * healthy one, completions stay on one while it answers (its KV cache), a failure moves the request on.
 */
export const PoolSource = z.object({
  kind: z.literal('pool'),
  servers: z.array(ServerSource).check(z.minLength(2), z.maxLength(16)),
});

/** Where a role's model comes from: a local GGUF file, a server, or a pool of servers. */
export const ModelSource = z.discriminatedUnion('kind', [FileSource, ServerSource, PoolSource]);
export type ModelSource = z.infer<typeof ModelSource>;

/** A stable identity for a source, without secrets: what states and logs refer to. */
export function sourceKey(source: ModelSource): string {
  if (source.kind === 'pool') return `pool:${source.servers.map(sourceKey).join(',')}`;
  return source.kind === 'file' ? source.path : `${source.api}:${source.name}@${source.baseUrl}`;
}

/** A pool member as the last look saw it: answering, loading its model, or not answering (and why). */
export const PoolMemberHealth = z.object({ name: z.string(), state: z.enum(['ok', 'loading', 'down']), reason: z.optional(z.string()) });
export type PoolMemberHealth = z.infer<typeof PoolMemberHealth>;

export const Capabilities = z.object({
  /** Native fill-in-the-middle: FIM tokens in the GGUF, or a server /infill endpoint. */
  infill: z.boolean(),
  chat: z.boolean(),
  /** The model's own tool-call format (node-llama-cpp functions, llama-server --jinja). */
  tools: z.boolean(),
  embeddings: z.boolean(),
  /** JSON-schema constrained output. */
  grammar: z.boolean(),
});
export type Capabilities = z.infer<typeof Capabilities>;

export const ModelInfo = z.object({
  role: Role,
  /** sourceKey() of what was asked for. */
  key: z.string(),
  engine: EngineKind,
  name: z.string(),
  /** The file path or the server's base URL. */
  location: z.string(),
  architecture: z.optional(z.string()),
  sizeBytes: z.optional(bytes),
  parameters: z.optional(z.number()),
  quantization: z.optional(z.string()),
  trainContextSize: z.optional(count),
  /** The context actually allocated (local) or served (server). */
  contextSize: count,
  /** Kept for readers of 1.0: same as capabilities.infill. */
  fim: z.boolean(),
  capabilities: Capabilities,
  gpuLayers: z.optional(count),
  loadMs: z.number(),
  /** Set when the primary source failed and the fallback serves instead. */
  fallbackFrom: z.optional(z.object({ key: z.string(), reason: z.string() })),
  /** The draft model that speculative decoding uses for this (local chat) model. */
  draft: z.optional(z.object({ name: z.string(), location: z.string(), sizeBytes: z.optional(bytes), contextSize: count })),
  /** A draft model was asked for and is not used: why (the model itself runs without it). */
  draftUnused: z.optional(z.string()),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const LoadModel = toSidecar(
  'model/load',
  z.object({
    role: Role,
    source: ModelSource,
    /** Tried when the primary source cannot be reached or loaded (e.g. server down → local model). */
    fallback: z.optional(ModelSource),
    /** Upper bound for the context; the model's training context caps it too. */
    contextSize: z.optional(z.int().check(z.minimum(256), z.maximum(1 << 20))),
    /** Load again even if this source is what the role runs (e.g. its server went down: try the fallback). */
    reload: z.optional(z.boolean()),
    /** A draft model for speculative decoding (chat on a local model only); one that cannot be used is reported in `draftUnused`. */
    draft: z.optional(ModelSource),
  }),
  ModelInfo,
);

/** Whether the server behind a role is up; `local` for a model in the sidecar. */
export const ModelHealth = toSidecar(
  'model/health',
  z.object({ role: Role }),
  z.object({
    state: z.enum(['ok', 'loading', 'down', 'local']),
    /** A pool: each server, in the order the setting lists them (the state is 'ok' while one is). */
    servers: z.optional(z.array(PoolMemberHealth)),
  }),
);

export const UnloadModel = toSidecar('model/unload', z.object({ role: Role }), z.null());

export const ModelState = z.enum(['unloaded', 'loading', 'ready', 'error']);
export type ModelState = z.infer<typeof ModelState>;

export const ModelStateChanged = notifyExtension(
  'model/didChangeState',
  z.object({
    role: Role,
    state: ModelState,
    /** sourceKey() of the source this is about. */
    key: z.optional(z.string()),
    /** 0..1 while loading. */
    progress: z.optional(z.number()),
    model: z.optional(ModelInfo),
    error: z.optional(z.object({ code: z.int(), message: z.string() })),
  }),
);

const ChatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
  /** assistant: a call to one of `tools` it made (VS Code's lm API, the loopback API), arguments as JSON text. */
  toolCall: z.optional(z.object({ id: z.string(), name: z.string(), arguments: z.string() })),
  /** user: this message is the result of the call with this id. */
  toolResult: z.optional(z.object({ id: z.string() })),
});

/** A tool a client offers the chat model (not one of the agent's own): its parameters as a JSON schema. */
export const ClientTool = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(128)),
  description: z.string().check(z.maxLength(8192)),
  parameters: z.optional(z.record(z.string(), z.unknown())),
});
export type ClientTool = z.infer<typeof ClientTool>;

/**
 * One generation on a role's model: a raw `prompt`, chat `messages` through the model's chat
 * template, or an `infill` in the model's fill-in-the-middle format. With `jsonSchema` the output is
 * constrained to it (a grammar locally, `json_schema` on servers) and returned parsed as `json` —
 * what refactor commands and the agent build on. (Inline completions have completion/inline.)
 */
export const Generate = toSidecar(
  'model/generate',
  z.object({
    role: Role,
    prompt: z.optional(z.string()),
    messages: z.optional(z.array(ChatMessage).check(z.minLength(1))),
    /** Fill-in-the-middle in the model's own format (or the server's /infill): the text around a gap. */
    infill: z.optional(z.object({ prefix: z.string(), suffix: z.string() })),
    jsonSchema: z.optional(z.record(z.string(), z.unknown())),
    maxTokens: z.optional(z.int().check(z.minimum(1), z.maximum(32_768))),
    temperature: z.optional(z.number().check(z.minimum(0), z.maximum(2))),
    stop: z.optional(z.array(z.string())),
    /** The answer repeats much of the prompt (a rewrite of given code): local models then guess tokens from the prompt (prompt lookup); same output, sooner. */
    copiesInput: z.optional(z.boolean()),
    /** When set, text arrives early as `model/delta` notifications carrying this id. */
    streamId: z.optional(z.string()),
    /**
     * `messages` is a chat (the system prompt first, the new message last) to fit to the model's
     * context with room for `maxTokens`, counted with its tokenizer: the oldest messages give way.
     */
    fitToContext: z.optional(z.boolean()),
    /**
     * With `messages`: tools the model may call instead of answering, in its own tool-call format
     * where it has one, else as JSON under a grammar (sidecar/chat/clientTools.ts). `required`: it must call one.
     */
    tools: z.optional(z.array(ClientTool).check(z.maxLength(128))),
    toolChoice: z.optional(z.enum(['auto', 'required'])),
    /** Run on this server profile (model/describeServer) instead of the role's model; `role` then only sets the priority. */
    server: z.optional(ServerSource),
  }),
  z.object({
    text: z.string(),
    /** The model called one of `tools` instead of answering (then `text` is what it said besides). */
    toolCall: z.optional(z.object({ id: z.string(), name: z.string(), arguments: z.string() })),
    json: z.optional(z.unknown()),
    stopReason: z.enum(['eos', 'maxTokens', 'stopTrigger', 'aborted']),
    tokens: count,
    promptTokens: z.optional(count),
    cachedTokens: z.optional(count),
    engineMs: z.number(),
    /** The server profile that answered, for a role served by a pool of servers. */
    server: z.optional(z.string()),
    /** With fitToContext: the fitted prompt as counted, and the earlier messages left out. */
    fittedTokens: z.optional(count),
    droppedMessages: z.optional(count),
  }),
);

/**
 * Reads a chat whose last message is the user's unsent draft into the local chat model's sequence,
 * generating nothing, so the turn sent next evaluates only what changed. Background priority (any
 * other work pre-empts it), one at a time (a newer one cancels it). Local models only: a server chat
 * model answers `warmed: false` and is never sent the draft.
 */
export const WarmChat = toSidecar(
  'chat/warm',
  z.object({
    /** As the turn will send them: the system prompt first, the draft last (role user). */
    messages: z.array(ChatMessage).check(z.minLength(1), z.maxLength(10_000)),
    /** The reply's room the turn will ask for: the chat is fitted to the context as the turn's is. */
    maxTokens: z.int().check(z.minimum(1), z.maximum(32_768)),
  }),
  z.object({ warmed: z.boolean(), promptTokens: z.optional(count) }),
);

export const GenerateDelta = notifyExtension('model/delta', z.object({ streamId: z.string(), text: z.string() }));

/** Each text's length in the role model's own tokens (an estimate where a server has no tokenizer). */
export const CountTokens = toSidecar(
  'model/countTokens',
  z.object({ role: Role, texts: z.array(z.string()).check(z.maxLength(1024)), server: z.optional(ServerSource) }),
  z.object({ tokens: z.array(count) }),
);

/**
 * Connects to a server profile that no role runs on (VS Code's model list offers each one) and
 * describes its model: name, real context size, what it can do. The connection is kept for
 * model/generate with `server`.
 */
export const DescribeServer = toSidecar('model/describeServer', z.object({ source: ServerSource }), ModelInfo);

// Documents and inline completion: protocol/completion.ts, part of this contract.
export * from './completion';
