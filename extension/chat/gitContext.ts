// `@git` in chat: each workspace folder's staged and unstaged changes (the changed files, then the
// diffs) as one attachment, read through agent/git/workspaceGit.ts (safe in a hostile repository).
// Secret and excluded files are left out, as for every attachment.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Attachment } from '../../protocol/chat';
import { describeChanges, gitChanges, GitError } from '../agent/git/workspaceGit';

export async function gitAttachment(isExcluded: (uri: vscode.Uri) => boolean, maxChars: number, signal: AbortSignal): Promise<Attachment> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  if (!folders.length) return { kind: 'git', label: 'git: no workspace folder on disk', text: '' };
  const parts: string[] = [];
  const problems: string[] = [];
  const files = new Set<string>();
  // Staged and unstaged share the budget, per folder.
  const budget = Math.floor(maxChars / (2 * folders.length));
  for (const folder of folders) {
    const where = folders.length > 1 ? folder.name : 'the workspace';
    const hidden = async (relative: string) => isExcluded(vscode.Uri.file(path.join(folder.uri.fsPath, relative)));
    try {
      for (const staged of [true, false]) {
        const changes = await gitChanges({ folder: folder.uri.fsPath, staged, hidden, maxChars: budget, signal });
        for (const file of changes.files) files.add(`${folder.name}/${file.replace(/^\S+ /, '')}`);
        parts.push(describeChanges(changes, staged, where));
      }
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      problems.push(folders.length > 1 ? `${folder.name}: ${error.message}` : error.message);
    }
  }
  if (!parts.length) return { kind: 'git', label: `git: ${problems.join('; ')}`, text: '' };
  return { kind: 'git', label: `git: ${files.size} changed file(s)`, text: [...parts, ...problems].join('\n\n') };
}
