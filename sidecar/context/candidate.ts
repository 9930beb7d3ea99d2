// What every context source produces: a piece of text from somewhere, with a score that says how
// much it is worth to a completion at the cursor. The assembler ranks, deduplicates and budgets them.
import type { SnippetSource } from '../../protocol/context';

export interface Candidate {
  readonly source: SnippetSource;
  /** Identity of where the text comes from (an absolute path or a URI), for deduplication. */
  readonly file: string;
  /** The name shown to the model (workspace-relative where possible). */
  readonly filename: string;
  readonly text: string;
  /** Higher is more relevant; sources share one scale (≈ 0–2). */
  readonly score: number;
  /** Zero-based lines the text spans in `file`, for overlap between sources. */
  readonly startLine: number;
  readonly endLine: number;
  /** A shorter form (the definition alone, without its neighbours) for when the text does not fit. */
  readonly core?: { readonly text: string; readonly startLine: number; readonly endLine: number };
  /** A member the file has not used yet, offered as a guess at what comes next (its budget share is capped). */
  readonly guess?: boolean;
}

/** The time box: sources check it between units of work and return what they have. */
export interface Deadline {
  expired(): boolean;
}

export function deadlineIn(ms: number, now: () => number = () => performance.now()): Deadline {
  const end = now() + ms;
  return { expired: () => now() >= end };
}
