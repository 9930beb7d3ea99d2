// The preview every change goes through: VS Code's diff editor (the file as it is ⇄ the file with
// the proposal, a virtual read-only document) beside a QuickPick of the hunks, all ticked. Enter
// applies the ticked ones; Escape rejects them all. Nothing touches the file before that.
import * as vscode from 'vscode';
import { applyChanges, diffHunks, hunkChanges, type Hunk } from './hunks';
import type { ProposedDocuments } from '../proposedDocuments';
import type { Proposal } from './proposal';

/** A preview waiting for the user; tests decide through it the way the QuickPick would. */
export interface PendingReview {
  readonly proposal: Proposal;
  readonly hunks: readonly Hunk[];
  /** Keeps the hunks at these indexes (all when omitted) and applies them. */
  accept(indexes?: readonly number[]): void;
  reject(): void;
}

interface HunkItem extends vscode.QuickPickItem {
  readonly index: number;
}

/** Resolves with the hunks the user kept, or undefined when they rejected the change; `decided` hears the counts once. */
export async function review(
  proposal: Proposal,
  documents: ProposedDocuments,
  shown: (review: PendingReview) => void,
  decided?: (kept: number, rejected: number) => void,
): Promise<Hunk[] | undefined> {
  const hunks = diffHunks(proposal.oldText, proposal.newText);
  if (hunks.length === 0) return [];
  const { left, right } = await sides(proposal, hunks, documents);
  // Beside the code, so the user's own editor stays open (a preview tab would replace it).
  await documents.showDiff(left, right, `Pylot: ${proposal.title} (preview)`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  const pick = vscode.window.createQuickPick<HunkItem>();
  pick.canSelectMany = true;
  pick.ignoreFocusOut = true;
  pick.title = `Pylot: ${proposal.title} — apply ${hunks.length === 1 ? 'this change' : `these ${hunks.length} changes`}?`;
  pick.placeholder = 'Enter applies the ticked changes; Escape discards them all';
  pick.items = hunks.map((hunk, index) => hunkItem(hunk, index, proposal.range?.start.line ?? 0));
  pick.selectedItems = pick.items;
  try {
    return await new Promise<Hunk[] | undefined>((resolve) => {
      let done = false;
      const decide = (indexes: readonly number[] | undefined) => {
        const kept = indexes?.map((index) => hunks[index]!).filter(Boolean);
        // Hiding the pick after a decision calls this again: the first call is the user's.
        if (!done) decided?.(kept?.length ?? 0, hunks.length - (kept?.length ?? 0));
        done = true;
        resolve(kept);
        pick.hide();
      };
      pick.onDidAccept(() => decide(pick.selectedItems.map((item) => item.index)));
      pick.onDidChangeActive(([item]) => item && reveal(right, (proposal.range?.start.line ?? 0) + hunks[item.index]!.newStart));
      pick.onDidHide(() => decide(undefined));
      pick.show();
      shown({ proposal, hunks, accept: (indexes) => decide(indexes ?? hunks.map((_, index) => index)), reject: () => decide(undefined) });
    });
  } finally {
    pick.dispose();
    await documents.close(right, left);
  }
}

async function sides(proposal: Proposal, hunks: readonly Hunk[], documents: ProposedDocuments): Promise<{ left: vscode.Uri; right: vscode.Uri }> {
  const name = fileName(proposal.uri);
  if (!proposal.range) return { left: documents.add('', name), right: documents.add(proposal.newText, name) };
  // The whole file with every hunk applied, so the diff shows the change in place.
  const document = await vscode.workspace.openTextDocument(proposal.uri);
  const full = document.getText();
  const base = document.offsetAt(proposal.range.start);
  const changes = hunkChanges(proposal.oldText, hunks, proposal.eol).map((change) => ({ ...change, start: change.start + base, end: change.end + base }));
  return { left: proposal.uri, right: documents.add(applyChanges(full, changes), name) };
}

/** The file's own name, so the preview gets its language. */
function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1) || 'untitled';
}

function hunkItem(hunk: Hunk, index: number, firstLine: number): HunkItem {
  const first = firstLine + hunk.oldStart + 1;
  const where =
    hunk.oldLines.length > 1 ? `lines ${first}–${first + hunk.oldLines.length - 1}` : hunk.oldLines.length === 1 ? `line ${first}` : `before line ${first}`;
  // The first line with words in it: "/**" alone says little about a change.
  const telling = (lines: readonly string[]) => lines.find((line) => /\w/.test(line)) ?? lines.find((line) => line.trim());
  const sample = (telling(hunk.newLines) ?? telling(hunk.oldLines) ?? '').trim();
  return {
    index,
    label: `${hunk.newLines.length ? '+' : '−'} ${sample.slice(0, 80) || '(blank lines)'}`,
    description: `${where}: −${hunk.oldLines.length} +${hunk.newLines.length}`,
  };
}

/** Scrolls the preview to a hunk as the user moves through the list (the right side has them all). */
function reveal(right: vscode.Uri, line: number): void {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === right.toString());
  editor?.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
