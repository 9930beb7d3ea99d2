// The workspace index's messages (index/*): the extension opens one index per workspace folder,
// forwards file events, pauses and resumes it; chat, the agent and `@codebase` search it. The
// sidecar owns the index; the extension only tells it where to keep it and what changed.
import * as z from 'zod/mini';
import { notifyExtension, notifySidecar, toSidecar } from './rpc';

const count = z.int().check(z.nonnegative());
const absolutePath = z.string().check(z.minLength(1));

/** Starts (or resumes from disk) indexing one workspace folder. Answers once the stored index is loaded. */
export const OpenIndex = toSidecar(
  'index/open',
  z.object({
    /** The workspace folder, an absolute file-system path. */
    root: absolutePath,
    /** Where the index lives between sessions (the extension's workspace storage); one writer at a time. */
    storageDir: absolutePath,
    /** Extra gitignore-style patterns never indexed (`.gitignore`, `.pylotignore` and secrets always apply). */
    exclude: z.optional(z.array(z.string())),
    /** Files larger than this are skipped (generated or minified code, data). */
    maxFileBytes: z.optional(z.int().check(z.minimum(1024))),
    /**
     * Encryption at rest (pylot.privacy.encryptAtRest): the key (base64, 32 bytes, from VS Code's
     * SecretStorage; never logged) and whether to encrypt. With a key and `encrypt` false, what was
     * stored encrypted is decrypted. A change from the last open migrates the stored index.
     */
    encryption: z.optional(z.object({ encrypt: z.boolean(), key: z.string().check(z.length(44)) })),
  }),
  z.object({
    generation: count,
    files: count,
    chunks: count,
    /** False when another process holds this index's lock: it is searched read-only and not updated. */
    writer: z.boolean(),
  }),
);

export const CloseIndex = toSidecar('index/close', z.object({ root: absolutePath }), z.null());

/** What happened to files on disk; a rename is a delete plus a create. Paths are absolute. */
export const DidChangeFiles = notifySidecar(
  'index/didChangeFiles',
  z.object({ changes: z.array(z.object({ type: z.enum(['created', 'changed', 'deleted']), path: absolutePath })) }),
);

/** Pauses or resumes indexing everywhere; searching keeps working on what is indexed. */
export const SetIndexingPaused = toSidecar('index/setPaused', z.object({ paused: z.boolean() }), z.null());

export const IndexState = z.enum(['loading', 'scanning', 'indexing', 'idle', 'paused', 'error']);
export type IndexState = z.infer<typeof IndexState>;

export const IndexStatus = z.object({
  root: z.string(),
  state: IndexState,
  /** Files whose chunks are in the index, and how many the scan found to index. */
  filesIndexed: count,
  filesTotal: count,
  chunks: count,
  /** Chunks with an embedding; with no embedding model loaded the index is keyword-only (BM25). */
  chunksEmbedded: count,
  /** Bumped by every committed write; what a reader compares to know the index changed. */
  generation: count,
  /** 'none': no embedding model, keyword search only; 'partial': embedding is still catching up. */
  vectors: z.enum(['ready', 'partial', 'none']),
  /** Why something is off (no embedding model, lock held by another window, an error), for people. */
  message: z.optional(z.string()),
});
export type IndexStatus = z.infer<typeof IndexStatus>;

export const IndexStatusChanged = notifyExtension('index/status', IndexStatus);

export const CodeSpan = z.object({
  /** Absolute file-system path, and the same relative to its workspace folder (forward slashes). */
  path: z.string(),
  relativePath: z.string(),
  /** 1-based, inclusive. */
  startLine: z.int().check(z.minimum(1)),
  endLine: z.int().check(z.minimum(1)),
  /** Enclosing symbol path, e.g. `Stack.push`; empty at top level. */
  symbol: z.string(),
  text: z.string(),
  /** Reciprocal-rank-fused score: higher is better; only comparable within one answer. */
  score: z.number(),
  /** Where each ranking put it (1-based), when it ranked at all: for tuning and tests. */
  keywordRank: z.optional(z.int()),
  vectorRank: z.optional(z.int()),
});
export type CodeSpan = z.infer<typeof CodeSpan>;

export const SearchIndex = toSidecar(
  'index/search',
  z.object({
    query: z.string().check(z.minLength(1), z.maxLength(20_000)),
    limit: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
    /** Only these workspace folders; all open indexes when absent. */
    roots: z.optional(z.array(absolutePath)),
  }),
  z.object({
    results: z.array(CodeSpan),
    /** 'keyword' when no embedding model could embed the query: BM25 alone ranked the results. */
    mode: z.enum(['hybrid', 'keyword']),
    message: z.optional(z.string()),
  }),
);
