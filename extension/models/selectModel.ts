// "Pylot: Select Model…": per role, a QuickPick of what can run it — a .gguf file, models found on
// this machine, the catalog (with what fits here), or a server profile — then loads the choice
// with a progress notification.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Role } from '../../protocol/sidecar';
import type { PylotSettings } from '../settingsReader';
import { setModel } from '../settingsReader';
import { demoModelPath } from '../onboarding';
import type { ModelManager } from './modelManager';

export interface SelectModelDeps {
  readonly models: ModelManager;
  readonly settings: () => PylotSettings;
  /** More choices (local files, the catalog), each resolving to a spec when picked. */
  readonly moreChoices?: (role: Role) => Promise<Choice[]>;
}

export interface Choice extends vscode.QuickPickItem {
  /** The setting value to store, or a function producing it (e.g. after a download). */
  readonly spec?: string | (() => Promise<string | undefined>);
}

const roleLabels: Record<Role, string> = {
  completion: 'Inline completions — a FIM code base model',
  chat: 'Chat, agent and refactors — an instruct model',
  embeddings: 'Workspace index — an embedding model',
};

export async function selectModel(deps: SelectModelDeps, role?: Role): Promise<void> {
  const settings = deps.settings();
  role ??= await pickRole(deps.models);
  if (!role) return;
  const choices: Choice[] = [{ label: '$(folder-opened) Browse for a .gguf file…', spec: () => browse(role) }];
  const demo = demoModelPath(role);
  if (demo)
    choices.push({
      label: '$(beaker) Demo model',
      description: role === 'chat' ? 'scripted, always gives the same answer' : 'scripted, always suggests the same line',
      spec: demo,
    });
  choices.push(...((await deps.moreChoices?.(role).catch(() => [])) ?? []));
  if (settings.servers.length) {
    choices.push({ label: 'Servers', kind: vscode.QuickPickItemKind.Separator });
    for (const server of settings.servers) {
      choices.push({ label: `$(server) ${server.name}`, description: `${server.api} · ${server.baseUrl}`, spec: `server:${server.name}` });
    }
  }
  choices.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    {
      label: '$(add) Add a server…',
      description: 'llama-server or OpenAI-compatible (Ollama, LM Studio, vLLM…)',
      spec: async () => void (await vscode.commands.executeCommand('workbench.action.openSettings', 'pylot.servers')),
    },
    { label: '$(circle-slash) None', description: `turn ${role} off`, spec: '' },
  );
  const picked = await vscode.window.showQuickPick(choices, { title: `Pylot: ${roleLabels[role]}`, matchOnDescription: true, matchOnDetail: true });
  if (!picked || picked.spec === undefined) return;
  const spec = typeof picked.spec === 'string' ? picked.spec : await picked.spec();
  if (spec === undefined) return;
  await setModel(role, spec);
  if (spec) await loadWithProgress(deps.models, role, spec);
}

/** Loads the role's model behind a progress notification; failures are reported by the manager. */
export async function loadWithProgress(models: ModelManager, role: Role, spec: string): Promise<void> {
  await waitForSpec(models, role, spec);
  const name = path.basename(spec);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pylot: loading ${name}` }, async (progress) => {
    let reported = 0;
    const subscription = models.onDidChange((changed) => {
      const fraction = changed === role ? models.state(role).progress : undefined;
      if (fraction === undefined || fraction <= reported) return;
      progress.report({ increment: (fraction - reported) * 100 });
      reported = fraction;
    });
    try {
      await models.ensureLoaded(role);
    } catch {
      // Reported by the model manager's failure notification.
    } finally {
      subscription.dispose();
    }
  });
}

/** The setting change reaches the manager through a configuration event; wait for it. */
function waitForSpec(models: ModelManager, role: Role, spec: string): Promise<void> {
  if (models.state(role).spec === spec) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, 5_000);
    const subscription = models.onDidChange(() => models.state(role).spec === spec && done());
    function done() {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    }
  });
}

async function pickRole(models: ModelManager): Promise<Role | undefined> {
  const items = (Object.keys(roleLabels) as Role[]).map((role) => {
    const state = models.state(role);
    return {
      role,
      label: role[0]!.toUpperCase() + role.slice(1),
      description: roleLabels[role],
      detail: state.model ? `now: ${state.model.name}` : state.spec ? `now: ${state.spec}` : 'now: none',
    };
  });
  return (await vscode.window.showQuickPick(items, { title: 'Pylot: choose a model for…' }))?.role;
}

async function browse(role: Role): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: `Choose a ${role} model`,
    openLabel: 'Use This Model',
    canSelectMany: false,
    filters: { 'GGUF models': ['gguf'] },
  });
  return picked?.[0]?.fsPath;
}
