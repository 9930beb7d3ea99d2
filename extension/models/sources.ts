// Turns a role's setting into a model source for the sidecar: a .gguf path, `server:<profile>`
// (with its API key from SecretStorage: never in settings.json, never in logs) or `catalog:<id>`.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { ModelSource } from '../../protocol/sidecar';
import type { PylotSettings } from '../settings';

export function apiKeySecret(profile: string): string {
  return `pylot.server.${profile}.apiKey`;
}

export async function resolveSpec(spec: string, settings: PylotSettings, secrets: vscode.SecretStorage): Promise<ModelSource> {
  if (spec.startsWith('server:')) {
    const name = spec.slice('server:'.length);
    const profile = settings.servers.find((server) => server.name === name);
    if (!profile) throw new PylotError(ErrorCodes.ModelNotFound, `No server profile named "${name}" in the pylot.servers setting.`);
    const apiKey = await secrets.get(apiKeySecret(name));
    return { kind: 'server', ...profile, ...(apiKey ? { apiKey } : {}) };
  }
  if (spec.startsWith('catalog:')) {
    throw new PylotError(ErrorCodes.ModelNotFound, `${spec} is not downloaded yet. Run "Pylot: Select Model…" to download it.`);
  }
  if (!path.isAbsolute(spec)) throw new PylotError(ErrorCodes.ModelNotFound, `The model path must be absolute: "${spec}".`);
  return { kind: 'file', path: spec };
}
