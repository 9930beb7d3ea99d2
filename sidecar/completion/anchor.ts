// Keeps the prompt byte-identical while the user types at the cursor: the text typed since the
// prompt was built is appended after it, as the start of the middle the model is filling in. The
// engine then evaluates only those few new tokens instead of re-reading the suffix that a rebuilt
// fill-in-the-middle prompt would move. "Typed at the cursor" is suggestions.ts's rule.
import { typedSince, type Spot } from './suggestions';
import type { CompletionWindow } from './window';

export interface Anchor {
  /** The engine whose FIM markers the prompt is written in: another model starts a new prompt. */
  readonly engine: object;
  /** Where the prompt was built: its whole prefix and suffix must stay as they were. */
  readonly spot: Spot;
  readonly prompt: string;
}

/** Typing through more than this rebuilds the prompt, so the window catches up. */
const maxTypedChars = 256;

export function anchorAt(engine: object, uri: string, window: CompletionWindow, prompt: string): Anchor {
  return { engine, spot: { uri, offset: window.offset, before: window.prefix, after: window.suffix }, prompt };
}

/** The anchored prompt for the cursor at `offset`, or undefined when the edit was not typing at the cursor. */
export function continueAnchor(anchor: Anchor | undefined, engine: object, uri: string, text: string, offset: number): string | undefined {
  if (!anchor || anchor.engine !== engine) return undefined;
  const typed = typedSince(anchor.spot, uri, text, offset, maxTypedChars);
  return typed === undefined ? undefined : anchor.prompt + typed;
}
