// Pylot's settings, read from `pylot.*` and validated: a bad value falls back to its default and
// says so in the log instead of breaking a feature.
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import { GpuSetting, type Role } from '../protocol/sidecar';

export const ServerProfile = z.object({
  name: z.string().check(z.minLength(1)),
  api: z.enum(['llama-server', 'openai-compatible']),
  baseUrl: z.url(),
  /** The model name an OpenAI-compatible server expects. */
  model: z.optional(z.string()),
  connectTimeoutMs: z.optional(z.int().check(z.minimum(100))),
  readTimeoutMs: z.optional(z.int().check(z.minimum(100))),
  retries: z.optional(z.int().check(z.minimum(0), z.maximum(10))),
});
export type ServerProfile = z.infer<typeof ServerProfile>;

const RoleSpecs = z.object({ completion: z.string(), chat: z.string(), embeddings: z.string() });

const Settings = z.object({
  /** Per role: a .gguf path, `server:<profile>` or `catalog:<id>`; '' for none. */
  models: RoleSpecs,
  /** Per role: what takes over when the model above cannot be had. */
  fallbacks: RoleSpecs,
  servers: z.array(ServerProfile),
  completionEnabled: z.boolean(),
  maxTokens: z.int().check(z.minimum(1), z.maximum(1024)),
  timeLimitMs: z.int().check(z.minimum(50), z.maximum(30_000)),
  exclude: z.array(z.string()),
  contextSize: z.int().check(z.minimum(256), z.maximum(1 << 20)),
  threads: z.int().check(z.minimum(0), z.maximum(1024)),
  gpu: GpuSetting,
  flashAttention: z.enum(['auto', 'on', 'off']),
  kvCacheType: z.enum(['f16', 'q8_0', 'q4_0']),
  /** Folders scanned for .gguf files, besides node-llama-cpp's own models folder. */
  modelFolders: z.array(z.string()),
  /** A Hugging Face mirror for catalog downloads; '' for huggingface.co. */
  huggingFaceEndpoint: z.string(),
  nodePath: z.string(),
});
export type PylotSettings = z.infer<typeof Settings>;

const noRoles = { completion: '', chat: '', embeddings: '' };
const defaults: PylotSettings = {
  models: noRoles,
  fallbacks: noRoles,
  servers: [],
  completionEnabled: true,
  maxTokens: 64,
  timeLimitMs: 500,
  exclude: [],
  contextSize: 4096,
  threads: 0,
  gpu: 'auto',
  flashAttention: 'auto',
  kvCacheType: 'f16',
  modelFolders: [],
  huggingFaceEndpoint: '',
  nodePath: '',
};

type Scalar = Exclude<keyof PylotSettings, 'models' | 'fallbacks'>;
const keys: Record<Scalar, string> = {
  servers: 'servers',
  completionEnabled: 'completion.enabled',
  maxTokens: 'completion.maxTokens',
  timeLimitMs: 'completion.timeLimitMs',
  exclude: 'completion.exclude',
  contextSize: 'contextSize',
  threads: 'threads',
  gpu: 'gpu',
  flashAttention: 'advanced.flashAttention',
  kvCacheType: 'advanced.kvCacheType',
  modelFolders: 'modelFolders',
  huggingFaceEndpoint: 'advanced.huggingFaceEndpoint',
  nodePath: 'sidecar.nodePath',
};
const roles: Role[] = ['completion', 'chat', 'embeddings'];

/** Settings whose change needs a fresh sidecar process. */
export const restartKeys = ['pylot.threads', 'pylot.gpu', 'pylot.advanced.flashAttention', 'pylot.advanced.kvCacheType', 'pylot.sidecar.nodePath'];

export function readSettings(warn: (message: string) => void): PylotSettings {
  const config = vscode.workspace.getConfiguration('pylot');
  const read = <T>(key: string, schema: z.ZodMiniType<T>, fallback: T): T => {
    const value = config.get<unknown>(key);
    if (value === undefined || value === null) return fallback;
    const parsed = schema.safeParse(typeof value === 'string' ? value.trim() : value);
    if (parsed.success) return parsed.data;
    warn(`Ignoring invalid setting pylot.${key} (${JSON.stringify(value)}): ${parsed.error.issues[0]?.message ?? 'invalid'}; using ${JSON.stringify(fallback)}.`);
    return fallback;
  };
  const settings = { ...defaults, models: { ...noRoles }, fallbacks: { ...noRoles } };
  for (const [field, key] of Object.entries(keys) as Array<[Scalar, string]>) {
    Object.assign(settings, { [field]: read(key, Settings.shape[field] as z.ZodMiniType<unknown>, defaults[field]) });
  }
  for (const role of roles) {
    settings.models[role] = read(`models.${role}`, z.string(), '');
    settings.fallbacks[role] = read(`fallback.${role}`, z.string(), '');
  }
  return settings;
}

export async function setModel(role: Role, spec: string): Promise<void> {
  await vscode.workspace.getConfiguration('pylot').update(`models.${role}`, spec, vscode.ConfigurationTarget.Global);
}
