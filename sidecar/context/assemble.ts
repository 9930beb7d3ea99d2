// Turns every source's candidates into the snippets a prompt gets: best first, nothing the prompt
// window already shows, no two overlapping ranges of one file, within a character budget — then
// reversed, because the most relevant snippet goes last (closest to the cursor; llama.cpp drops
// extra context from the front).
import type { Candidate } from './candidate';

/** About 1k tokens of code. */
export const defaultBudgetChars = 3_500;

/** Best first, without what the window shows, repeats, or ranges overlapping a better candidate's. */
export function rankCandidates(candidates: readonly Candidate[], windowText: string): Candidate[] {
  const ranked = [...candidates].sort((a, b) => b.score - a.score);
  const chosen: Candidate[] = [];
  const texts = new Set<string>();
  for (const candidate of ranked) {
    const trimmed = candidate.text.trim();
    if (!trimmed || texts.has(trimmed) || windowHolds(windowText, trimmed)) continue;
    if (chosen.some((other) => other.file === candidate.file && other.startLine <= candidate.endLine && candidate.startLine <= other.endLine)) continue;
    texts.add(trimmed);
    chosen.push(candidate);
  }
  return chosen;
}

/** What the prompt costs for a snippet: its text plus the file header the template adds. */
export function snippetCost(candidate: Pick<Candidate, 'text' | 'filename'>): number {
  return candidate.text.length + candidate.filename.length + 2;
}

/**
 * Guessed members (not used yet) may take at most this share of the budget: a wrong guess costs
 * the prompt room that edits, open tabs and the symbols really used would have had. On the
 * retrieval bench 0.5 cost JavaScript 0.026 of its recall within 1k tokens and 0.7 cost 0.013
 * (docs/decisions.md).
 */
export const maxGuessShare = 0.7;

/**
 * The ranked candidates that fit in the budget, in rank order (a big one is skipped, or replaced by
 * its shorter core when that fits; smaller ones still fit); guesses only within their share.
 */
export function fitBudget<T extends Pick<Candidate, 'text' | 'filename'> & Pick<Partial<Candidate>, 'core' | 'guess'>>(
  ranked: readonly T[],
  budgetChars: number,
  cost: (c: T) => number = snippetCost,
): T[] {
  const fitted: T[] = [];
  let used = 0;
  let guessed = 0;
  const guessBudget = budgetChars * maxGuessShare;
  for (const candidate of ranked) {
    const room = candidate.guess ? Math.min(budgetChars - used, guessBudget - guessed) : budgetChars - used;
    const fitting = cost(candidate) <= room ? candidate : candidate.core && ({ ...candidate, ...candidate.core, core: undefined } as T);
    if (!fitting || cost(fitting) > room) continue;
    used += cost(fitting);
    if (candidate.guess) guessed += cost(fitting);
    fitted.push(fitting);
  }
  return fitted;
}

/** The window already shows the snippet (or its first lines, for a clipped one). */
function windowHolds(windowText: string, snippet: string): boolean {
  const head = snippet.length > 200 ? snippet.slice(0, 200) : snippet;
  return windowText.includes(head);
}
