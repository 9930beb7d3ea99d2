// The edit history as a prompt reads it: one unified diff per group, named by the file's workspace
// name, newest kept first when the token cap cuts, printed oldest first. Files the context boundary
// refuses (ignored, outside the workspace) are left out here, where the text would leave the mirror.
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';
import { changeOf, type EditHistory } from './editHistory';

export interface HistoryDiff {
  readonly uri: string;
  /** The file as the prompt names it (workspace-relative where it can be). */
  readonly filename: string;
  /** A unified diff with `--- a/name` / `+++ b/name` headers. */
  readonly diff: string;
}

export interface DiffOptions {
  /** The most tokens all diffs together may take (estimated: ~3 characters a token for code). */
  readonly maxTokens: number;
  /** May this document's text go into a prompt? */
  readonly allows: (uri: string) => boolean;
  readonly filenameOf: (uri: string) => string;
  /** Unchanged lines around each change. */
  readonly contextLines?: number;
}

/** Code runs about 3 characters a token: the estimate errs high, so a prompt fitted to it fits. */
export function estimatedTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

export function historyDiffs(history: EditHistory, options: DiffOptions): HistoryDiff[] {
  const diffs: HistoryDiff[] = [];
  let tokens = 0;
  for (const group of [...history.groups].reverse()) {
    if (!options.allows(group.uri)) continue;
    const change = changeOf(history, group);
    if (!change) continue;
    const filename = options.filenameOf(group.uri);
    const diff = unifiedDiff(filename, change.before, change.after, change.start, change.removed.length, change.inserted.length, options.contextLines ?? 2);
    tokens += estimatedTokens(diff);
    if (tokens > options.maxTokens) break;
    diffs.push({ uri: group.uri, filename, diff });
  }
  return diffs.reverse();
}

/** A unified diff of one change, made from the lines around it only (not the whole file). */
export function unifiedDiff(filename: string, before: string, after: string, start: number, removed: number, inserted: number, context: number): string {
  const firstLine = lineStart(before, start, context);
  const beforeEnd = lineEnd(before, start + removed, context);
  const afterEnd = lineEnd(after, start + inserted, context);
  const lineOffset = countLines(before, firstLine);
  const patch = structuredPatch(`a/${filename}`, `b/${filename}`, before.slice(firstLine, beforeEnd), after.slice(firstLine, afterEnd), undefined, undefined, {
    context,
  });
  for (const hunk of patch.hunks) {
    hunk.oldStart += lineOffset;
    hunk.newStart += lineOffset;
  }
  return formatPatch(patch, FILE_HEADERS_ONLY).trimEnd();
}

/** The start of the line `context` lines above the one holding `offset`. */
function lineStart(text: string, offset: number, context: number): number {
  let at = text.lastIndexOf('\n', offset - 1);
  for (let i = 0; i < context && at > 0; i++) at = text.lastIndexOf('\n', at - 1);
  return at + 1;
}

/** The end (after its newline) of the line `context` lines below the one holding `offset`. */
function lineEnd(text: string, offset: number, context: number): number {
  let at = text.indexOf('\n', offset);
  for (let i = 0; i < context && at >= 0; i++) at = text.indexOf('\n', at + 1);
  return at < 0 ? text.length : at + 1;
}

function countLines(text: string, end: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}
