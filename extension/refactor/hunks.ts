// Splits a proposed rewrite of a text into line hunks, and turns the hunks a user kept into edits
// (character offsets into the old text), so "accept part" applies only what was chosen. Pure: no
// `vscode`, unit-tested.

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

/** Past this many cells the LCS table costs too much; the whole range becomes one hunk. */
const maxCells = 4_000_000;

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** The hunks that turn `oldText` into `newText`: maximal runs of changed lines, by line LCS. */
export function diffHunks(oldText: string, newText: string): Hunk[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  // Common head and tail cost nothing; the LCS table covers only the middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  if (midA.length === 0 && midB.length === 0) return [];
  if (midA.length * midB.length > maxCells) return [{ oldStart: head, oldLines: midA, newStart: head, newLines: midB }];
  return middleHunks(midA, midB).map((hunk) => ({ ...hunk, oldStart: hunk.oldStart + head, newStart: hunk.newStart + head }));
}

function middleHunks(a: readonly string[], b: readonly string[]): Hunk[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  let open: { oldStart: number; newStart: number; oldLines: string[]; newLines: string[] } | undefined;
  const close = () => {
    if (open) hunks.push(open);
    open = undefined;
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      close();
      i++;
      j++;
      continue;
    }
    open ??= { oldStart: i, newStart: j, oldLines: [], newLines: [] };
    if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) open.newLines.push(b[j++]!);
    else open.oldLines.push(a[i++]!);
  }
  close();
  return hunks;
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
