// The one review flow every proposed change goes through (chat Apply, agent edits, refactor
// commands, inline edit): the file shown in a read-only review editor with each hunk's old lines
// struck through above its new lines, Accept / Reject CodeLens above each hunk and keyboard
// commands; once every hunk is decided, the kept ones are applied to the real file as one
// WorkspaceEdit (one undo), never over a file that changed meanwhile. The real buffer is never
// touched before that. Stable APIs only: a virtual document, decorations, CodeLens, commands.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProposedDocuments } from '../proposedDocuments';
import { diffHunks, type Hunk } from './hunks';
import { applyProposal, isCurrent, type Proposal } from './proposal';
import { paint } from './reviewDecorations';
import { nextPending, renderView, spanAt, type HunkState, type ReviewView } from './reviewView';

/** How a review ended. */
export type ReviewResult =
  | { readonly kind: 'applied'; readonly kept: number; readonly rejected: number }
  | { readonly kind: 'rejected' | 'unchanged' | 'cancelled' }
  | { readonly kind: 'stale' | 'failed'; readonly message: string };

/** A review waiting for the user; tests (and the commands) decide through it. */
export interface PendingReview {
  readonly proposal: Proposal;
  readonly hunks: readonly Hunk[];
  /** The review editor's document: the view with old and new lines. */
  readonly viewUri: vscode.Uri;
  /** Whether the proposal is still arriving (inline edit streams it). */
  readonly streaming: boolean;
  /** Keeps the hunks at these indexes (all when omitted), rejects the rest, and applies. */
  accept(indexes?: readonly number[]): void;
  reject(): void;
  /** Decides one hunk; the review applies once none is left pending. */
  decide(index: number, state: 'accepted' | 'rejected'): void;
  readonly result: Promise<ReviewResult>;
}

export class Review implements PendingReview {
  readonly hunks: Hunk[] = [];
  readonly result: Promise<ReviewResult>;
  private states: HunkState[] = [];
  private view: ReviewView = { text: '', spans: [] };
  private newText: string;
  private streamingNow: boolean;
  private settle!: (result: ReviewResult) => void;
  private ended = false;
  /** The file's text around the region, so the view shows the change in place. */
  private readonly before: string;
  private readonly after: string;
  private readonly firstLine: number;

  constructor(
    readonly proposal: Proposal,
    readonly viewUri: vscode.Uri,
    text: { before: string; after: string },
    streaming: boolean,
    private readonly owner: Reviews,
  ) {
    this.before = text.before;
    this.after = text.after;
    this.firstLine = proposal.range?.start.line ?? 0;
    this.newText = proposal.newText;
    this.streamingNow = streaming;
    this.result = new Promise((resolve) => (this.settle = resolve));
    this.rediff();
  }

  /** The whole text the review editor shows, and where each hunk's lines are in it. */
  get shown(): ReviewView {
    const offset = this.firstLine;
    return { text: this.before + this.view.text + this.after, spans: this.view.spans.map((s) => shift(s, offset)) };
  }

  get done(): boolean {
    return this.ended;
  }

  /** Whether the proposal is still arriving. */
  get streaming(): boolean {
    return this.streamingNow;
  }

  /** A proposal still arriving: the new text so far (see streamedProposal), and whether it is complete. */
  update(newText: string, final: boolean): void {
    if (this.ended) return;
    this.newText = newText.replace(/\r?\n/g, this.proposal.eol);
    this.streamingNow = !final;
    this.rediff();
    this.owner.rendered(this);
    if (final) this.finishIfDecided();
  }

  accept(indexes?: readonly number[]): void {
    const kept = new Set(indexes ?? this.hunks.map((_, index) => index));
    this.states = this.hunks.map((_, index) => (kept.has(index) ? 'accepted' : 'rejected'));
    this.streamingNow = false;
    this.changed();
  }

  reject(): void {
    this.states = this.hunks.map(() => 'rejected');
    this.streamingNow = false;
    this.changed();
  }

  decide(index: number, state: 'accepted' | 'rejected'): void {
    if (this.ended || this.states[index] !== 'pending') return;
    this.states[index] = state;
    this.changed();
  }

  /** Decides every hunk still pending. */
  decideRest(state: 'accepted' | 'rejected'): void {
    this.states = this.states.map((s) => (s === 'pending' ? state : s));
    this.streamingNow = false;
    this.changed();
  }

  /** Ends the review with nothing applied (the model failed, or the file changed). */
  end(result: ReviewResult): void {
    if (this.ended) return;
    this.ended = true;
    // Settled once the review editor is gone, so whoever waits finds the user back in the file.
    void this.owner.closed(this).finally(() => this.settle(result));
  }

  /** The hunk a command at `line` of the review editor acts on. */
  spanAt(line: number) {
    return spanAt(this.shown.spans, line);
  }

  nextPending(line: number, back: boolean): number | undefined {
    return nextPending(this.shown.spans, line, back);
  }

  private rediff(): void {
    // Decisions made while the text still streams stay with the hunks whose text is unchanged.
    const decided = new Map(this.hunks.map((hunk, i) => [key(hunk), this.states[i]!]));
    this.hunks.splice(0, this.hunks.length, ...diffHunks(this.proposal.oldText, this.newText));
    this.states = this.hunks.map((hunk) => decided.get(key(hunk)) ?? 'pending');
    this.view = renderView(this.proposal.oldText, this.hunks, this.states, this.proposal.eol);
  }

  private changed(): void {
    if (this.ended) return;
    this.view = renderView(this.proposal.oldText, this.hunks, this.states, this.proposal.eol);
    this.owner.rendered(this);
    this.finishIfDecided();
  }

  private finishIfDecided(): void {
    if (this.streamingNow || this.ended || this.states.includes('pending')) return;
    void this.apply();
  }

  private async apply(): Promise<void> {
    this.ended = true;
    const kept = this.hunks.filter((_, i) => this.states[i] === 'accepted');
    const rejected = this.hunks.length - kept.length;
    let result: ReviewResult;
    if (!this.hunks.length) result = { kind: 'unchanged' };
    else if (!kept.length) result = { kind: 'rejected' };
    else if (!isCurrent(this.proposal)) result = staleResult(this.proposal);
    else {
      const applied = await applyProposal({ ...this.proposal, newText: this.newText }, kept);
      result =
        applied === 'applied'
          ? { kind: 'applied', kept: kept.length, rejected }
          : applied === 'stale'
            ? staleResult(this.proposal)
            : { kind: 'failed', message: `VS Code did not apply the change to ${path.basename(this.proposal.uri.path)}.` };
    }
    await this.owner.closed(this);
    this.settle(result);
  }
}

/** Owns the review editors: their documents, decorations, CodeLens, commands and context key. */
export class Reviews implements vscode.Disposable, vscode.CodeLensProvider {
  private readonly open = new Map<string, Review>();
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  private readonly shownEmitter = new vscode.EventEmitter<PendingReview>();
  private readonly disposables: vscode.Disposable[];
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  /** A review editor opened (tests take the user's part through it). */
  readonly onDidShowReview = this.shownEmitter.event;

  constructor(private readonly documents: ProposedDocuments) {
    const command = (id: string, run: (review: Review, editor: vscode.TextEditor, arg?: unknown) => void) =>
      vscode.commands.registerCommand(id, (arg?: unknown) => {
        const editor = vscode.window.activeTextEditor;
        const review = editor && this.open.get(editor.document.uri.toString());
        if (!review || !editor) return void vscode.window.showInformationMessage('Pylot: no proposed change is under review in this editor.');
        run(review, editor, arg);
      });
    const decideAt = (state: 'accepted' | 'rejected') => (review: Review, editor: vscode.TextEditor, arg?: unknown) => {
      const index = typeof arg === 'number' ? arg : review.spanAt(editor.selection.active.line)?.index;
      if (index !== undefined) review.decide(index, state);
    };
    const move = (back: boolean) => (review: Review, editor: vscode.TextEditor) => {
      const line = review.nextPending(editor.selection.active.line, back);
      if (line === undefined) return;
      editor.selection = new vscode.Selection(line, 0, line, 0);
      editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    };
    this.disposables = [
      vscode.languages.registerCodeLensProvider({ scheme: ProposedDocuments.scheme }, this),
      command('pylot.review.acceptHunk', decideAt('accepted')),
      command('pylot.review.rejectHunk', decideAt('rejected')),
      command('pylot.review.acceptAll', (review) => review.decideRest('accepted')),
      command('pylot.review.rejectAll', (review) => review.decideRest('rejected')),
      command('pylot.review.nextHunk', move(false)),
      command('pylot.review.previousHunk', move(true)),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.setContext(editor)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorateAll()),
      // Closing the review editor is rejecting what is still undecided (nothing is written).
      vscode.window.tabGroups.onDidChangeTabs(({ closed }) => {
        for (const tab of closed) {
          const review = tab.input instanceof vscode.TabInputText ? this.open.get(tab.input.uri.toString()) : undefined;
          review?.end({ kind: 'rejected' });
        }
      }),
      vscode.workspace.onDidChangeTextDocument(({ document, contentChanges }) => {
        const review = this.open.get(document.uri.toString());
        if (review) {
          // The editor now holds the new view: its decorations and lenses follow it.
          this.lensesChanged.fire();
          return this.decorate(review);
        }
        if (!contentChanges.length) return;
        // The file under review changed: what the user is deciding on no longer fits it.
        for (const other of this.open.values()) {
          if (other.proposal.uri.toString() === document.uri.toString() && !isCurrent(other.proposal)) other.end(staleResult(other.proposal));
        }
      }),
      this.lensesChanged,
      this.shownEmitter,
    ];
  }

  /**
   * Opens a review of `proposal` where the user's editor of that file is (else the active column).
   * `streaming`: the new text is still arriving (call update(); the review waits for the last one).
   */
  async start(proposal: Proposal, options: { streaming?: boolean } = {}): Promise<Review> {
    const document = proposal.range ? await vscode.workspace.openTextDocument(proposal.uri) : undefined;
    const text =
      document && proposal.range
        ? {
            before: document.getText(new vscode.Range(new vscode.Position(0, 0), proposal.range.start)),
            after: document.getText(new vscode.Range(proposal.range.end, document.lineAt(document.lineCount - 1).range.end)),
          }
        : { before: '', after: '' };
    const viewUri = this.documents.add('', reviewName(proposal.uri));
    const review = new Review(proposal, viewUri, text, options.streaming === true, this);
    if (!options.streaming && !review.hunks.length) {
      review.end({ kind: 'unchanged' });
      return review;
    }
    this.open.set(viewUri.toString(), review);
    this.documents.update(viewUri, review.shown.text);
    const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === proposal.uri.toString())?.viewColumn;
    const first = review.shown.spans[0]?.removedStart ?? this.firstLineOf(proposal);
    await vscode.window.showTextDocument(viewUri, {
      viewColumn: column ?? vscode.ViewColumn.Active,
      preview: false,
      selection: new vscode.Range(first, 0, first, 0),
    });
    this.setContext(vscode.window.activeTextEditor);
    this.decorate(review);
    this.shownEmitter.fire(review);
    return review;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const review = this.open.get(document.uri.toString());
    // Lenses for a text the editor does not hold yet would land on the wrong lines.
    if (!review || review.done || document.getText() !== review.shown.text) return [];
    const { spans } = review.shown;
    const pending = spans.filter((span) => span.state === 'pending');
    return pending.flatMap((span, i) => {
      const at = new vscode.Range(span.removedStart, 0, span.removedStart, 0);
      const lenses = [
        new vscode.CodeLens(at, {
          title: '$(check) Accept',
          tooltip: 'Keep this change (Ctrl+Alt+Y)',
          command: 'pylot.review.acceptHunk',
          arguments: [span.index],
        }),
        new vscode.CodeLens(at, {
          title: '$(close) Reject',
          tooltip: 'Drop this change (Ctrl+Alt+N)',
          command: 'pylot.review.rejectHunk',
          arguments: [span.index],
        }),
      ];
      if (i === 0 && pending.length > 1)
        lenses.push(
          new vscode.CodeLens(at, { title: `Accept all ${pending.length}`, tooltip: 'Ctrl+Shift+Enter', command: 'pylot.review.acceptAll' }),
          new vscode.CodeLens(at, { title: 'Reject all', tooltip: 'Ctrl+Shift+Backspace', command: 'pylot.review.rejectAll' }),
        );
      return lenses;
    });
  }

  /** A review's view changed: new text for its document, then new decorations and lenses. */
  rendered(review: Review): void {
    this.documents.update(review.viewUri, review.shown.text);
    this.lensesChanged.fire();
  }

  /** A review ended: its editor closes and the user is back in the file. */
  async closed(review: Review): Promise<void> {
    this.open.delete(review.viewUri.toString());
    this.lensesChanged.fire();
    const tabs = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === review.viewUri.toString());
    const column = tabs[0]?.group.viewColumn;
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
    await this.documents.close(review.viewUri);
    if (review.proposal.range) await vscode.window.showTextDocument(review.proposal.uri, { viewColumn: column, preview: false });
    this.setContext(vscode.window.activeTextEditor);
  }

  dispose(): void {
    for (const review of [...this.open.values()]) review.end({ kind: 'cancelled' });
    for (const disposable of this.disposables) disposable.dispose();
  }

  private firstLineOf(proposal: Proposal): number {
    return proposal.range?.start.line ?? 0;
  }

  private decorateAll(): void {
    for (const review of this.open.values()) this.decorate(review);
  }

  /** Decorations go on once the editor holds the view's current text (the content provider answers asynchronously). */
  private decorate(review: Review): void {
    const { text, spans } = review.shown;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== review.viewUri.toString() || editor.document.getText() !== text) continue;
      paint(editor, spans);
    }
  }

  private setContext(editor: vscode.TextEditor | undefined): void {
    const reviewing = editor !== undefined && this.open.has(editor.document.uri.toString());
    void vscode.commands.executeCommand('setContext', 'pylot.reviewing', reviewing);
  }
}

function shift<T extends { removedStart: number; removedEnd: number; insertedStart: number; insertedEnd: number }>(span: T, by: number): T {
  return {
    ...span,
    removedStart: span.removedStart + by,
    removedEnd: span.removedEnd + by,
    insertedStart: span.insertedStart + by,
    insertedEnd: span.insertedEnd + by,
  };
}

/** "math (Pylot review).ts": a tab the user tells from the file's own, in the file's language. */
function reviewName(uri: vscode.Uri): string {
  const name = path.basename(uri.path) || 'untitled';
  const ext = path.extname(name);
  return ext && ext !== name ? `${name.slice(0, -ext.length)} (Pylot review)${ext}` : `${name} (Pylot review)`;
}

function key(hunk: Hunk): string {
  return JSON.stringify([hunk.oldStart, hunk.oldLines, hunk.newLines]);
}

function staleResult(proposal: Proposal): ReviewResult {
  const name = path.basename(proposal.uri.path);
  return { kind: 'stale', message: `${name} changed while Pylot's change was under review, so nothing was applied. Ask again to see a new proposal.` };
}
