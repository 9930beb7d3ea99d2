// The editable region a next-edit model rewrites (whole lines around the cursor) and the excerpt
// around it, and the model's rewritten region turned back into edits of the document: a line diff
// (jsdiff), each changed run of lines trimmed to the characters that differ.
import { diffLines } from 'diff';
import type { RegionInput } from './formats';

export interface RegionShape {
  /** Lines of the region above and below the cursor's line. */
  readonly above: number;
  readonly below: number;
  /** Lines of excerpt shown around the region. */
  readonly context: number;
}

/** Continue's Instinct window (1 above, 5 below) widened by one: a rename's next use is often just above. */
export const defaultRegionShape: RegionShape = { above: 2, below: 5, context: 10 };

export interface Region {
  /** Offsets of the region in the document: from a line start to a line end (before its break). */
  readonly start: number;
  readonly end: number;
  readonly excerptStart: number;
  readonly excerptEnd: number;
  readonly firstLine: number;
  readonly lastLine: number;
}

export function regionAround(text: string, cursor: number, shape: RegionShape = defaultRegionShape): Region {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineOf = (offset: number) => {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
    return line;
  };
  const endOfLine = (line: number) => (line + 1 < starts.length ? starts[line + 1]! - 1 : text.length);
  const cursorLine = lineOf(cursor);
  const first = Math.max(0, cursorLine - shape.above);
  const last = Math.min(starts.length - 1, cursorLine + shape.below);
  const excerptFirst = Math.max(0, first - shape.context);
  const excerptLast = Math.min(starts.length - 1, last + shape.context);
  return {
    start: starts[first]!,
    end: endOfLine(last),
    excerptStart: starts[excerptFirst]!,
    excerptEnd: excerptLast + 1 < starts.length ? starts[excerptLast + 1]! : text.length,
    firstLine: first + 1,
    lastLine: last + 1,
  };
}

/** The format's input for a region: the excerpt cut around it, the cursor inside it. */
export function regionInput(text: string, region: Region, cursor: number, extra: Pick<RegionInput, 'filename' | 'events' | 'original'>): RegionInput {
  const at = Math.min(Math.max(cursor, region.start), region.end);
  return {
    ...extra,
    above: text.slice(region.excerptStart, region.start),
    regionHead: text.slice(region.start, at),
    regionTail: text.slice(at, region.end),
    below: text.slice(Math.min(region.end + 1, region.excerptEnd), region.excerptEnd),
    atFileStart: region.excerptStart === 0,
    firstLine: region.firstLine,
    lastLine: region.lastLine,
  };
}

export interface RegionEdit {
  /** Offsets in the document. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The edits that turn `current` (the region at `offset` in the document) into `rewritten`. */
export function regionEdits(current: string, rewritten: string, offset: number): RegionEdit[] {
  const edits: RegionEdit[] = [];
  let at = 0;
  let pending: { start: number; removed: string; inserted: string } | undefined;
  const flush = () => {
    if (pending) edits.push(...lineByLine(pending.start, pending.removed, pending.inserted, offset));
    pending = undefined;
  };
  for (const part of diffLines(current, rewritten)) {
    if (!part.added && !part.removed) {
      flush();
      at += part.value.length;
      continue;
    }
    pending ??= { start: at, removed: '', inserted: '' };
    if (part.removed) {
      pending.removed += part.value;
      at += part.value.length;
    } else pending.inserted += part.value;
  }
  flush();
  return edits.filter((edit) => edit.end > edit.start || edit.text.length > 0);
}

/** A run of changed lines that keeps its line count: one edit per changed line, so each is shown and taken on its own. */
function lineByLine(start: number, removed: string, inserted: string, offset: number): RegionEdit[] {
  const before = removed.split('\n');
  const after = inserted.split('\n');
  if (before.length !== after.length) return [trimmed(start, removed, inserted, offset)];
  const edits: RegionEdit[] = [];
  let at = start;
  before.forEach((line, i) => {
    if (line !== after[i]) edits.push(trimmed(at, line, after[i]!, offset));
    at += line.length + 1;
  });
  return edits;
}

/** One changed run of lines, narrowed to the characters that differ (never inside a surrogate pair). */
function trimmed(start: number, removed: string, inserted: string, offset: number): RegionEdit {
  let head = 0;
  while (head < removed.length && head < inserted.length && removed[head] === inserted[head]) head++;
  let tail = 0;
  while (tail < removed.length - head && tail < inserted.length - head && removed[removed.length - 1 - tail] === inserted[inserted.length - 1 - tail]) tail++;
  if (head > 0 && isHighSurrogate(removed.charCodeAt(head - 1))) head--;
  if (tail > 0 && isHighSurrogate(removed.charCodeAt(removed.length - tail - 1))) tail--;
  return { start: offset + start + head, end: offset + start + removed.length - tail, text: inserted.slice(head, inserted.length - tail) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
