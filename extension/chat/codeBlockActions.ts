// A code block's buttons: Copy, Insert at cursor, Apply to file. Apply goes through the one review
// flow (review/reviewSession.ts): per-hunk accept / reject, and only the kept hunks written, as one
// WorkspaceEdit (so Undo takes it back). Code replacing whole lines takes their indentation and
// line break (placeCode.ts).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { proposeEdit } from '../review/proposal';
import type { Reviews } from '../review/reviewSession';
import { fitCode, type Replaced } from './placeCode';

export class CodeBlockActions {
  constructor(
    private readonly lastEditor: () => vscode.TextEditor | undefined,
    private readonly reviews: Reviews,
  ) {}

  async copy(code: string): Promise<void> {
    await vscode.env.clipboard.writeText(code);
    void vscode.window.setStatusBarMessage('Pylot: code copied', 2000);
  }

  /** Replaces the selection (or inserts at the cursor) of the editor the user was last in. */
  async insert(code: string): Promise<boolean> {
    const editor = await this.targetEditor('insert the code');
    if (!editor) return false;
    const done = await editor.edit((edit) => {
      for (const selection of editor.selections) edit.replace(selection, fitCode(code, replaced(editor.document, selection)));
    });
    if (!done) void vscode.window.showWarningMessage('Pylot could not insert the code: the editor changed. Try again.');
    return done;
  }

  /** Proposes the code for the selection, or for the whole file when nothing is selected. */
  async apply(code: string): Promise<boolean> {
    const editor = await this.targetEditor('apply the code to');
    if (!editor) return false;
    const { document } = editor;
    const range = editor.selection.isEmpty ? fullRange(document) : editor.selection;
    const version = document.version;
    const fitted = fitCode(code, replaced(document, range));
    const proposed = document.getText().slice(0, document.offsetAt(range.start)) + fitted + document.getText().slice(document.offsetAt(range.end));
    const name = path.basename(document.uri.path);
    const what = editor.selection.isEmpty ? `the whole of ${name}` : `the selection in ${name}`;
    // The whole file is the proposal, so the review shows the change where it goes.
    const review = await this.reviews.start(proposeEdit(`Apply the code to ${what}`, document, version, fullRange(document), proposed));
    const result = await review.result;
    if (result.kind === 'stale' || result.kind === 'failed') void vscode.window.showWarningMessage(`Pylot: ${result.message}`);
    return result.kind === 'applied';
  }

  private async targetEditor(action: string): Promise<vscode.TextEditor | undefined> {
    const editor = this.lastEditor();
    if (!editor || editor.document.isClosed) {
      void vscode.window.showInformationMessage(`Open a file first: Pylot needs an editor to ${action}.`);
      return undefined;
    }
    // Brings it back to the front (the chat panel has the focus) and keeps its selection.
    return vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: editor.selection, preserveFocus: false });
  }
}

/** What a range of the document holds, as fitCode() reads it. */
function replaced(document: vscode.TextDocument, range: vscode.Range): Replaced {
  return {
    text: document.getText(range),
    before: document.lineAt(range.start.line).text.slice(0, range.start.character),
    eol: document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
  };
}

function fullRange(document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(0, 0, document.lineCount - 1, document.lineAt(document.lineCount - 1).text.length);
}
