// The user's recent edits, the input of next-edit suggestions: every edit the document mirror
// applies is coalesced into a group (the edits at one place of one file, one after another), and a
// group is kept as the text before its first edit (the store's own string) and a span, so a
// keystroke costs a few comparisons and no copy. Diffs are made only when asked (historyDiffs.ts). Secret files are never
// recorded; a whole-document replace (a file reloaded from disk) or edits to many files at once (a
// git checkout) are not the user's typing: they reset the history instead of joining it.
import { fileURLToPath } from 'node:url';
import { isSecretPath } from '../../protocol/secretFiles';
import type { Edit } from '../documents/store';

export interface EditGroup {
  readonly uri: string;
  /** The document's text before the group's first edit. */
  readonly before: string;
  /** Its text after the group's last edit, once a later group took over; until then the live text. */
  after: string | undefined;
  /** Where the texts start to differ (the same offset in both). */
  start: number;
  /** How many characters at the end both texts share after the change. */
  tail: number;
  /** When the last edit joined, in ms. */
  at: number;
  edits: number;
}

export interface HistoryDeps {
  /** The mirrored document's text now: the text after a file's latest group. */
  readonly textOf: (uri: string) => string | undefined;
  readonly now?: () => number;
}

/** Groups kept; the oldest goes first. */
export const maxGroups = 16;
/**
 * An edit joins the last group when no more than this many line breaks lie between them, and it
 * comes within `pauseMs`: typing on one line is one change, the same change on the next line is
 * another (the repeat rule needs them apart).
 */
const joinLines = 0;
const pauseMs = 60_000;
/** Edits to this many files within `burstMs` are one external change (a checkout), not typing. */
const burstFiles = 4;
const burstMs = 1_000;
/** Bigger documents are not tracked (as they are not parsed). */
const maxTrackedChars = 1_000_000;

export class EditHistory {
  private list: EditGroup[] = [];
  private readonly secret = new Map<string, boolean>();
  private burst: { readonly since: number; readonly uris: Set<string> } | undefined;
  private readonly now: () => number;
  /** Bumped on every reset, so a caller can tell that what it read is gone. */
  generation = 0;

  constructor(private readonly deps: HistoryDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The groups, oldest first. */
  get groups(): readonly EditGroup[] {
    return this.list;
  }

  /** Called with each edit the mirror has applied to `uri`. */
  record(uri: string, edit: Edit): void {
    if (this.isSecret(uri)) return;
    const now = this.now();
    if (this.isBurst(uri, now)) return this.reset();
    const oldLength = edit.textBefore.length;
    if (edit.start === 0 && edit.removed === oldLength && oldLength > 0 && edit.inserted.length > 0) return this.reset(uri);
    if (oldLength - edit.removed + edit.inserted.length > maxTrackedChars || oldLength > maxTrackedChars) return this.reset(uri);
    const last = this.list.at(-1);
    if (last && last.uri === uri && last.after === undefined && now - last.at < pauseMs && near(last, edit)) {
      last.start = Math.min(last.start, edit.start);
      last.tail = Math.min(last.tail, oldLength - edit.start - edit.removed);
      last.at = now;
      last.edits++;
      return;
    }
    // A new group: the file's previous one is closed with the text as it was before this edit.
    const before = edit.textBefore;
    for (const group of this.list) if (group.uri === uri && group.after === undefined) group.after = before;
    this.list.push({ uri, before, after: undefined, start: edit.start, tail: oldLength - edit.start - edit.removed, at: now, edits: 1 });
    if (this.list.length > maxGroups) this.list.shift();
  }

  /** Forgets the history of one file, or of every file. */
  reset(uri?: string): void {
    this.list = uri === undefined ? [] : this.list.filter((group) => group.uri !== uri);
    this.generation++;
  }

  /** A group's text after it: its own snapshot, or the live document for the file's open group. */
  afterOf(group: EditGroup): string | undefined {
    return group.after ?? this.deps.textOf(group.uri);
  }

  private isSecret(uri: string): boolean {
    let secret = this.secret.get(uri);
    if (secret === undefined) {
      secret = isSecretPath(pathOf(uri));
      if (this.secret.size > 1_000) this.secret.clear();
      this.secret.set(uri, secret);
    }
    return secret;
  }

  /** True when this edit makes `burstFiles` files edited within `burstMs`. */
  private isBurst(uri: string, now: number): boolean {
    if (!this.burst || now - this.burst.since > burstMs) this.burst = { since: now, uris: new Set() };
    this.burst.uris.add(uri);
    return this.burst.uris.size >= burstFiles;
  }
}

/** The change a group made: the differing span of its two texts. */
export interface GroupChange {
  readonly uri: string;
  readonly before: string;
  readonly after: string;
  readonly start: number;
  readonly removed: string;
  readonly inserted: string;
}

/** What a group changed, trimmed to where its texts really differ; undefined when it undid itself. */
export function changeOf(history: EditHistory, group: EditGroup): GroupChange | undefined {
  const after = history.afterOf(group);
  if (after === undefined) return undefined;
  const { before } = group;
  let start = Math.min(group.start, before.length, after.length);
  let beforeEnd = Math.max(start, before.length - group.tail);
  let afterEnd = Math.max(start, after.length - group.tail);
  while (start < beforeEnd && start < afterEnd && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  while (beforeEnd > start && afterEnd > start && before.charCodeAt(beforeEnd - 1) === after.charCodeAt(afterEnd - 1)) {
    beforeEnd--;
    afterEnd--;
  }
  if (beforeEnd === start && afterEnd === start) return undefined;
  return { uri: group.uri, before, after, start, removed: before.slice(start, beforeEnd), inserted: after.slice(start, afterEnd) };
}

/**
 * The edit lies within `joinLines` lines of the group's span, both read in the text before the edit
 * (the string the store has already flattened: reading the new one would make V8 copy it).
 */
function near(group: EditGroup, edit: Edit): boolean {
  const text = edit.textBefore;
  const spanStart = group.start;
  const spanEnd = text.length - group.tail;
  const editEnd = edit.start + edit.removed;
  if (edit.start <= spanEnd && editEnd >= spanStart) return true;
  const [from, to] = edit.start > spanEnd ? [spanEnd, edit.start] : [editEnd, spanStart];
  if (to - from > 4_000) return false;
  let lines = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) if (++lines > joinLines) return false;
  return true;
}

function pathOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(uri.replace(/^[a-z-]+:/i, ''));
  } catch {
    return uri;
  }
}
