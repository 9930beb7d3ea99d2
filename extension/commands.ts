// Pylot's commands. Each keeps working, or says clearly why not, while the sidecar is down.
import type { DocumentSync } from './completion/documentSync';
import type { PrivacyFilter } from './completion/privacy';
import * as vscode from 'vscode';
import type { Role } from '../protocol/sidecar';
import type { LatencyTracker } from './completion/latency';
import { showDiagnostics } from './diagnostics';
import type { Log } from './log';
import { demoModelPath } from './onboarding';
import type { ModelManager } from './models/modelManager';
import { selectModel, type SelectModelDeps } from './models/selectModel';
import { setServerApiKey } from './models/serverKeys';
import { serverProfilesOf } from './models/serverSpec';
import type { PylotSettings } from './settingsReader';
import type { Sidecar } from './sidecar/supervisor';

export interface CommandDeps {
  readonly sidecar: Sidecar;
  readonly models: ModelManager;
  readonly log: Log;
  readonly latency: LatencyTracker;
  readonly settings: () => PylotSettings;
  readonly secrets: vscode.SecretStorage;
  readonly version: string;
  readonly moreChoices?: SelectModelDeps['moreChoices'];
  readonly documents: DocumentSync;
  readonly privacy: PrivacyFilter;
}

const roles: Role[] = ['completion', 'chat', 'embeddings'];

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { sidecar, models, log } = deps;
  const restart = async () => {
    models.clearErrors();
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Restarting Pylot' }, () => sidecar.restart());
    } catch (error) {
      await showError(`Pylot could not restart its engine: ${message(error)}`, log);
    }
  };
  return [
    vscode.commands.registerCommand('pylot.restartSidecar', restart),
    vscode.commands.registerCommand('pylot.showLogs', () => log.show()),
    vscode.commands.registerCommand('pylot.showDiagnostics', () => showDiagnostics(deps)),
    vscode.commands.registerCommand('pylot.selectModel', async (role?: Role) => {
      // Choosing the same file again (e.g. after replacing a broken download) retries it.
      models.clearErrors();
      await selectModel(deps, roles.includes(role as Role) ? role : undefined);
    }),
    vscode.commands.registerCommand('pylot.setServerApiKey', async () => {
      const profile = await setServerApiKey(deps.settings(), deps.secrets);
      if (!profile) return;
      for (const role of roles) if (serverProfilesOf(deps.settings().models[role], deps.settings())?.includes(profile)) await models.reconcile(role);
    }),
    vscode.commands.registerCommand('pylot.showMenu', async () => {
      const demo = demoModelPath() && deps.models.state('completion').state === 'none';
      const items: Array<vscode.QuickPickItem & { command: string }> = [
        ...(demo
          ? [
              {
                label: '$(beaker) Use Demo Model',
                description: 'Offline, scripted: always suggests the same line (and a demo chat model)',
                command: 'pylot.useDemoModel',
              },
            ]
          : []),
        { label: '$(file-binary) Select Model…', description: 'For completions, chat or embeddings', command: 'pylot.selectModel' },
        { label: '$(debug-restart) Restart Engine', description: 'Restart the sidecar and reload its models', command: 'pylot.restartSidecar' },
        { label: '$(output) Show Logs', command: 'pylot.showLogs' },
        { label: '$(pulse) Show Diagnostics', description: 'A report to attach to a bug', command: 'pylot.showDiagnostics' },
      ];
      const picked = await vscode.window.showQuickPick(items, { title: 'Pylot' });
      if (picked) await vscode.commands.executeCommand(picked.command);
    }),
  ];
}

export async function showError(text: string, log: Log, ...extra: string[]): Promise<void> {
  log.error(text);
  const choice = await vscode.window.showErrorMessage(text, ...extra, 'Show Logs');
  if (choice === 'Show Logs') log.show();
  else if (choice) await vscode.commands.executeCommand(commandFor[choice] ?? '');
}

const commandFor: Record<string, string> = {
  Restart: 'pylot.restartSidecar',
  'Select Model…': 'pylot.selectModel',
  'Set Server API Key': 'pylot.setServerApiKey',
};

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
