// First contact: with no model set, say what Pylot needs and how to get it, once.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { setModel } from './settings';

const dismissedKey = 'pylot.noModelPromptDismissed';

/** `npm start` generates a small scripted model and names it here, so the path can be tried offline. */
export function demoModelPath(): string | undefined {
  const path = process.env.PYLOT_DEMO_MODEL;
  return path && existsSync(path) ? path : undefined;
}

export async function promptForModel(state: vscode.Memento): Promise<void> {
  if (state.get(dismissedKey)) return;
  const demo = demoModelPath();
  const choose = 'Choose a Model…';
  const useDemo = 'Use Demo Model';
  const never = "Don't Show Again";
  const choice = await vscode.window.showInformationMessage(
    'Pylot needs a completion model: a GGUF file with fill-in-the-middle support, such as a Qwen2.5-Coder, StarCoder2 or DeepSeek-Coder base model. ' +
      'Choose one, or set "pylot.models.completion" to its path.' +
      (demo ? ' A small offline demo model is also available: it always suggests the same line, to show the path working.' : ''),
    choose,
    ...(demo ? [useDemo] : []),
    never,
  );
  if (choice === choose) await vscode.commands.executeCommand('pylot.selectModel', 'completion');
  else if (choice === useDemo && demo) await setModel('completion', demo);
  else if (choice === never) await state.update(dismissedKey, true);
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
