// The rules files that apply now, from VS Code's state: the setting, the workspace's trust, the
// folders, the active file and the chat model's context (projectRules.ts reads them). Chat sends
// them as @rules chips; refactor commands add them to their system prompt.
import * as vscode from 'vscode';
import type { Attachment } from '../../protocol/chat';
import { WorkspacePaths } from '../agent/policy/paths';
import type { ModelManager } from '../models/modelManager';
import { readSetting } from '../settingsReader';
import { fitRulesToTokens, readProjectRules } from './projectRules';

/** The rules files for this message: off when the setting says so, or in an untrusted workspace unless allowed. */
export async function rulesAttachments(
  models: ModelManager,
  lastEditor: () => vscode.TextEditor | undefined,
  warn: (message: string) => void,
  /** The chat model's tokenizer; without it (or if it fails) ~3 characters count as a token. */
  countTokens?: (texts: string[]) => Promise<number[]>,
): Promise<Attachment[]> {
  if (!readSetting('rules.enabled', warn)) return [];
  if (!vscode.workspace.isTrusted && !readSetting('rules.inUntrustedWorkspaces', warn)) return [];
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
  if (!folders.length) return [];
  const editor = lastEditor()?.document.uri;
  // A share of the chat model's context, in its own tokens where it can count them, else at ~3
  // characters a token (code and prose run 3–4); read up to 8 characters a token, then counted.
  const contextSize = models.state('chat').model?.contextSize ?? 4096;
  const maxTokens = Math.floor(contextSize * (readSetting('rules.contextPercent', warn) / 100));
  const active = editor?.scheme === 'file' ? editor.fsPath : undefined;
  const estimated = () => readProjectRules(new WorkspacePaths(folders), active, maxTokens * 3);
  const rules = countTokens
    ? await readProjectRules(new WorkspacePaths(folders), active, maxTokens * 8)
        .then((read) => fitRulesToTokens(read, maxTokens, countTokens))
        .catch(estimated)
    : await estimated();
  return rules.map((rule) => ({ kind: 'rules', label: rule.source, text: rule.text }));
}

/** The rules as a block for a system prompt; '' when none apply. `countTokens` as for rulesAttachments. */
export async function rulesPrompt(
  models: ModelManager,
  warn: (message: string) => void,
  countTokens?: (texts: string[]) => Promise<number[]>,
): Promise<string> {
  const rules = await rulesAttachments(models, () => vscode.window.activeTextEditor, warn, countTokens).catch(() => []);
  return rules.length ? `\n\nThe project's rules (follow them):\n${rules.map((rule) => `From ${rule.label}:\n${rule.text}`).join('\n\n')}` : '';
}
