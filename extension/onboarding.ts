// First contact: with no completion model set, Pylot says what it needs at the moment the user
// needs it — when they type in a file — and keeps saying it in the status bar until it is set.
// Nothing is raised at activation: a toast then is gone into the notification centre before the
// user has opened a file. `npm start` generates two scripted demo models (completion and chat) and
// names them here, so the whole path can be tried offline.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Role } from '../protocol/sidecar';
import { setModel } from './settingsReader';

const dismissedKey = 'pylot.noModelPromptDismissed';

const demoVariables: Partial<Record<Role, string>> = { completion: 'PYLOT_DEMO_MODEL', chat: 'PYLOT_DEMO_CHAT_MODEL' };

/** The demo model for a role, when `npm start` made one. */
export function demoModelPath(role: Role = 'completion'): string | undefined {
  const variable = demoVariables[role];
  const path = variable ? process.env[variable] : undefined;
  return path && existsSync(path) ? path : undefined;
}

/**
 * Sets the demo models for the roles that have none (both, when the user asks from the chat or the
 * first-need offer); a role already set is the user's choice and is kept. Returns what it set.
 */
export async function useDemoModels(current: (role: Role) => string | undefined): Promise<Role[]> {
  const set: Role[] = [];
  for (const role of ['completion', 'chat'] as const) {
    const demo = demoModelPath(role);
    if (demo && !current(role)) {
      await setModel(role, demo);
      set.push(role);
    }
  }
  if (!set.length)
    void vscode.window.showInformationMessage(
      demoModelPath()
        ? 'Pylot already has its models set; "Pylot: Select Model…" changes them.'
        : 'No demo model is available here: `npm start` makes one. Choose a model with "Pylot: Select Model…".',
    );
  return set;
}

/** Offers a model the first time the user types with none set: once per window, until dismissed for good. */
export class FirstNeedOffer {
  private offered = false;
  private needed = false;

  constructor(
    private readonly state: vscode.Memento,
    private readonly onNeed: () => void,
  ) {}

  /** Whether the user has tried to use completions without a model in this window. */
  get hasBeenNeeded(): boolean {
    return this.needed;
  }

  /** Called by the completion provider when it was asked and has no model. */
  noteNeed(): void {
    if (!this.needed) {
      this.needed = true;
      this.onNeed();
    }
    if (this.offered || this.state.get(dismissedKey)) return;
    this.offered = true;
    void this.offer();
  }

  private async offer(): Promise<void> {
    const demo = demoModelPath();
    const useDemo = 'Use Demo Model';
    const choose = 'Choose a Model…';
    const never = "Don't Show Again";
    const choice = await vscode.window.showInformationMessage(
      'Pylot needs a completion model to suggest code here: a GGUF code base model with fill-in-the-middle, such as Qwen2.5-Coder, StarCoder2 or DeepSeek-Coder.' +
        (demo ? ' Or try the offline demo model: it always suggests the same line, to show the path working.' : '') +
        ' The Pylot item in the status bar offers the same.',
      ...(demo ? [useDemo] : []),
      choose,
      never,
    );
    if (choice === useDemo) await vscode.commands.executeCommand('pylot.useDemoModel');
    else if (choice === choose) await vscode.commands.executeCommand('pylot.selectModel', 'completion');
    else if (choice === never) await this.state.update(dismissedKey, true);
  }
}

const aiWarningDismissedKey = 'pylot.aiFeaturesWarningDismissed';

/**
 * VS Code's "Disable AI Features" (chat.disableAIFeatures) stops the editor from asking extensions
 * for inline suggestions while typing (seen on VS Code 1.139), so Pylot would look broken. Say so.
 */
export async function warnIfAiFeaturesDisabled(state: vscode.Memento): Promise<void> {
  if (state.get(aiWarningDismissedKey) || vscode.workspace.getConfiguration('chat').get('disableAIFeatures') !== true) return;
  const turnOn = 'Enable Inline Suggestions';
  const never = "Don't Show Again";
  const choice = await vscode.window.showWarningMessage(
    'VS Code\'s "Disable AI Features" setting is on, so the editor does not ask Pylot for suggestions while you type. Pylot runs locally; turning the setting off does not send code anywhere.',
    turnOn,
    never,
  );
  if (choice === turnOn) await vscode.workspace.getConfiguration('chat').update('disableAIFeatures', false, vscode.ConfigurationTarget.Global);
  else if (choice === never) await state.update(aiWarningDismissedKey, true);
}
