// Inline edit (Ctrl+I / Cmd+I in the editor): an instruction for the selected lines (or the block
// at the cursor), sent with a few lines around them to the chat model — local or server — as plain
// text with no grammar, and the answer streamed into the review editor as a diff as it arrives;
// then the one review flow (review/reviewSession.ts) decides per hunk and applies as one edit.
import * as vscode from 'vscode';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { Generate, GenerateDelta } from '../../protocol/sidecar';
import type { Log } from '../log';
import type { ModelManager } from '../models/modelManager';
import { fitCode } from '../chat/placeCode';
import { fileNameOf, languageName } from '../refactor/messages';
import { reportFailure } from '../refactor/run';
import { proposeEdit } from '../review/proposal';
import type { ReviewResult, Reviews } from '../review/reviewSession';
import { streamedProposal } from '../review/reviewView';
import type { Sidecar } from '../sidecar/supervisor';
import { blockAt, cleanAnswer, contextLines, inlineMessages } from './inlinePrompt';

export interface InlineEditDeps {
  readonly sidecar: Sidecar;
  readonly models: ModelManager;
  readonly log: Log;
  readonly reviews: Reviews;
}

/** How an inline edit ended: the review's result, or why it never got there. */
export type InlineEditResult = ReviewResult | { readonly kind: 'refused' | 'failed'; readonly message: string };

let streams = 0;

export function registerInlineEdit(deps: InlineEditDeps): vscode.Disposable {
  return vscode.commands.registerCommand('pylot.inlineEdit', (instruction?: string) => inlineEdit(deps, instruction));
}

async function inlineEdit(deps: InlineEditDeps, given?: string): Promise<InlineEditResult> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme === 'pylot-proposed') {
    const message = 'open a file and put the cursor in the code to edit first.';
    void vscode.window.showInformationMessage(`Pylot: ${message}`);
    return { kind: 'refused', message };
  }
  const { document, selection } = editor;
  const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
  const endLine =
    !selection.isEmpty && selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
  const { start, end } = selection.isEmpty ? blockAt(lines, selection.active.line) : { start: selection.start.line, end: endLine };
  const range = new vscode.Range(start, 0, end, lines[end]!.length);
  const where = start === end ? `line ${start + 1}` : `lines ${start + 1}–${end + 1}`;
  const instruction =
    given ??
    (await vscode.window.showInputBox({
      title: `Pylot: Edit ${where}`,
      prompt: 'What should change? The change shows as a diff to accept or reject hunk by hunk.',
      placeHolder: 'e.g. handle the empty case',
      ignoreFocusOut: false,
    }));
  if (!instruction?.trim()) return { kind: 'cancelled' };
  const version = document.version;
  const oldText = document.getText(range);
  const messages = inlineMessages({
    instruction,
    fileName: fileNameOf(document),
    language: languageName(document.languageId),
    before: lines.slice(Math.max(0, start - contextLines), start).join('\n'),
    region: oldText.replace(/\r\n/g, '\n'),
    after: lines.slice(end + 1, end + 1 + contextLines).join('\n'),
  });
  const review = await deps.reviews.start(proposeEdit(`Edit: ${instruction.trim()}`, document, version, range, oldText), { streaming: true });
  const aborter = new AbortController();
  // Deciding everything (or the file changing) before the model ends stops the model.
  void review.result.then(() => aborter.abort());
  // Small models write the region flush left; it goes back at the region's indentation.
  const fitted = (code: string) => fitCode(code, { text: oldText, before: '', eol: '\n' });
  const streamId = `inline-${++streams}`;
  let streamed = '';
  const unsubscribe = deps.sidecar.onNotification(GenerateDelta, (delta) => {
    if (delta.streamId !== streamId || review.done) return;
    streamed += delta.text;
    review.update(streamedProposal(review.proposal.oldText, fitted(cleanAnswer(streamed, false))), false);
  });
  const status = vscode.window.setStatusBarMessage(`$(loading~spin) Pylot: editing ${where}…`);
  try {
    await deps.models.ensureLoaded('chat', aborter.signal);
    // The rewritten region mostly copies the one sent: prompt lookup guesses from it.
    const result = await deps.sidecar.request(
      Generate,
      { role: 'chat', messages, maxTokens: 2048, temperature: 0, streamId, copiesInput: true },
      { signal: aborter.signal },
    );
    if (!review.done) review.update(fitted(cleanAnswer(result.text, true)), true);
  } catch (error) {
    if (review.done) return review.result;
    review.end({ kind: 'cancelled' });
    const outcome = reportFailure(
      'Inline edit',
      error instanceof PylotError || error instanceof Error ? error : new PylotError(ErrorCodes.EngineFailed, String(error)),
      deps.log,
    );
    return outcome.kind === 'failed' || outcome.kind === 'refused' ? { kind: outcome.kind, message: outcome.detail } : { kind: 'cancelled' };
  } finally {
    unsubscribe();
    status.dispose();
  }
  const result = await review.result;
  if (result.kind === 'stale' || result.kind === 'failed') void vscode.window.showWarningMessage(`Pylot: ${result.message}`);
  return result;
}
