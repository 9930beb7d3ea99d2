// Every `pylot.*` setting, declared once: its key, the section it is shown in, the zod schema its
// value must pass (bounds included; counts are integers), its default, its description, and whether
// a change needs a fresh sidecar. package.json's `contributes.configuration` is generated from this
// file (`npm run settings`, checked by test/unit/settings.test.ts); the extension reads and
// validates every value against it, and the sidecar's fallback defaults are these defaults.
// Platform-free, like the rest of protocol/: the extension, the sidecar and the scripts import it.
import * as z from 'zod/mini';
import { GpuSetting } from './sidecar';

/** The titled sections of the Settings editor, in the order it shows them. */
export const sections = ['Completion', 'Chat & Agent', 'Models & Engines', 'Index', 'Privacy', 'Advanced'] as const;
export type Section = (typeof sections)[number];

/** VS Code's configuration scopes (https://code.visualstudio.com/api/references/contribution-points#contributes.configuration). */
export type Scope = 'application' | 'machine' | 'machine-overridable' | 'window' | 'resource' | 'language-overridable';

export interface SettingDeclaration<S extends z.ZodMiniType = z.ZodMiniType> {
  readonly section: Section;
  /** What a value must be; a value that fails it is ignored (and logged) in favour of the default. */
  readonly schema: S;
  readonly default: z.infer<S>;
  /** Omitted: VS Code's default, `window` (every scope may set it). */
  readonly scope?: Scope;
  /** Place within its section; settings without one come after those with one. */
  readonly order?: number;
  /** One of the two: plain text, or markdown (links, code, emphasis) for the Settings editor. */
  readonly description?: string;
  readonly markdownDescription?: string;
  /** One line per enum member, in the schema's order. */
  readonly enumDescriptions?: readonly string[];
  /** A change needs a fresh sidecar process: the value is read when it starts (rust-analyzer's requiresServerReloadOpts). */
  readonly restartsSidecar?: true;
  /** In a workspace the user has not trusted, VS Code ignores the workspace's value (package.json's restrictedConfigurations). */
  readonly restricted?: true;
}

// Defaults are shared by every reader, so none may change one: a list default is frozen.
const declare = <S extends z.ZodMiniType>(declaration: SettingDeclaration<S>): SettingDeclaration<S> => {
  if (typeof declaration.default === 'object' && declaration.default !== null) Object.freeze(declaration.default);
  return declaration;
};

/** Where a role's model comes from: a .gguf path, `server:<profile>` (or a pool, `server:a,server:b`) or `catalog:<id>`; '' for none. */
const modelSpec = z.string();
const patterns = z.array(z.string());

/** Defaults of a server profile's optional fields; the sidecar's HTTP client applies them. */
export const serverProfileDefaults = { connectTimeoutMs: 3000, readTimeoutMs: 30_000, retries: 2 } as const;

export const ServerProfile = z.object({
  name: z.string().check(z.minLength(1), z.describe('What the profile is called in `server:<name>`.')),
  api: z.enum(['llama-server', 'openai-compatible']).check(z.describe("The server's API.")),
  baseUrl: z.url().check(z.describe('e.g. http://127.0.0.1:8080')),
  /** The model name an OpenAI-compatible server expects. */
  model: z.optional(z.string().check(z.describe('Model name to request (OpenAI-compatible servers).'))),
  connectTimeoutMs: z.optional(z.int().check(z.minimum(100), z.meta({ default: serverProfileDefaults.connectTimeoutMs }))),
  readTimeoutMs: z.optional(z.int().check(z.minimum(100), z.meta({ default: serverProfileDefaults.readTimeoutMs }))),
  retries: z.optional(z.int().check(z.minimum(0), z.maximum(10), z.meta({ default: serverProfileDefaults.retries }))),
});
export type ServerProfile = z.infer<typeof ServerProfile>;

const modelIntro =
  "A `.gguf` file's absolute path, `server:<profile>` (a profile from `pylot.servers`), a pool of servers serving the same model (`server:a,server:b`: each request goes to the least busy one that answers, and moves on when one fails), or `catalog:<id>` (a downloaded catalog model). **Pylot: Select Model…** picks one.";

export const settings = {
  // ── Completion ──
  'completion.enabled': declare({
    section: 'Completion',
    schema: z.boolean(),
    default: true,
    order: 2,
    description: 'Show inline completions (ghost text) while typing.',
  }),
  'completion.maxTokens': declare({
    section: 'Completion',
    schema: z.int().check(z.minimum(1), z.maximum(1024)),
    default: 64,
    order: 3,
    description: 'The most tokens one inline completion may generate.',
  }),
  'completion.timeLimitMs': declare({
    section: 'Completion',
    schema: z.int().check(z.minimum(50), z.maximum(30_000)),
    default: 500,
    order: 3,
    description: 'How long (ms) one inline completion may keep generating after its first token; what has arrived by then is shown.',
  }),
  'completion.latencyTargetMs': declare({
    section: 'Completion',
    schema: z.int().check(z.minimum(0), z.maximum(30_000)),
    default: 1000,
    order: 3,
    markdownDescription:
      "How soon (ms) the first suggestion at a new spot should appear on a local model. Pylot measures the model's speed on this machine once, gives the first prompt there only the nearest lines that can be read in time, and reads the full context (other files' snippets, more of the file) in the background for the keystrokes that follow. `0` always sends the full context.",
  }),

  'nextEdit.mode': declare({
    section: 'Completion',
    schema: z.enum(['off', 'onDemand', 'eager']),
    default: 'eager',
    scope: 'language-overridable',
    order: 4,
    markdownDescription:
      'Next edit suggestions after a rename, a change made twice or a changed signature: `eager` shows them after a pause in typing, `onDemand` only on **Pylot: Suggest Next Edit** (`Alt+N`), `off` never. Set it per language in `"[python]": { … }`.',
    enumDescriptions: ['Never suggest next edits.', 'Only when asked (Pylot: Suggest Next Edit).', 'After a pause in typing.'],
  }),
  'nextEdit.pauseMs': declare({
    section: 'Completion',
    schema: z.int().check(z.minimum(0), z.maximum(5_000)),
    default: 400,
    order: 4,
    description: 'How long (ms) typing must pause before eager next edit suggestions are asked for.',
  }),
  'nextEdit.snoozeMinutes': declare({
    section: 'Completion',
    schema: z.int().check(z.minimum(1), z.maximum(24 * 60)),
    default: 15,
    order: 4,
    description: 'How long Pylot: Snooze Next Edits keeps eager suggestions away.',
  }),

  // ── Chat & Agent ── Loosening rules are `application`-scoped and read from the user's own settings only (extension/agent/settings.ts).
  'agent.autoApproveReads': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: true,
    scope: 'application',
    order: 30,
    markdownDescription:
      'Let the agent read, list and search workspace files without asking. Protected files (`.git/`, `.pylotignore`, secrets) stay off limits either way. Writes and commands always ask unless a saved rule allows them. Read from your user settings only.',
  }),
  'agent.allowCommands': declare({
    section: 'Chat & Agent',
    schema: patterns,
    default: [],
    scope: 'application',
    order: 31,
    markdownDescription:
      'Commands the agent may run without asking, as prefixes in words (e.g. `npm test`, `git status`). A rule covers only the program found on PATH outside the workspace (never `./ls` or `node_modules/.bin/…`) and further words that are operands or options known to be harmless for it (`npm test --prefix=..` still asks). A command line with substitution (`$(…)`, backticks), redirection, subshells, variables or wrappers (`sh -c`, `xargs`…) still asks. "Always" answers add rules here. Read from your user settings only: a workspace cannot pre-approve commands.',
  }),
  'agent.denyCommands': declare({
    section: 'Chat & Agent',
    schema: patterns,
    default: ['rm -rf /', 'sudo', 'su', 'doas', 'mkfs', 'dd', 'shutdown', 'reboot', 'git push --force', 'chmod -R 777 /'],
    order: 32,
    markdownDescription:
      'Commands the agent may never run: a program, then options and operands it must have. Deny wins over allow and catches every spelling: any path to the program, options in any order or combined (`-rf`, `-r -f`, `--recursive`), paths written any way (`//`, `/tmp/..`), and commands inside wrappers like `sh -c "…"`, `env`, `nice`, `timeout` or `xargs`. A command it could catch only at run time (`rm -rf $DIR`) asks, without "Always".',
  }),
  'agent.allowWrites': declare({
    section: 'Chat & Agent',
    schema: patterns,
    default: [],
    scope: 'application',
    order: 33,
    markdownDescription:
      'Workspace paths (gitignore patterns, e.g. `/src/**`) the agent may edit or create without asking. "Always" answers add rules here. Read from your user settings only.',
  }),
  // Seconds may be fractional; the counts below are integers.
  'agent.approvalTimeoutSeconds': declare({
    section: 'Chat & Agent',
    schema: z.number().check(z.minimum(1), z.maximum(3600)),
    default: 120,
    order: 34,
    description: 'An approval prompt left unanswered this long counts as a denial.',
  }),
  'agent.commandTimeoutSeconds': declare({
    section: 'Chat & Agent',
    schema: z.number().check(z.minimum(1), z.maximum(3600)),
    default: 120,
    order: 35,
    description: 'A command the agent runs is stopped after this long.',
  }),
  'agent.commandOutputLimit': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(1000), z.maximum(10_000_000)),
    default: 100_000,
    order: 36,
    description: "Characters of a command's output kept (its start and its end).",
  }),
  'agent.runCommandsInTerminal': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: false,
    order: 37,
    description: 'Also show the agent\'s commands and their output in a "Pylot Agent" terminal.',
  }),
  'agent.maxSteps': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(1), z.maximum(100)),
    default: 15,
    order: 38,
    description: 'Tool calls the agent may make in one turn before it stops.',
  }),
  'agent.maxConsecutiveErrors': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(1), z.maximum(20)),
    default: 3,
    order: 39,
    description: 'Failed or malformed tool calls in a row after which the agent stops.',
  }),
  'agent.toolOutputTokens': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(64), z.maximum(32_768)),
    default: 1500,
    order: 40,
    description: 'Tool output longer than this many tokens is cut to its start and end before the model reads it.',
  }),
  'rules.enabled': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: true,
    order: 50,
    description:
      "Give chat and the agent the project's rules files: AGENTS.md (the nearest to the active file), .pylot/rules/*.md (front matter: description, globs, alwaysApply), .github/copilot-instructions.md, .cursorrules, .clinerules. Shown as chips on the message.",
  }),
  'rules.inUntrustedWorkspaces': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: false,
    order: 51,
    description: 'Also read rules files in a workspace you have not trusted (Restricted Mode). Off: an untrusted repository cannot instruct the model.',
  }),
  'rules.contextPercent': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(2), z.maximum(50)),
    default: 10,
    order: 52,
    description: "The most of the chat model's context, in percent, the rules files may take; what is over is cut.",
  }),

  // ── Models & Engines ──
  'models.completion': declare({
    section: 'Models & Engines',
    schema: modelSpec,
    default: '',
    scope: 'machine-overridable',
    order: 1,
    restricted: true,
    markdownDescription: `Model for inline completions. ${modelIntro} It needs fill-in-the-middle support: a code *base* model such as Qwen2.5-Coder, StarCoder2 or DeepSeek-Coder.`,
  }),
  'models.chat': declare({
    section: 'Models & Engines',
    schema: modelSpec,
    default: '',
    scope: 'machine-overridable',
    order: 1,
    restricted: true,
    markdownDescription: `Model for chat, the agent and refactor commands: an *instruct* model. ${modelIntro}`,
  }),
  'models.embeddings': declare({
    section: 'Models & Engines',
    schema: modelSpec,
    default: '',
    scope: 'machine-overridable',
    order: 1,
    restricted: true,
    markdownDescription: `Embedding model for the workspace index (\`@codebase\`, code search). ${modelIntro}`,
  }),
  'fallback.completion': declare({
    section: 'Models & Engines',
    schema: modelSpec,
    default: '',
    scope: 'machine-overridable',
    order: 2,
    restricted: true,
    markdownDescription:
      'Used for completions when `pylot.models.completion` cannot be loaded or reached (e.g. every server is down): a `.gguf` path, `server:<profile>`, a pool `server:a,server:b` or `catalog:<id>`. The status bar shows when the fallback is serving.',
  }),
  'fallback.chat': declare({
    section: 'Models & Engines',
    schema: modelSpec,
    default: '',
    scope: 'machine-overridable',
    order: 2,
    restricted: true,
    markdownDescription: 'Used for chat when `pylot.models.chat` cannot be loaded or reached.',
  }),
  'fallback.embeddings': declare({
    section: 'Models & Engines',
    schema: modelSpec,
    default: '',
    scope: 'machine-overridable',
    order: 2,
    restricted: true,
    markdownDescription: 'Used for embeddings when `pylot.models.embeddings` cannot be loaded or reached.',
  }),
  servers: declare({
    section: 'Models & Engines',
    schema: z.array(ServerProfile),
    default: [],
    scope: 'machine-overridable',
    order: 3,
    restricted: true,
    markdownDescription:
      "External servers a role can use as `server:<name>`, or several as a pool (`server:a,server:b`): a llama.cpp `llama-server` (`/infill`, `/completion`, `/v1/*`) or any OpenAI-compatible server (Ollama, LM Studio, vLLM, OpenRouter…). API keys are kept in VS Code's secret storage (**Pylot: Set Server API Key**), never here. Code is sent to these servers, so only point Pylot at ones you trust.",
  }),
  contextSize: declare({
    section: 'Models & Engines',
    schema: z.int().check(z.minimum(256), z.maximum(1 << 20)),
    default: 4096,
    order: 4,
    description: "The largest context (in tokens) a model is loaded with; the model's own training context caps it too. Larger contexts use more memory.",
  }),
  gpu: declare({
    section: 'Models & Engines',
    schema: GpuSetting,
    default: 'auto',
    scope: 'machine-overridable',
    order: 5,
    restartsSidecar: true,
    restricted: true,
    description: 'Which compute backend runs local models. A backend that fails to start falls back to the CPU with a notice.',
    enumDescriptions: [
      'Use the best GPU backend that works on this machine (CUDA, Vulkan or Metal), else the CPU.',
      'Always run on the CPU.',
      'NVIDIA GPUs through CUDA.',
      'Vulkan: AMD, Intel and NVIDIA GPUs. AMD GPUs run through Vulkan; ROCm/HIP needs an external llama.cpp server.',
      'Apple silicon GPUs through Metal.',
    ],
  }),
  threads: declare({
    section: 'Models & Engines',
    schema: z.int().check(z.minimum(0), z.maximum(1024)),
    default: 0,
    scope: 'machine-overridable',
    order: 6,
    restartsSidecar: true,
    restricted: true,
    description: 'CPU threads for generation; 0 chooses from the number of cores. More threads than physical cores slows generation down.',
  }),
  modelFolders: declare({
    section: 'Models & Engines',
    schema: z.array(z.string()),
    default: [],
    scope: 'machine',
    order: 8,
    markdownDescription:
      "Folders where **Pylot: Select Model…** looks for `.gguf` files. Catalog downloads go to the first one, else `~/.pylot/models`, which is always searched, as is node-llama-cpp's models folder.",
  }),

  // ── The loopback API ── machine-scoped: a workspace cannot open a port.
  'localApi.enabled': declare({
    section: 'Models & Engines',
    schema: z.boolean(),
    default: false,
    scope: 'machine',
    order: 10,
    markdownDescription:
      "Serve the loaded models to other programs on this machine through an OpenAI-compatible API on `127.0.0.1` (`/v1/models`, `/v1/chat/completions`, `/v1/completions`, `/v1/embeddings`, and llama.cpp's `/infill`). Every request needs the token that **Pylot: Copy Local API Token** copies. Nothing outside this machine can reach it.",
  }),
  'localApi.port': declare({
    section: 'Models & Engines',
    schema: z.int().check(z.minimum(1024), z.maximum(65_535)),
    default: 11_480,
    scope: 'machine',
    order: 11,
    markdownDescription: 'The port of the local API on `127.0.0.1`: clients use `http://127.0.0.1:<port>/v1` as their base URL.',
  }),
  'localApi.maxQueue': declare({
    section: 'Models & Engines',
    schema: z.int().check(z.minimum(0), z.maximum(1024)),
    default: 16,
    scope: 'machine',
    order: 12,
    description: 'How many local API requests may wait for a busy model; more are refused with 429 (Too Many Requests) until one finishes.',
  }),

  // ── Index ──
  'index.enabled': declare({
    section: 'Index',
    schema: z.boolean(),
    default: true,
    order: 9,
    markdownDescription:
      "Index the workspace for `@codebase` and code search: syntax-aware chunks, keyword search (BM25) and, when `pylot.models.embeddings` is set, search by meaning. The index is kept in this workspace's storage and updated as files change. `.gitignore`, `.pylotignore` and `pylot.completion.exclude` are respected; secrets, binaries and large files are never read.",
  }),
  'index.exclude': declare({
    section: 'Index',
    schema: patterns,
    default: [],
    order: 9,
    markdownDescription:
      'More files the workspace index skips, as gitignore-style patterns relative to the workspace folder (e.g. `fixtures/`, `*.generated.ts`).',
  }),
  'index.maxFileSizeKb': declare({
    section: 'Index',
    schema: z.int().check(z.minimum(1), z.maximum(65_536)),
    default: 1024,
    order: 9,
    description: 'Files larger than this (KiB) are not indexed: they are usually generated code or data.',
  }),

  // ── Privacy ── What may reach a model at all.
  'completion.exclude': declare({
    section: 'Privacy',
    schema: patterns,
    default: [],
    order: 3,
    markdownDescription:
      "Files Pylot never completes in nor sends to the model, as gitignore-style patterns relative to the workspace folder (a `.pylotignore` file at a folder's root works the same way). Secret files such as `.env` and keys are always excluded.",
  }),
  // No order: it has had none, and the Settings editor then places it after the ordered ones. The
  // default holds in the desktop app; in a browser an unset value reads nothing (extension/context/editorSignals.ts).
  'context.clipboard': declare({
    section: 'Privacy',
    schema: z.boolean(),
    default: true,
    markdownDescription:
      "Use the clipboard's text as context for completions. In VS Code for the Web (code-server, vscode.dev) reading the clipboard needs the browser's permission, so there Pylot reads it only when you turn this on yourself.",
  }),

  trace: declare({
    section: 'Privacy',
    schema: z.boolean(),
    default: false,
    order: 9,
    restartsSidecar: true,
    markdownDescription:
      "**Logs your code.** When on, Pylot's logs (the *Pylot* output channel and VS Code's log files on disk) include document text, prompts, completions, chat messages, tool arguments and file contents, to debug what a model is given and answers. Off (the default), log lines never hold code: it shows as its length. **Pylot: Show Diagnostics** leaves code out either way. Changing it restarts the engine.",
  }),
  'privacy.encryptAtRest': declare({
    section: 'Privacy',
    schema: z.boolean(),
    default: false,
    order: 4,
    markdownDescription:
      "Encrypt what Pylot stores of your code and chats — the workspace index's chunks and keyword tables, and the chat history — with AES-256-GCM, under a key kept in VS Code's secret storage. Turning it on or off converts what is stored. If the key is lost (the secret storage was cleared), the index is built again from your files and the chat history starts afresh, with a message.",
  }),

  // ── Advanced ──
  'sidecar.nodePath': declare({
    section: 'Advanced',
    schema: z.string(),
    default: '',
    scope: 'machine',
    order: 7,
    restartsSidecar: true,
    description: "Node.js binary that runs Pylot's engine process. Empty uses the one VS Code runs extensions with.",
  }),
  'advanced.flashAttention': declare({
    section: 'Advanced',
    schema: z.enum(['auto', 'on', 'off']),
    default: 'auto',
    scope: 'machine-overridable',
    order: 20,
    restartsSidecar: true,
    description: "Advanced: llama.cpp flash attention for local models. 'auto' lets llama.cpp decide per model and backend. Changing it restarts the engine.",
  }),
  'advanced.kvCacheType': declare({
    section: 'Advanced',
    schema: z.enum(['f16', 'q8_0', 'q4_0']),
    default: 'f16',
    scope: 'machine-overridable',
    order: 21,
    restartsSidecar: true,
    description:
      "Advanced: precision of the KV cache (the context's memory) for local models. Quantized caches let larger contexts fit. Changing it restarts the engine.",
    enumDescriptions: [
      'Full precision (default).',
      'Half the context memory; quality nearly unchanged.',
      'A quarter of the context memory; some quality loss.',
    ],
  }),
  'advanced.huggingFaceEndpoint': declare({
    section: 'Advanced',
    schema: z.string(),
    default: '',
    scope: 'machine',
    order: 22,
    markdownDescription:
      'Advanced: a Hugging Face mirror or proxy for catalog downloads (e.g. `https://hf-mirror.example/`). Empty uses huggingface.co. Downloads happen only when you pick a catalog model.',
  }),
};

export type SettingKey = keyof typeof settings;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settings)[K]['schema']>;

export const settingKeys = Object.keys(settings) as SettingKey[];

/** Every setting's default, by key without the `pylot.` prefix. */
export const settingDefaults = Object.fromEntries(settingKeys.map((key) => [key, settings[key].default])) as { readonly [K in SettingKey]: SettingValue<K> };

/** Settings whose change restarts the sidecar, as `pylot.<key>` for `affectsConfiguration`. */
export const restartKeys = settingKeys.filter((key) => settings[key].restartsSidecar).map((key) => `pylot.${key}`);

/**
 * A value of `pylot.<key>` as read: the value itself when it passes the schema (strings trimmed),
 * the default when it is unset, else the default and why the value was ignored.
 */
export function parseSetting<K extends SettingKey>(key: K, value: unknown): { value: SettingValue<K>; problem?: string } {
  const declaration = settings[key] as unknown as SettingDeclaration<z.ZodMiniType<SettingValue<K>>>;
  if (value === undefined || value === null) return { value: declaration.default };
  const parsed = declaration.schema.safeParse(typeof value === 'string' ? value.trim() : value);
  if (parsed.success) return { value: parsed.data };
  const why = parsed.error.issues[0];
  const where = why?.path.length ? ` at ${why.path.join('.')}` : '';
  return {
    value: declaration.default,
    problem: `Ignoring invalid setting pylot.${key} (${JSON.stringify(value)}): ${why?.message ?? 'invalid'}${where}; using ${JSON.stringify(declaration.default)}.`,
  };
}
