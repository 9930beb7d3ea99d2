// What the review editor shows: the proposed region as one text holding, for each undecided hunk,
// its old lines (struck through) above its new lines, and for a decided hunk only the lines it
// leaves. Pure: no `vscode`, unit-tested; reviewSession.ts turns the spans into decorations and
// CodeLens, and streamedProposal.ts feeds it a proposal still arriving.
import { diffArrays } from 'diff';
import { splitLines, type Hunk } from './hunks';

export type HunkState = 'pending' | 'accepted' | 'rejected';

export interface HunkSpan {
  readonly index: number;
  readonly state: HunkState;
  /** Lines of the view (0-based, end exclusive) showing the old lines a pending hunk removes. */
  readonly removedStart: number;
  readonly removedEnd: number;
  /** Lines of the view showing the new lines (for an accepted hunk: what it put there). */
  readonly insertedStart: number;
  readonly insertedEnd: number;
}

export interface ReviewView {
  readonly text: string;
  readonly spans: readonly HunkSpan[];
}

/** The view of `oldText` with `hunks` (from diffHunks(oldText, …)) in their states, lines joined with `eol`. */
export function renderView(oldText: string, hunks: readonly Hunk[], states: readonly HunkState[], eol = '\n'): ReviewView {
  const old = splitLines(oldText);
  const lines: string[] = [];
  const spans: HunkSpan[] = [];
  let at = 0;
  hunks.forEach((hunk, index) => {
    lines.push(...old.slice(at, hunk.oldStart));
    const state = states[index] ?? 'pending';
    const removedStart = lines.length;
    if (state !== 'accepted') lines.push(...hunk.oldLines);
    const removedEnd = state === 'pending' ? lines.length : removedStart;
    const insertedStart = lines.length;
    if (state !== 'rejected') lines.push(...hunk.newLines);
    spans.push({ index, state, removedStart, removedEnd, insertedStart, insertedEnd: state === 'rejected' ? insertedStart : lines.length });
    at = hunk.oldStart + hunk.oldLines.length;
  });
  lines.push(...old.slice(at));
  return { text: lines.join(eol), spans };
}

/** The span a command at `line` of the view acts on: the one holding it, else the next pending one, else the first pending. */
export function spanAt(spans: readonly HunkSpan[], line: number): HunkSpan | undefined {
  const pending = spans.filter((span) => span.state === 'pending');
  return (
    pending.find((span) => line >= span.removedStart && line < Math.max(span.insertedEnd, span.removedStart + 1)) ??
    pending.find((span) => span.removedStart > line) ??
    pending[0]
  );
}

/** The first line of the next (or, `back`, previous) pending hunk from `line`, wrapping around. */
export function nextPending(spans: readonly HunkSpan[], line: number, back = false): number | undefined {
  const starts = spans.filter((span) => span.state === 'pending').map((span) => span.removedStart);
  if (!starts.length) return undefined;
  if (back) return [...starts].reverse().find((start) => start < line) ?? starts.at(-1);
  return starts.find((start) => start > line) ?? starts[0];
}

/**
 * While a model is still writing the new text of a region: the new text so far, completed with
 * the old lines it has not reached yet, so the view shows only what the model changed (and no
 * deletion of everything below the last streamed line). Only whole lines count: a half-written
 * line would flicker as a change.
 */
export function streamedProposal(oldText: string, streamed: string): string {
  const old = splitLines(oldText);
  const complete = splitLines(streamed).slice(0, -1);
  if (!complete.length) return oldText;
  // The old lines up to the last line the model repeated unchanged are behind it.
  let oldAt = 0;
  let reached = 0;
  for (const change of diffArrays(old, complete)) {
    if (!change.added) oldAt += change.count;
    if (!change.added && !change.removed) reached = oldAt;
  }
  return [...complete, ...old.slice(reached)].join('\n');
}
