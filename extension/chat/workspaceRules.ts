// The rules files that apply now, from VS Code's state: the setting, the workspace's trust, the
// folders, the active file and the chat model's context (projectRules.ts reads them). Chat sends
// them as @rules chips; refactor commands add them to their system prompt.
import * as vscode from 'vscode';
import type { Attachment } from '../../protocol/chat';
import { WorkspacePaths } from '../agent/policy/paths';
import type { ModelManager } from '../models/modelManager';
import { readSetting } from '../settingsReader';
import { readProjectRules } from './projectRules';

/** The rules files for this message: off when the setting says so, or in an untrusted workspace unless allowed. */
export async function rulesAttachments(
  models: ModelManager,
  lastEditor: () => vscode.TextEditor | undefined,
  warn: (message: string) => void,
): Promise<Attachment[]> {
  if (!readSetting('rules.enabled', warn)) return [];
  if (!vscode.workspace.isTrusted && !readSetting('rules.inUntrustedWorkspaces', warn)) return [];
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
  if (!folders.length) return [];
  const editor = lastEditor()?.document.uri;
  // A share of the chat model's context, at ~3 characters a token (code and prose run 3–4).
  const contextSize = models.state('chat').model?.contextSize ?? 4096;
  const rules = await readProjectRules(
    new WorkspacePaths(folders),
    editor?.scheme === 'file' ? editor.fsPath : undefined,
    Math.floor(contextSize * (readSetting('rules.contextPercent', warn) / 100) * 3),
  );
  return rules.map((rule) => ({ kind: 'rules', label: rule.source, text: rule.text }));
}

/** The rules as a block for a system prompt; '' when none apply. */
export async function rulesPrompt(models: ModelManager, warn: (message: string) => void): Promise<string> {
  const rules = await rulesAttachments(models, () => vscode.window.activeTextEditor, warn).catch(() => []);
  return rules.length ? `\n\nThe project's rules (follow them):\n${rules.map((rule) => `From ${rule.label}:\n${rule.text}`).join('\n\n')}` : '';
}
