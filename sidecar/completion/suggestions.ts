// The one owner of "is the user typing what was suggested?": a spot in a document (the cursor and
// the text around it), what was typed at that spot since, whether a generation still agrees with
// it, and the suggestions already made — an LRU of exact spots (lru-cache) and the recent ones a
// user may be typing through. The completion service, its anchored prompt and its running
// generation all decide with these functions.
import { LRUCache } from 'lru-cache';

/** A cursor in a document and the text around it that must stay as it was for a reuse. */
export interface Spot {
  readonly uri: string;
  /** Document offset of the cursor. */
  readonly offset: number;
  /** Text right before the cursor. */
  readonly before: string;
  /** Text right after the cursor. */
  readonly after: string;
}

export const beforeChars = 1_000;
export const afterChars = 200;
/** Typed-through reuse of a suggestion applies while the user has typed up to this much of it. */
export const typedThroughChars = 128;

export function spotAt(uri: string, text: string, offset: number): Spot {
  return { uri, offset, before: text.slice(Math.max(0, offset - beforeChars), offset), after: text.slice(offset, offset + afterChars) };
}

/**
 * What was typed at `origin`'s cursor to give `text` with the cursor at `offset`, when that is the
 * only change around it (the text before the old cursor and after the new one are as they were);
 * undefined for any other edit, a move backwards, or more than `maxChars` typed.
 */
export function typedSince(origin: Spot, uri: string, text: string, offset: number, maxChars: number): string | undefined {
  if (origin.uri !== uri || offset < origin.offset || offset - origin.offset > maxChars) return undefined;
  if (!text.startsWith(origin.before, origin.offset - origin.before.length) || !text.startsWith(origin.after, offset)) return undefined;
  return text.slice(origin.offset, offset);
}

/** The rest of each suggestion whose start the user has typed. */
export function restAfter(items: readonly string[], typed: string): string[] {
  return items.filter((item) => item.startsWith(typed) && item.length > typed.length).map((item) => item.slice(typed.length));
}

/** Whether what a generation has said so far and what the user typed meanwhile tell one story. */
export function agrees(generated: string, typed: string): boolean {
  return generated.startsWith(typed) || typed.startsWith(generated);
}

interface Suggested extends Spot {
  readonly items: readonly string[];
}

/** Suggestions already made for one engine: a new model starts with none. */
export class SuggestionCache {
  private readonly exact = new LRUCache<string, readonly string[]>({ max: 500 });
  private readonly recent: Suggested[] = [];

  remember(spot: Spot, items: readonly string[]): void {
    if (!items.length) return;
    this.exact.set(key(spot), items);
    this.recent.unshift({ ...spot, items });
    this.recent.length = Math.min(this.recent.length, 8);
  }

  /** Items for the cursor at `offset`: made for this very spot, or typed through from a recent one. */
  lookup(uri: string, text: string, offset: number): readonly string[] | undefined {
    const exact = this.exact.get(key(spotAt(uri, text, offset)));
    if (exact) return exact;
    for (const entry of this.recent) {
      const typed = typedSince(entry, uri, text, offset, typedThroughChars);
      const rest = typed === undefined ? [] : restAfter(entry.items, typed);
      if (rest.length) return rest;
    }
    return undefined;
  }
}

function key(spot: Spot): string {
  return `${spot.uri}\u0000${spot.before}\u0000${spot.after}`;
}
