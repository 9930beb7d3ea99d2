// Files Pylot never completes in, nor mirrors to its engine: what `.pylotignore` (gitignore syntax,
// at a workspace folder's root) names, well-known secret files, and `pylot.completion.exclude`.
import ignore, { type Ignore } from 'ignore';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isSecretName, isSecretPath } from '../../protocol/secretFiles';

export class PrivacyFilter implements vscode.Disposable {
  private readonly rules = new Map<string, Ignore>();
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/.pylotignore');
  private extra: Ignore = ignore();

  constructor(private readonly exclude: () => readonly string[]) {
    const reload = () => void this.reload();
    this.watcher.onDidChange(reload);
    this.watcher.onDidCreate(reload);
    this.watcher.onDidDelete(reload);
    void this.reload();
  }

  /** True when Pylot must stay out of this document. */
  isExcluded(uri: vscode.Uri): boolean {
    if (uri.scheme !== 'file' && uri.scheme !== 'untitled' && uri.scheme !== 'vscode-remote') return true;
    const name = path.basename(uri.path).normalize('NFC');
    if (isSecretName(name)) return true;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return this.extra.ignores(name);
    const relative = path.posix.relative(folder.uri.path, uri.path).normalize('NFC');
    if (!relative || relative.startsWith('..')) return false;
    // A secret folder (`secrets/`, `.env/`) hides what is in it, as it does for the index and the agent.
    if (isSecretPath(relative)) return true;
    return this.extra.ignores(relative) || (this.rules.get(folder.uri.toString())?.ignores(relative) ?? false);
  }

  async reload(): Promise<void> {
    this.extra = ignore().add(this.exclude().map((pattern) => pattern.normalize('NFC')));
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const file = vscode.Uri.joinPath(folder.uri, '.pylotignore');
      const text = await vscode.workspace.fs.readFile(file).then(
        (bytes) => new TextDecoder().decode(bytes),
        () => '',
      );
      this.rules.set(folder.uri.toString(), ignore().add(text.normalize('NFC')));
    }
  }

  dispose(): void {
    this.watcher.dispose();
  }
}
