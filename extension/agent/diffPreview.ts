// An agent edit shown in VS Code's diff editor before anything touches the file: the file as it is
// against the proposed text, held by the shared proposed-change documents; and, once allowed (with
// pylot.agent.reviewEdits), the per-hunk review every proposed change goes through.
import * as vscode from 'vscode';
import type { ProposedDocuments } from '../proposedDocuments';
import { proposeEdit } from '../review/proposal';
import type { ReviewResult, Reviews } from '../review/reviewSession';

export class DiffPreview {
  constructor(
    private readonly documents: ProposedDocuments,
    private readonly reviews?: Reviews,
  ) {}

  /**
   * Reviews `after` against the open document hunk by hunk; the kept hunks are applied as one edit.
   * `signal` (the turn's Stop) closes a review still open: the undecided hunks rejected, nothing written.
   */
  async review(relative: string, document: vscode.TextDocument, after: string, signal?: AbortSignal): Promise<ReviewResult & { total: number }> {
    if (!this.reviews) throw new Error('The review flow is not available.');
    if (signal?.aborted) return { kind: 'cancelled', total: 0 };
    const last = document.lineAt(document.lineCount - 1);
    const review = await this.reviews.start(
      proposeEdit(`Agent: edit ${relative}`, document, document.version, new vscode.Range(0, 0, last.lineNumber, last.text.length), after),
    );
    const stop = () => review.end({ kind: 'cancelled' });
    signal?.addEventListener('abort', stop, { once: true });
    // Stopped while the review editor was opening: end() is a no-op on a review that already ended.
    if (signal?.aborted) stop();
    try {
      return { ...(await review.result), total: review.hunks.length };
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

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
