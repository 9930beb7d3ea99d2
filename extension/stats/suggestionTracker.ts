// What became of each completion suggestion, from the document's own edits: typed through (still
// the same suggestion), taken whole, by a word or by a line, or dismissed; and whether the taken
// text is still there 30 s and 5 min later. Platform-free: offsets and text changes in, counts out
// (usageService.ts adapts VS Code's events). VS Code's partial-accept callback is a proposed API,
// so a partial accept is recognised as a multi-character insert of the suggestion's next part.
import { diffChars } from 'diff';
import type { AcceptKind, RowKey, SurvivalSlot, UsageCounters } from './usageCounters';

/** One edit, in the document's offsets before the edit. */
export interface TextChange {
  readonly offset: number;
  readonly removed: number;
  readonly inserted: string;
}

export interface TrackerDeps {
  readonly counters: UsageCounters;
  /** When survival is checked after an accept; tests pass short delays. */
  readonly delaysMs: Readonly<Record<SurvivalSlot, number>>;
  /** Runs `run` after `ms`; returns a cancel. */
  readonly timer: (run: () => void, ms: number) => () => void;
  /** The document's text between two offsets now; undefined once it is closed. */
  readonly textAt: (uri: string, start: number, end: number) => string | undefined;
}

export const defaultSurvivalDelaysMs: Readonly<Record<SurvivalSlot, number>> = { kept30s: 30_000, kept5min: 300_000 };

/** Taken text still watched for survival; older ones are checked early rather than piling up. */
const maxWatches = 64;

interface Pending {
  readonly uri: string;
  readonly key: RowKey;
  /** Where the part not yet typed or taken starts, and that part. */
  offset: number;
  rest: string;
  taken: boolean;
}

interface Watch {
  readonly uri: string;
  readonly key: RowKey;
  readonly text: string;
  start: number;
  end: number;
  readonly cancels: Array<() => void>;
  checked: Set<SurvivalSlot>;
}

export class SuggestionTracker {
  private pending: Pending | undefined;
  private readonly watches: Watch[] = [];

  constructor(private readonly deps: TrackerDeps) {}

  /** A suggestion on screen at `offset`. The rest of the one being typed through is not a new one. */
  shown(uri: string, offset: number, text: string, key: RowKey, latencyMs: number): void {
    const pending = this.pending;
    if (pending && pending.uri === uri && pending.offset === offset && pending.rest.startsWith(text) && text) {
      pending.rest = text;
      return;
    }
    this.settle();
    if (!text) return;
    this.pending = { uri, key, offset, rest: text, taken: false };
    this.deps.counters.shown(key, latencyMs);
  }

  /** The edits of one change event, in the document's offsets before it. */
  changed(uri: string, changes: readonly TextChange[]): void {
    // Watched text first: a watch this change starts is already where the change put it.
    const lastFirst = changes.length > 1 ? [...changes].sort((a, b) => b.offset - a.offset) : changes;
    for (const watch of this.watches) if (watch.uri === uri) for (const change of lastFirst) shift(watch, change);
    if (this.pending?.uri === uri) this.follow(this.pending, changes);
  }

  /** The suggestion went away without an edit (Escape): dismissed unless something was taken. */
  hidden(): void {
    this.settle();
  }

  /** The cursor is here now (after any edit): away from the suggestion, VS Code hides it. */
  cursorAt(uri: string, offset: number): void {
    if (this.pending && (this.pending.uri !== uri || this.pending.offset !== offset)) this.settle();
  }

  dispose(): void {
    for (const watch of this.watches.splice(0)) for (const cancel of watch.cancels) cancel();
  }

  private follow(pending: Pending, changes: readonly TextChange[]): void {
    const [change] = changes;
    const inserting = changes.length === 1 && change && change.removed === 0 && change.offset === pending.offset && change.inserted;
    if (!inserting || !pending.rest.startsWith(change.inserted)) return this.settle();
    const inserted = change.inserted;
    pending.offset += inserted.length;
    pending.rest = pending.rest.slice(inserted.length);
    // One character is a keystroke that types through the suggestion; more is VS Code inserting it.
    if (inserted.length > 1) {
      const kind: AcceptKind = !pending.rest
        ? 'whole'
        : inserted.endsWith('\n') || pending.rest.startsWith('\n') || pending.rest.startsWith('\r\n')
          ? 'line'
          : 'word';
      this.deps.counters.accepted(pending.key, kind, inserted.length, !pending.taken);
      pending.taken = true;
      this.watch(pending.uri, pending.key, change.offset, inserted);
    }
    if (!pending.rest) this.pending = undefined;
  }

  private settle(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending && !pending.taken) this.deps.counters.dismissed(pending.key);
  }

  private watch(uri: string, key: RowKey, start: number, text: string): void {
    if (this.watches.length >= maxWatches) this.checkNow(this.watches[0]!);
    const watch: Watch = { uri, key, text, start, end: start + text.length, cancels: [], checked: new Set() };
    this.watches.push(watch);
    for (const slot of ['kept30s', 'kept5min'] as const) watch.cancels.push(this.deps.timer(() => this.check(watch, slot), this.deps.delaysMs[slot]));
  }

  private check(watch: Watch, slot: SurvivalSlot): void {
    if (watch.checked.has(slot)) return;
    watch.checked.add(slot);
    const now = this.deps.textAt(watch.uri, watch.start, watch.end);
    // A closed document says nothing about survival: it is not counted either way.
    if (now !== undefined) this.deps.counters.survived(watch.key, slot, watch.text.length, keptChars(watch.text, now));
    if (watch.checked.size === 2) this.forget(watch);
  }

  /** Too many watched: the oldest is judged now for every slot it has left. */
  private checkNow(watch: Watch): void {
    for (const cancel of watch.cancels) cancel();
    for (const slot of ['kept30s', 'kept5min'] as const) this.check(watch, slot);
    this.forget(watch);
  }

  private forget(watch: Watch): void {
    const at = this.watches.indexOf(watch);
    if (at >= 0) this.watches.splice(at, 1);
  }
}

/** Moves a watched range through one edit: edits before it shift it, edits overlapping it grow or shrink it. */
export function shift(range: { start: number; end: number }, change: TextChange): void {
  const delta = change.inserted.length - change.removed;
  if (change.offset + change.removed <= range.start) {
    range.start += delta;
    range.end += delta;
  } else if (change.offset < range.end) {
    range.start = Math.min(range.start, change.offset);
    range.end = Math.max(change.offset + change.inserted.length, range.end + delta);
  }
}

/** How many characters of the taken text are still in the range, in order (a character diff). */
export function keptChars(taken: string, now: string): number {
  return diffChars(taken, now)
    .filter((part) => !part.added && !part.removed)
    .reduce((sum, part) => sum + part.value.length, 0);
}
