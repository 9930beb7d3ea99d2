// The context engine's messages: cheap editor signals the extension sends (where the user has
// been, what they edited, open tabs, the clipboard) and the assembled snippets, which inline
// completions fill in by themselves and chat or tests can ask for.
import * as z from 'zod/mini';
import { notifySidecar, toSidecar } from './rpc';

const line = z.int().check(z.nonnegative());

/** A line range of a document (both ends inclusive), with when it was seen or edited (ms since epoch). */
export const TouchedRange = z.object({ uri: z.string(), startLine: line, endLine: line, at: z.number() });
export type TouchedRange = z.infer<typeof TouchedRange>;

/**
 * What the editor knows and the sidecar does not. Each field replaces the previous one when
 * present; every list is most recent first and short (the extension caps them).
 */
export const ContextSignals = notifySidecar(
  'context/signals',
  z.object({
    /** Documents open in editor tabs, the active one first. */
    openTabs: z.optional(z.array(z.string())),
    /** Ranges the user looked at (visible ranges of editors), most recent first. */
    visited: z.optional(z.array(TouchedRange)),
    /** Ranges the user edited, most recent first. */
    edited: z.optional(z.array(TouchedRange)),
    /**
     * The clipboard's text when it last changed (capped), and when that was; `source` is the URI of
     * the open document it was copied from, when the extension found one (the sidecar checks it).
     */
    clipboard: z.optional(z.object({ text: z.string(), at: z.number(), source: z.optional(z.string()) })),
    /**
     * The workspace folders (absolute file-system paths) and the user's `pylot.completion.exclude`
     * patterns: context is read only from files inside a folder that no ignore rule or secret
     * pattern excludes. Until it is sent, no file but the current document is read. A configured
     * Python interpreter (or its environment's folder) adds that environment's installed packages.
     */
    workspace: z.optional(z.object({ folders: z.array(z.string()), exclude: z.optional(z.array(z.string())), pythonEnvironment: z.optional(z.string()) })),
  }),
);

export const SnippetSource = z.enum(['imported', 'enclosing', 'edited', 'visited', 'openTab', 'clipboard']);
export type SnippetSource = z.infer<typeof SnippetSource>;

export const ContextSnippet = z.object({
  filename: z.string(),
  text: z.string(),
  source: SnippetSource,
  score: z.number(),
});
export type ContextSnippet = z.infer<typeof ContextSnippet>;

/** The snippets the sidecar would give a completion at this position, most relevant last. */
export const ContextSnippets = toSidecar(
  'context/snippets',
  z.object({
    uri: z.string(),
    version: z.int(),
    position: z.object({ line, character: z.int().check(z.nonnegative()) }),
    /** Characters all snippets together may take (default about 1k tokens). */
    budgetChars: z.optional(z.int().check(z.minimum(0), z.maximum(64_000))),
  }),
  z.object({
    snippets: z.array(ContextSnippet),
    /** Wall time of the assembly, and whether the time box cut some source short. */
    elapsedMs: z.number(),
    timedOut: z.boolean(),
  }),
);
