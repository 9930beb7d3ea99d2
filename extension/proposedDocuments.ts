// The one owner of Pylot's proposed-change documents (scheme pylot-proposed): the read-only
// virtual files that chat's "Apply to file", the agent's edit cards and the refactor previews show
// in VS Code's diff editor against the real file, and the review editors of review/reviewSession.ts.
// One scheme, one content provider, one way to open and close a diff — two providers for one scheme
// once answered each other's URIs with nothing.
import * as vscode from 'vscode';

export class ProposedDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'pylot-proposed';
  private readonly texts = new Map<string, string>();
  private readonly registration: vscode.Disposable;
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  private next = 0;
  /** VS Code re-reads a document named here (a review editor whose view changed). */
  readonly onDidChange = this.changes.event;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(ProposedDocuments.scheme, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    // A tab kept across a reload, or one the user reopened after deciding: say so instead of
    // showing an empty file, which reads as "Pylot deletes everything".
    return this.texts.get(uri.toString()) ?? 'This Pylot proposal is no longer available: it was applied or discarded.\n';
  }

  /**
   * Holds `text` as a virtual document named like `file` (a path or a file name: the last segment
   * gives the language), in a folder of its own so several proposals for one file never collide.
   */
  add(text: string, file: string): vscode.Uri {
    const relative = file.replace(/\\/g, '/').replace(/^\/+/, '') || 'untitled';
    const uri = vscode.Uri.from({ scheme: ProposedDocuments.scheme, path: `/${++this.next}/${relative}` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  /** Replaces what a document holds; editors showing it follow. */
  update(uri: vscode.Uri, text: string): void {
    if (this.texts.get(uri.toString()) === text) return;
    this.texts.set(uri.toString(), text);
    this.changes.fire(uri);
  }

  /** What a proposal document holds (for tests and for callers that re-read a side). */
  text(uri: vscode.Uri): string | undefined {
    return this.texts.get(uri.toString());
  }

  /** Opens VS Code's diff editor: `left` is the file as it is (or an empty proposal for a new file). */
  async showDiff(left: vscode.Uri, right: vscode.Uri, title: string, options: vscode.TextDocumentShowOptions = {}): Promise<void> {
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true, ...options });
  }

  /** Closes every diff editor showing `right` and forgets the documents it was shown with. */
  async close(right: vscode.Uri, left?: vscode.Uri): Promise<void> {
    const key = right.toString();
    const tabs = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === key);
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
    this.texts.delete(key);
    if (left?.scheme === ProposedDocuments.scheme) this.texts.delete(left.toString());
  }

  dispose(): void {
    this.registration.dispose();
    this.changes.dispose();
    this.texts.clear();
  }
}
