// Proposed file contents as virtual documents (scheme pylot-proposed), so an edit is shown in VS
// Code's diff editor against the real file before anything touches it.
import * as vscode from 'vscode';

export class DiffPreview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'pylot-proposed';
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private next = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Registers `after` for display; `before` undefined means a new file (shown against an empty one). */
  async show(relative: string, fileUri: vscode.Uri, before: string | undefined, after: string): Promise<vscode.Uri> {
    const id = ++this.next;
    const proposed = vscode.Uri.from({ scheme: DiffPreview.scheme, path: `/${relative}`, query: `proposal=${id}` });
    this.contents.set(proposed.toString(), after);
    let left = fileUri;
    if (before === undefined) {
      left = vscode.Uri.from({ scheme: DiffPreview.scheme, path: `/${relative}`, query: `empty=${id}` });
      this.contents.set(left.toString(), '');
    }
    await vscode.commands.executeCommand('vscode.diff', left, proposed, `${relative} ↔ proposed by Pylot`, { preview: true, preserveFocus: true });
    return proposed;
  }

  /** Forgets a proposal and closes its diff editor. */
  async close(proposed: vscode.Uri): Promise<void> {
    const key = proposed.toString();
    this.contents.delete(key);
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === key);
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  }

  dispose(): void {
    this.changed.dispose();
    this.contents.clear();
  }
}
