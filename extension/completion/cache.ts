// Suggestions already computed, so the engine is asked as little as possible: an LRU of exact
// positions (lru-cache), and typed-through reuse — when the user types the start of what is shown,
// the rest is shown at once, with no engine call.
import { LRUCache } from 'lru-cache';

/** The text around a cursor, as much as identifies a position for the cache. */
export interface Around {
  readonly uri: string;
  /** Document offset of the cursor. */
  readonly offset: number;
  /** The last characters before the cursor. */
  readonly before: string;
  /** The first characters after the cursor. */
  readonly after: string;
}

export const beforeChars = 1_000;
export const afterChars = 200;
/** Typed-through reuse applies while the user has typed up to this much of a suggestion. */
export const typedThroughChars = 128;

interface Entry extends Around {
  readonly items: readonly string[];
}

export class CompletionCache {
  private readonly exact = new LRUCache<string, readonly string[]>({ max: 500 });
  private readonly recent: Entry[] = [];
  hits = 0;
  misses = 0;

  remember(around: Around, items: readonly string[]): void {
    if (!items.length) return;
    this.exact.set(key(around), items);
    this.recent.unshift({ ...around, items });
    this.recent.length = Math.min(this.recent.length, 8);
  }

  /** Items for this position: an exact hit, or a suggestion the user is typing through. */
  lookup(around: Around, textBetween: (from: number, to: number) => string): readonly string[] | undefined {
    const found = this.exact.get(key(around)) ?? this.typedThrough(around, textBetween);
    if (found) this.hits++;
    else this.misses++;
    return found;
  }

  clear(): void {
    this.exact.clear();
    this.recent.length = 0;
  }

  private typedThrough(around: Around, textBetween: (from: number, to: number) => string): readonly string[] | undefined {
    for (const entry of this.recent) {
      const typedLength = around.offset - entry.offset;
      if (entry.uri !== around.uri || typedLength <= 0 || typedLength > typedThroughChars) continue;
      const typed = textBetween(entry.offset, around.offset);
      // Only typed at the cursor: the text before it grew by `typed`, the text after it is unchanged.
      if ((entry.before + typed).slice(-beforeChars) !== around.before || entry.after !== around.after) continue;
      const rest = entry.items.filter((item) => item.startsWith(typed) && item.length > typed.length).map((item) => item.slice(typed.length));
      if (rest.length) return rest;
    }
    return undefined;
  }
}

function key(around: Around): string {
  return `${around.uri}\u0000${around.before}\u0000${around.after}`;
}
