// Local acceptance statistics: what Pylot's suggestions, answers and proposals were worth to this
// user, kept only on this machine. One schema for the stored file, the export and the Engine panel;
// the counting lives in extension/stats/. Bounded: a fixed number of language × model rows, of
// latency samples per row and of chat notes, so the file stays small however long it is kept.
import * as z from 'zod/mini';

const count = z.int().check(z.nonnegative());

export const statsLimits = { completionRows: 60, latencySamples: 100, notes: 100, noteChars: 1_000 } as const;

/** Characters of accepted suggestions checked a while after the accept, and how many were still there. */
export const Survival = z.object({ checkedChars: count, keptChars: count });
export type Survival = z.infer<typeof Survival>;

export const CompletionRow = z.object({
  language: z.string(),
  model: z.string(),
  /** Suggestions shown (a suggestion typed through or partly accepted stays one suggestion). */
  shown: count,
  /** Suggestions of which the user took something: whole, by word or by line. */
  accepted: count,
  /** Accept actions by kind: Tab, Ctrl+→ (a word), and a line. */
  acceptedWhole: count,
  acceptedWord: count,
  acceptedLine: count,
  /** Suggestions that went away with nothing taken. */
  dismissed: count,
  acceptedChars: count,
  kept30s: Survival,
  kept5min: Survival,
  /** The latest latencies (ms from asking to an answer), newest last. */
  latencyMs: z.array(z.number()),
  lastUsed: z.number(),
});
export type CompletionRow = z.infer<typeof CompletionRow>;

export const Vote = z.enum(['up', 'down']);
export type Vote = z.infer<typeof Vote>;

export const ChatRow = z.object({ model: z.string(), up: count, down: count });
export const ChatNote = z.object({ at: z.number(), model: z.string(), vote: Vote, note: z.string() });
export const ProposalCounts = z.object({ kept: count, rejected: count });
export type ProposalCounts = z.infer<typeof ProposalCounts>;

export const UsageStats = z.object({
  version: z.literal(1),
  /** When counting began (the first use, or the last reset), epoch ms. */
  since: z.number(),
  completions: z.array(CompletionRow),
  chat: z.array(ChatRow),
  notes: z.array(ChatNote),
  /** Refactor commands: per hunk of their diff. */
  refactor: ProposalCounts,
  /** The agent's edits and new files: per proposal. */
  agent: ProposalCounts,
});
export type UsageStats = z.infer<typeof UsageStats>;

export function emptyStats(now: number): UsageStats {
  return { version: 1, since: now, completions: [], chat: [], notes: [], refactor: { kept: 0, rejected: 0 }, agent: { kept: 0, rejected: 0 } };
}

export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A share as a whole percentage, or undefined when there is nothing to share. */
export function share(part: number, whole: number): number | undefined {
  return whole > 0 ? Math.round((part / whole) * 100) : undefined;
}
