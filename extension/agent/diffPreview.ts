// An agent edit shown in VS Code's diff editor before anything touches the file: the file as it is
// against the proposed text, held by the shared proposed-change documents.
import * as vscode from 'vscode';
import type { ProposedDocuments } from '../proposedDocuments';

export class DiffPreview {
  constructor(private readonly documents: ProposedDocuments) {}

  /** Shows `after` against the file; `before` undefined means a new file (shown against an empty one). */
  async show(relative: string, fileUri: vscode.Uri, before: string | undefined, after: string): Promise<vscode.Uri> {
    const proposed = this.documents.add(after, relative);
    const left = before === undefined ? this.documents.add('', relative) : fileUri;
    this.lefts.set(proposed.toString(), left);
    await this.documents.showDiff(left, proposed, `${relative} ↔ proposed by Pylot`, { preserveFocus: true });
    return proposed;
  }

  /** Forgets a proposal and closes its diff editor. */
  async close(proposed: vscode.Uri): Promise<void> {
    const left = this.lefts.get(proposed.toString());
    this.lefts.delete(proposed.toString());
    await this.documents.close(proposed, left);
  }

  private readonly lefts = new Map<string, vscode.Uri>();
}
