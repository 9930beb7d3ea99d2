// Splits a proposed rewrite of a text into line hunks, and turns the hunks a user kept into edits
// (character offsets into the old text), so "accept part" applies only what was chosen. Pure: no
// `vscode`, unit-tested. The line diff itself is jsdiff's.

import { diffArrays } from 'diff';

export interface Hunk {
  /** First old line the hunk replaces (0-based); for a pure insertion, the line it goes before. */
  readonly oldStart: number;
  readonly oldLines: readonly string[];
  /** Where the hunk's lines start in the new text (0-based). */
  readonly newStart: number;
  readonly newLines: readonly string[];
}

export interface TextChange {
  /** Offsets into the old text, joined with '\n'. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Past this many changed lines the line diff gives up and the whole changed range becomes one
 * hunk. Myers' diff costs O(N·D) in the number of changes D, not in the text's size: a few changes
 * in a 50,000-line file take a millisecond, while a 5,000-line rewrite capped here took ~230 ms
 * (2 busy cores) instead of seconds. Deterministic, unlike a time limit.
 */
const maxChangedLines = 1_000;

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** The hunks that turn `oldText` into `newText`: maximal runs of changed lines (jsdiff's line diff). */
export function diffHunks(oldText: string, newText: string): Hunk[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  // Lines are compared as whole strings, so CRLF and LF texts diff the same.
  const changes = diffArrays(a, b, { maxEditLength: maxChangedLines });
  if (!changes) return wholeRange(a, b);
  const hunks: Hunk[] = [];
  let oldAt = 0;
  let newAt = 0;
  let open: { oldStart: number; newStart: number; oldLines: string[]; newLines: string[] } | undefined;
  for (const change of changes) {
    if (!change.added && !change.removed) {
      if (open) hunks.push(open);
      open = undefined;
      oldAt += change.count;
      newAt += change.count;
      continue;
    }
    open ??= { oldStart: oldAt, newStart: newAt, oldLines: [], newLines: [] };
    if (change.added) {
      open.newLines.push(...change.value);
      newAt += change.count;
    } else {
      open.oldLines.push(...change.value);
      oldAt += change.count;
    }
  }
  if (open) hunks.push(open);
  return hunks;
}

/** One hunk from the first differing line to the last, when the diff gave up. */
function wholeRange(a: readonly string[], b: readonly string[]): Hunk[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  if (head === a.length && head === b.length) return [];
  return [{ oldStart: head, oldLines: a.slice(head, a.length - tail), newStart: head, newLines: b.slice(head, b.length - tail) }];
}

/**
 * The edits that apply the chosen hunks to the old text (lines joined with `eol`). Applying every
 * hunk gives the new text exactly; unchosen hunks leave their lines as they were.
 */
export function hunkChanges(oldText: string, hunks: readonly Hunk[], eol = '\n'): TextChange[] {
  const lines = splitLines(oldText);
  const lineStart: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStart.push(offset);
    offset += line.length + eol.length;
  }
  const lineEnd = (line: number) => lineStart[line]! + lines[line]!.length;
  const textEnd = lineEnd(lines.length - 1);
  return hunks.map(({ oldStart: i, oldLines, newLines }): TextChange => {
    const k = oldLines.length;
    const text = newLines.join(eol);
    if (k > 0 && newLines.length > 0) return { start: lineStart[i]!, end: lineEnd(i + k - 1), text };
    if (k > 0) {
      // A deletion takes one line break with it: the one after, or at the very end the one before.
      if (i + k < lines.length) return { start: lineStart[i]!, end: lineStart[i + k]!, text: '' };
      return { start: i > 0 ? lineEnd(i - 1) : 0, end: textEnd, text: '' };
    }
    if (i < lines.length) return { start: lineStart[i]!, end: lineStart[i]!, text: text + eol };
    return { start: textEnd, end: textEnd, text: eol + text };
  });
}

/** The old text with the changes applied (they must not overlap). */
export function applyChanges(oldText: string, changes: readonly TextChange[]): string {
  let result = oldText;
  for (const change of [...changes].sort((x, y) => y.start - x.start)) result = result.slice(0, change.start) + change.text + result.slice(change.end);
  return result;
}

/**
 * `newText` with the hunks at `rejected` (indexes into diffHunks' list) left as they were in `oldText`:
 * what a user who kept the other hunks wants written. Indexes out of range are ignored. Undefined
 * when `oldText` mixes CRLF and LF line endings (a part of the change cannot be placed exactly).
 */
export function keepHunks(oldText: string, newText: string, rejected: Iterable<number>): { text: string; kept: number; total: number } | undefined {
  const hunks = diffHunks(oldText, newText);
  const dropped = new Set(rejected);
  const kept = hunks.filter((_, index) => !dropped.has(index));
  if (kept.length === hunks.length) return { text: newText, kept: kept.length, total: hunks.length };
  const eol = partLineEnding(oldText);
  if (eol === undefined) return undefined;
  return { text: applyChanges(oldText, hunkChanges(oldText, kept, eol)), kept: kept.length, total: hunks.length };
}

/**
 * The line ending a part of a change to `oldText` is placed with; undefined when the text mixes CRLF
 * and LF (the offsets assume one line ending throughout, so a part cannot be placed exactly).
 */
export function partLineEnding(oldText: string): string | undefined {
  const crlf = oldText.split('\r\n').length - 1;
  const lf = oldText.split('\n').length - 1;
  if (crlf > 0 && crlf < lf) return undefined;
  return crlf ? '\r\n' : '\n';
}
