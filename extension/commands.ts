// Pylot's commands. Each keeps working, or says clearly why not, while the sidecar is down.
import * as vscode from 'vscode';
import type { ModelManager } from './models/modelManager';
import { setModel } from './settings';
import type { Sidecar } from './sidecar/supervisor';

export interface CommandDeps {
  readonly sidecar: Sidecar;
  readonly models: ModelManager;
  readonly log: vscode.LogOutputChannel;
}

export function registerCommands({ sidecar, models, log }: CommandDeps): vscode.Disposable[] {
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
    vscode.commands.registerCommand('pylot.selectModel', async () => {
      if (!(await chooseModelFile())) return;
      // Choosing the same file again (e.g. after replacing a broken download) retries it.
      models.clearErrors();
      await models.reconcile('completion');
    }),
    vscode.commands.registerCommand('pylot.showMenu', async () => {
      const items: Array<vscode.QuickPickItem & { command: string }> = [
        { label: '$(file-binary) Select Model…', description: 'Choose the completion model (.gguf)', command: 'pylot.selectModel' },
        { label: '$(debug-restart) Restart Engine', description: 'Restart the sidecar and reload the model', command: 'pylot.restartSidecar' },
        { label: '$(output) Show Logs', command: 'pylot.showLogs' },
      ];
      const picked = await vscode.window.showQuickPick(items, { title: 'Pylot' });
      if (picked) await vscode.commands.executeCommand(picked.command);
    }),
  ];
}

/** Resolves true when a file was chosen and saved in the settings. */
export async function chooseModelFile(): Promise<boolean> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Choose a completion model',
    openLabel: 'Use This Model',
    canSelectMany: false,
    filters: { 'GGUF models': ['gguf'] },
  });
  if (!picked?.[0]) return false;
  await setModel('completion', picked[0].fsPath);
  return true;
}

export async function showError(text: string, log: vscode.LogOutputChannel, ...extra: string[]): Promise<void> {
  log.error(text);
  const choice = await vscode.window.showErrorMessage(text, ...extra, 'Show Logs');
  if (choice === 'Show Logs') log.show();
  else if (choice) await vscode.commands.executeCommand(commandFor[choice] ?? '');
}

const commandFor: Record<string, string> = {
  'Restart': 'pylot.restartSidecar',
  'Select Model…': 'pylot.selectModel',
};

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
