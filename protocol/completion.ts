// The documents the sidecar mirrors (LSP-style, so a keystroke sends a few bytes) and the inline
// completion requests made on them; part of the contract protocol/sidecar.ts opens.
import * as z from 'zod/mini';
import { notifySidecar, toSidecar } from './rpc';

const count = z.int().check(z.nonnegative());

// ── Documents, mirrored LSP-style so a keystroke sends a few bytes ──────────────────────────────

export const Position = z.object({ line: count, character: count });
/** Positions count UTF-16 code units, as VS Code (and tree-sitter) do. */
export const Range = z.object({ start: Position, end: Position });

export const DidOpenDocument = notifySidecar('document/didOpen', z.object({ uri: z.string(), languageId: z.string(), version: z.int(), text: z.string() }));

export const DidChangeDocument = notifySidecar(
  'document/didChange',
  z.object({
    uri: z.string(),
    version: z.int(),
    /** Applied in order; a change without a range replaces the whole text. */
    changes: z.array(z.object({ range: z.optional(Range), text: z.string() })),
  }),
);

export const DidCloseDocument = notifySidecar('document/didClose', z.object({ uri: z.string() }));

/**
 * Evaluates the completion prompt for a position where the user has stopped (background priority;
 * any completion pre-empts it), so the next completion there only evaluates what is typed.
 */
export const WarmCompletion = toSidecar(
  'completion/warm',
  z.object({ uri: z.string(), version: z.int(), position: z.object({ line: count, character: count }) }),
  z.object({ warmed: z.boolean(), promptTokens: z.optional(count) }),
);

/**
 * An inline completion at a position of a mirrored document: the sidecar cuts the window, builds
 * the model's FIM prompt (keeping it stable as the user types, so the KV cache is reused),
 * generates under a time cap and post-processes. `items` holds up to `alternatives` suggestions.
 */
export const InlineCompletion = toSidecar(
  'completion/inline',
  z.object({
    uri: z.string(),
    /** The document version the position refers to; an older mirror is refused as stale. */
    version: z.int(),
    position: Position,
    maxTokens: z.optional(z.int().check(z.minimum(1), z.maximum(1024))),
    /** How long generation may run after its first token; what has arrived by then is shown. */
    timeLimitMs: z.optional(z.int().check(z.minimum(50), z.maximum(30_000))),
    alternatives: z.optional(z.int().check(z.minimum(1), z.maximum(3))),
    /**
     * Local models: how soon the first suggestion at a new spot should appear. A prompt that would
     * take longer to read gets the nearest lines only; the full one is read in the background. 0: always the full prompt.
     */
    latencyTargetMs: z.optional(z.int().check(z.minimum(0), z.maximum(30_000))),
    /** Other files' snippets for the prompt, most relevant last. */
    snippets: z.optional(z.array(z.object({ filename: z.string(), text: z.string() }))),
    /**
     * The debounce: how long to wait, when no suggestion made earlier answers, before a new
     * generation starts. A cancel meanwhile (the next keystroke) means none starts.
     */
    delayMs: z.optional(z.int().check(z.minimum(0), z.maximum(5_000))),
  }),
  z.object({
    items: z.array(z.string()),
    /**
     * Answered without a generation of its own: from the suggestions made earlier ('cache', exact or
     * typed through) or from the generation running when the user typed what it was saying.
     */
    reused: z.optional(z.enum(['cache', 'generation'])),
    /** The raw generation, for logs and tests. */
    raw: z.string(),
    stopReason: z.enum(['eos', 'maxTokens', 'stopTrigger', 'aborted', 'timeLimit']),
    tokens: count,
    promptTokens: z.optional(count),
    cachedTokens: z.optional(count),
    engineMs: z.number(),
    /** The prompt continued an earlier one (typed-through): only the newly typed text was evaluated. */
    anchored: z.boolean(),
    /** The prompt held only the nearest lines, to meet latencyTargetMs; the full one is being read in the background. */
    coldPrompt: z.optional(z.boolean()),
    /** Files of the context snippets the sidecar assembled for this prompt (protocol/context.ts). */
    snippetFiles: z.optional(z.array(z.string())),
    /** The server profile that answered, for a role served by a pool of servers. */
    server: z.optional(z.string()),
  }),
);
