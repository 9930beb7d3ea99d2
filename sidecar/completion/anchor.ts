// Keeps the prompt byte-identical while the user types at the cursor: the text typed since the
// prompt was built is appended after it, as the start of the middle the model is filling in. The
// engine then evaluates only those few new tokens instead of re-reading the suffix that a rebuilt
// fill-in-the-middle prompt would move.
import type { CompletionWindow } from './window';

export interface Anchor {
  /** The engine whose FIM markers the prompt is written in: another model starts a new prompt. */
  readonly engine: object;
  readonly uri: string;
  /** Document offsets of the prompt's prefix start and of the cursor when it was built. */
  readonly start: number;
  readonly offset: number;
  readonly prefix: string;
  readonly suffix: string;
  readonly prompt: string;
}

/** Typing through more than this rebuilds the prompt, so the window catches up. */
const maxTypedChars = 256;

/** The anchored prompt for `window`, or undefined when the edit was not typing at the cursor. */
export function continueAnchor(anchor: Anchor | undefined, engine: object, uri: string, text: string, window: CompletionWindow): string | undefined {
  if (!anchor || anchor.engine !== engine || anchor.uri !== uri || window.offset < anchor.offset || window.offset - anchor.offset > maxTypedChars) return undefined;
  if (text.slice(anchor.start, anchor.offset) !== anchor.prefix) return undefined;
  // The text after the cursor must be what followed the anchor (only the window's tail may differ).
  const after = text.slice(window.offset, window.offset + anchor.suffix.length);
  if (!anchor.suffix.startsWith(after) || after.length < Math.min(anchor.suffix.length, 64)) return undefined;
  return anchor.prompt + text.slice(anchor.offset, window.offset);
}
