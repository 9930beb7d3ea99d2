// Model-free next edits: from the user's latest change in a document (the edit history), each rule
// (rules/) proposes edits or places; this file merges them, drops what would repeat the last edit
// back or undo it, and orders them by distance from the cursor. Secret files get nothing.
import { fileURLToPath } from 'node:url';
import { isSecretPath } from '../../protocol/secretFiles';
import type { Tree } from '../context/grammars';
import { changeOf, type EditHistory, type GroupChange } from './editHistory';
import { callSitesRule } from './rules/callSites';
import { renameRule } from './rules/rename';
import { repeatRule } from './rules/repeat';
import type { Rule, RuleInput, Suggestion } from './suggestion';

export const rules: readonly Rule[] = [renameRule, repeatRule, callSitesRule];
const maxSuggestions = 50;

export interface SuggestDocument {
  readonly uri: string;
  readonly languageId: string;
  readonly text: string;
}

/** The latest change in `uri` (while it is still that file's open group) and the change before it. */
export function recentChanges(history: EditHistory, uri: string): { last: GroupChange; previous: GroupChange | undefined } | undefined {
  const groups = history.groups;
  for (let i = groups.length - 1; i >= 0; i--) {
    const group = groups[i]!;
    if (group.uri !== uri) continue;
    if (group.after !== undefined) return undefined;
    const last = changeOf(history, group);
    if (!last) return undefined;
    let previous: GroupChange | undefined;
    for (let j = i - 1; j >= 0 && !previous; j--) previous = changeOf(history, groups[j]!);
    return { last, previous };
  }
  return undefined;
}

export function suggestNextEdits(document: SuggestDocument, tree: Tree | undefined, history: EditHistory, cursor: number): Suggestion[] {
  if (isSecretUri(document.uri)) return [];
  const changes = recentChanges(history, document.uri);
  if (!changes || changes.last.after !== document.text) return [];
  const input: RuleInput = { languageId: document.languageId, text: document.text, tree, ...changes };
  const seen = new Set<string>();
  const kept: Suggestion[] = [];
  for (const rule of rules) {
    for (const suggestion of rule(input)) {
      const key = `${suggestion.start}:${suggestion.end}:${suggestion.text ?? ''}`;
      if (seen.has(key) || !worthOffering(suggestion, input)) continue;
      seen.add(key);
      kept.push(suggestion);
    }
  }
  return byDistance(kept, cursor).slice(0, maxSuggestions);
}

/** Nearest to the cursor first. */
export function byDistance(suggestions: Suggestion[], cursor: number): Suggestion[] {
  return suggestions.sort((a, b) => distance(a, cursor) - distance(b, cursor) || a.start - b.start);
}

/** Not a no-op, not on the span the user just changed (that would repeat it back), not an undo of it. */
function worthOffering(suggestion: Suggestion, { text, last }: RuleInput): boolean {
  const { start, end } = suggestion;
  if (start < 0 || end < start || end > text.length) return false;
  const lastEnd = last.start + last.inserted.length;
  if (start < lastEnd && end > last.start) return false;
  if (start === end && (start === last.start || start === lastEnd) && suggestion.text !== undefined) return false;
  if (suggestion.text === undefined) return true;
  return !undoes({ start, end, text: suggestion.text }, text, last);
}

/** A no-op, or an edit whose result is the text before the user's last change (an undo). */
export function undoes(edit: { readonly start: number; readonly end: number; readonly text: string }, text: string, last: GroupChange): boolean {
  const { start, end } = edit;
  if (text.slice(start, end) === edit.text) return true;
  const applied = text.length - (end - start) + edit.text.length;
  return applied === last.before.length && text.slice(0, start) + edit.text + text.slice(end) === last.before;
}

function distance(suggestion: Suggestion, cursor: number): number {
  return suggestion.start >= cursor ? suggestion.start - cursor : cursor - suggestion.end + 0.5;
}

export function isSecretUri(uri: string): boolean {
  try {
    return isSecretPath(uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(uri.replace(/^[a-z-]+:/i, '')));
  } catch {
    return true;
  }
}
