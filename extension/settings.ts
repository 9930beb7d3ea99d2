// Pylot's settings, read from `pylot.*` and validated: a bad value falls back to its default and
// says so in the log instead of breaking a feature.
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import { GpuSetting } from '../protocol/sidecar';

const Settings = z.object({
  completionModel: z.string(),
  completionEnabled: z.boolean(),
  maxTokens: z.int().check(z.minimum(1), z.maximum(1024)),
  contextSize: z.int().check(z.minimum(256), z.maximum(1 << 20)),
  threads: z.int().check(z.minimum(0), z.maximum(1024)),
  gpu: GpuSetting,
  nodePath: z.string(),
});
export type PylotSettings = z.infer<typeof Settings>;

const defaults: PylotSettings = {
  completionModel: '',
  completionEnabled: true,
  maxTokens: 64,
  contextSize: 4096,
  threads: 0,
  gpu: 'auto',
  nodePath: '',
};

const keys: Record<keyof PylotSettings, string> = {
  completionModel: 'models.completion',
  completionEnabled: 'completion.enabled',
  maxTokens: 'completion.maxTokens',
  contextSize: 'contextSize',
  threads: 'threads',
  gpu: 'gpu',
  nodePath: 'sidecar.nodePath',
};

/** Settings whose change needs a fresh sidecar process. */
export const restartKeys = ['pylot.threads', 'pylot.gpu', 'pylot.sidecar.nodePath'];

export function readSettings(warn: (message: string) => void): PylotSettings {
  const config = vscode.workspace.getConfiguration('pylot');
  const settings = { ...defaults };
  for (const [field, key] of Object.entries(keys) as Array<[keyof PylotSettings, string]>) {
    const value = config.get(key);
    if (value === undefined || value === null) continue;
    const parsed = Settings.shape[field].safeParse(typeof value === 'string' ? value.trim() : value);
    if (parsed.success) Object.assign(settings, { [field]: parsed.data });
    else warn(`Ignoring invalid setting pylot.${key} (${JSON.stringify(value)}): ${parsed.error.issues[0]?.message ?? 'invalid'}; using ${JSON.stringify(defaults[field])}.`);
  }
  return settings;
}

export async function setCompletionModel(path: string): Promise<void> {
  await vscode.workspace.getConfiguration('pylot').update(keys.completionModel, path, vscode.ConfigurationTarget.Global);
}
