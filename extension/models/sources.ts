// Turns a role's setting into a model source for the sidecar: a .gguf path, `server:<profile>`
// (with its API key from SecretStorage: never in settings.json, never in logs), a pool of them
// (`server:a,server:b`) or `catalog:<id>`.
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { ModelSource } from '../../protocol/sidecar';

type ServerModelSource = Extract<ModelSource, { kind: 'server' }>;
import type { PylotSettings } from '../settingsReader';
import { modelFolders } from './choices';
import { serverProfilesOf } from './serverSpec';

export function apiKeySecret(profile: string): string {
  return `pylot.server.${profile}.apiKey`;
}

export async function resolveSpec(spec: string, settings: PylotSettings, secrets: vscode.SecretStorage): Promise<ModelSource> {
  const profiles = serverProfilesOf(spec, settings);
  if (profiles?.length === 1) return serverSource(profiles[0]!, settings, secrets);
  if (profiles) return { kind: 'pool', servers: await Promise.all(profiles.map((name) => serverSource(name, settings, secrets))) };
  if (spec.startsWith('catalog:')) return { kind: 'file', path: await downloadedCatalogFile(spec.slice('catalog:'.length), settings) };
  if (!path.isAbsolute(spec)) throw new PylotError(ErrorCodes.ModelNotFound, `The model path must be absolute: "${spec}".`);
  return { kind: 'file', path: spec };
}

async function serverSource(name: string, settings: PylotSettings, secrets: vscode.SecretStorage): Promise<ServerModelSource> {
  const profile = settings.servers.find((server) => server.name === name);
  if (!profile) throw new PylotError(ErrorCodes.ModelNotFound, `No server profile named "${name}" in the pylot.servers setting.`);
  const apiKey = await secrets.get(apiKeySecret(name));
  return { kind: 'server', ...profile, ...(apiKey ? { apiKey } : {}) };
}

/** Catalog downloads are saved as `<id>.<QUANT>.gguf` in the first models folder. */
async function downloadedCatalogFile(id: string, settings: PylotSettings): Promise<string> {
  for (const folder of modelFolders(settings)) {
    const files = await readdir(folder).catch(() => [] as string[]);
    const match = files.find((file) => file.startsWith(`${id}.`) && file.endsWith('.gguf'));
    if (match) return path.join(folder, match);
  }
  throw new PylotError(
    ErrorCodes.ModelNotFound,
    `catalog:${id} is not downloaded yet. Run "Pylot: Select Model…" and pick it from the catalog to download it.`,
  );
}
