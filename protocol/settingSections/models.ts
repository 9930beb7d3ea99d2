// The Models & Engines section of `pylot.*` settings (each role's model, servers, the engine, the loopback API) and the server profile's shape; see protocol/settings.ts.
import * as z from 'zod/mini';
import { declare } from '../settingDeclaration';
import { GpuSetting } from '../sidecar';

/** Where a role's model comes from: a .gguf path, `server:<profile>` (or a pool, `server:a,server:b`) or `catalog:<id>`; '' for none. */
export const modelSpec = z.string();
export const patterns = z.array(z.string());

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

/** A role's model, or its fallback: where it comes from (machine-overridable, ignored in an untrusted workspace). */
const modelSetting = (order: 1 | 2, markdownDescription: string) =>
  declare({ section: 'Models & Engines', schema: modelSpec, default: '', scope: 'machine-overridable', order, restricted: true, markdownDescription });

export const modelsSettings = {
  // ── Models & Engines ──
  'models.completion': modelSetting(
    1,
    `Model for inline completions. ${modelIntro} It needs fill-in-the-middle support: a code *base* model such as Qwen2.5-Coder, StarCoder2 or DeepSeek-Coder.`,
  ),
  'models.chat': modelSetting(1, `Model for chat, the agent and refactor commands: an *instruct* model. ${modelIntro}`),
  'chat.draftModel': modelSetting(
    1,
    "A small draft model that speeds up a **local** chat model by speculative decoding (e.g. a 0.5B model for a 7B one of the same family): a `.gguf` file's absolute path or `catalog:<id>`; empty for none. It must use the chat model's tokenizer. The answers are the same with or without it; it costs the draft's memory and is used only when it fits. It does not apply to server chat models (start llama-server with its own `--model-draft` instead).",
  ),
  'models.embeddings': modelSetting(1, `Embedding model for the workspace index (\`@codebase\`, code search). ${modelIntro}`),
  'fallback.completion': modelSetting(
    2,
    'Used for completions when `pylot.models.completion` cannot be loaded or reached (e.g. every server is down): a `.gguf` path, `server:<profile>`, a pool `server:a,server:b` or `catalog:<id>`. The status bar shows when the fallback is serving.',
  ),
  'fallback.chat': modelSetting(2, 'Used for chat when `pylot.models.chat` cannot be loaded or reached.'),
  'fallback.embeddings': modelSetting(2, 'Used for embeddings when `pylot.models.embeddings` cannot be loaded or reached.'),
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
};
