// A change the model proposed: the old and new text of whole lines of one file (or a new file),
// pinned to the document version it was made against. Applied only as the hunks the user kept,
// as one WorkspaceEdit (one undo step), and never onto a document that changed meanwhile.
import * as vscode from 'vscode';
import { hunkChanges, type Hunk } from './hunks';

export interface Proposal {
  /** What the change is, for the preview's title and the undo label. */
  readonly title: string;
  readonly uri: vscode.Uri;
  /** The document version it was made against; undefined for a file that does not exist yet. */
  readonly version?: number;
  /** The whole lines it rewrites; undefined for a new file. */
  readonly range?: vscode.Range;
  readonly oldText: string;
  readonly newText: string;
  readonly eol: string;
}

export function proposeEdit(title: string, document: vscode.TextDocument, version: number, range: vscode.Range, newText: string): Proposal {
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  return { title, uri: document.uri, version, range, oldText: document.getText(range), newText: newText.replace(/\r?\n/g, eol), eol };
}

export function proposeNewFile(title: string, uri: vscode.Uri, newText: string): Proposal {
  return { title, uri, oldText: '', newText, eol: '\n' };
}

/** Whether the document still is what the proposal was made against. */
export function isCurrent(proposal: Proposal): boolean {
  if (proposal.version === undefined) return true;
  const document = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === proposal.uri.toString());
  return document?.version === proposal.version;
}

export type ApplyResult = 'applied' | 'stale' | 'failed';

export async function applyProposal(proposal: Proposal, hunks: readonly Hunk[]): Promise<ApplyResult> {
  const edit = new vscode.WorkspaceEdit();
  const metadata: vscode.WorkspaceEditEntryMetadata = { label: `Pylot: ${proposal.title}`, needsConfirmation: false };
  if (proposal.range === undefined) {
    edit.createFile(proposal.uri, { contents: new TextEncoder().encode(proposal.newText), ignoreIfExists: false }, metadata);
    if (!(await vscode.workspace.applyEdit(edit))) return 'failed';
    await vscode.window.showTextDocument(proposal.uri, { preview: false });
    return 'applied';
  }
  const document = await vscode.workspace.openTextDocument(proposal.uri);
  if (document.version !== proposal.version) return 'stale';
  const base = document.offsetAt(proposal.range.start);
  for (const change of hunkChanges(proposal.oldText, hunks, proposal.eol)) {
    const range = new vscode.Range(document.positionAt(base + change.start), document.positionAt(base + change.end));
    edit.replace(proposal.uri, range, change.text, metadata);
  }
  return (await vscode.workspace.applyEdit(edit)) ? 'applied' : 'failed';
}
