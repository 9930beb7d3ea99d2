// Next edit suggestions: the edits (or places) the user is likely to want next, anywhere in the
// document, from the sidecar's edit history and syntax trees. Model-free rules today: a renamed
// identifier's other uses, a change made twice offered at the remaining matches, a changed
// signature's call sites. A next-edit model's rewrite of the region around the cursor (rule `model`).
import * as z from 'zod/mini';
import { toSidecar } from './rpc';
import { Position, Range } from './sidecar';

export const NextEditRule = z.enum(['rename', 'repeat', 'callSite', 'model']);
export type NextEditRule = z.infer<typeof NextEditRule>;

export const NextEditSuggestion = z.object({
  rule: NextEditRule,
  range: Range,
  /** The replacement for the range; absent for a place to look at (a call site), not an edit. */
  text: z.optional(z.string()),
  label: z.string(),
  /**
   * A rename's other use: the old and new name, where the user typed the new one, and whether this
   * use declares the name in its scope. The extension asks VS Code's rename provider with these.
   */
  rename: z.optional(z.object({ from: z.string(), to: z.string(), site: Range, declaration: z.boolean() })),
});
export type NextEditSuggestion = z.infer<typeof NextEditSuggestion>;

/** Suggestions for a mirrored document at its current version, nearest to the cursor first. */
export const NextEditSuggest = toSidecar(
  'nextEdit/suggest',
  z.object({
    uri: z.string(),
    /** The document version the cursor refers to; an older mirror is refused as stale. */
    version: z.int(),
    position: Position,
    /** Whether a model rewrites the region around the cursor too (pylot.nextEdit.model); absent: rules only. */
    model: z.optional(z.enum(['auto', 'instruct', 'off'])),
  }),
  z.object({ suggestions: z.array(NextEditSuggestion) }),
);
