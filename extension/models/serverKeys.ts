// "Pylot: Set Server API Key": keys go to VS Code's SecretStorage, never to settings.json or logs.
import * as vscode from 'vscode';
import type { PylotSettings } from '../settingsReader';
import { apiKeySecret } from './sources';

/** Resolves with the profile whose key changed, if any. */
export async function setServerApiKey(settings: PylotSettings, secrets: vscode.SecretStorage): Promise<string | undefined> {
  if (!settings.servers.length) {
    const open = 'Open Settings';
    const choice = await vscode.window.showInformationMessage('Add a server to the pylot.servers setting first; its API key is then set here.', open);
    if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'pylot.servers');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    settings.servers.map((server) => ({ label: server.name, description: `${server.api} · ${server.baseUrl}` })),
    { title: 'Set the API key of which server?' },
  );
  if (!picked) return undefined;
  const key = await vscode.window.showInputBox({
    title: `API key for ${picked.label}`,
    prompt: "Stored in VS Code's secret storage. Leave empty to remove the key.",
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return undefined;
  if (key) await secrets.store(apiKeySecret(picked.label), key);
  else await secrets.delete(apiKeySecret(picked.label));
  return picked.label;
}
