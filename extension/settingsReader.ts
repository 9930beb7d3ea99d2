// Pylot's settings as the extension reads them: every `pylot.*` value is checked against its
// declaration in protocol/settings.ts, and a bad value falls back to its default and says so in the
// log instead of breaking a feature. What exists, its bounds and defaults live there, not here.
import * as vscode from 'vscode';
import { parseSetting, restartKeys as declaredRestartKeys, ServerProfile, type SettingKey, type SettingValue } from '../protocol/settings';
import type { Role } from '../protocol/sidecar';

export { ServerProfile };

type Warn = (message: string) => void;

/** The settings most features read, by the names they use. */
const fields = {
  servers: 'servers',
  completionEnabled: 'completion.enabled',
  maxTokens: 'completion.maxTokens',
  timeLimitMs: 'completion.timeLimitMs',
  latencyTargetMs: 'completion.latencyTargetMs',
  exclude: 'completion.exclude',
  contextSize: 'contextSize',
  /** A draft model for the local chat model (speculative decoding); '' for none. */
  chatDraftModel: 'chat.draftModel',
  threads: 'threads',
  gpu: 'gpu',
  flashAttention: 'advanced.flashAttention',
  kvCacheType: 'advanced.kvCacheType',
  /** Folders scanned for .gguf files, besides node-llama-cpp's own models folder. */
  modelFolders: 'modelFolders',
  /** A Hugging Face mirror for catalog downloads; '' for huggingface.co. */
  huggingFaceEndpoint: 'advanced.huggingFaceEndpoint',
  nodePath: 'sidecar.nodePath',
  /** Log lines may hold user content (protocol/logLine.ts). */
  trace: 'trace',
  localApiEnabled: 'localApi.enabled',
  localApiPort: 'localApi.port',
  localApiMaxQueue: 'localApi.maxQueue',
} as const satisfies Record<string, SettingKey>;

type RoleSpecs = Record<Role, string>;
export type PylotSettings = { -readonly [F in keyof typeof fields]: SettingValue<(typeof fields)[F]> } & {
  /** Per role: a .gguf path, `server:<profile>` or `catalog:<id>`; '' for none. */
  models: RoleSpecs;
  /** Per role: what takes over when the model above cannot be had. */
  fallbacks: RoleSpecs;
};

const roles: Role[] = ['completion', 'chat', 'embeddings'];

/** Settings whose change needs a fresh sidecar process. */
export const restartKeys: readonly string[] = declaredRestartKeys;

/** `pylot.<key>` checked against its declaration: its default when unset or invalid (and then `warn` says why). */
export function validSetting<K extends SettingKey>(key: K, value: unknown, warn: Warn): SettingValue<K> {
  const read = parseSetting(key, value);
  if (read.problem) warn(read.problem);
  return read.value;
}

/** `pylot.<key>` from every scope, as VS Code merges them, checked against its declaration. */
export function readSetting<K extends SettingKey>(key: K, warn: Warn): SettingValue<K> {
  return validSetting(key, vscode.workspace.getConfiguration('pylot').get<unknown>(key), warn);
}

export function readSettings(warn: Warn): PylotSettings {
  const read = Object.fromEntries(Object.entries(fields).map(([field, key]) => [field, readSetting(key, warn)]));
  const models = {} as RoleSpecs;
  const fallbacks = {} as RoleSpecs;
  for (const role of roles) {
    models[role] = readSetting(`models.${role}`, warn);
    fallbacks[role] = readSetting(`fallback.${role}`, warn);
  }
  return { ...(read as { [F in keyof typeof fields]: SettingValue<(typeof fields)[F]> }), models, fallbacks };
}

export async function setModel(role: Role, spec: string): Promise<void> {
  await vscode.workspace.getConfiguration('pylot').update(`models.${role}`, spec, vscode.ConfigurationTarget.Global);
}
