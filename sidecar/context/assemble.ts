// Turns every source's candidates into the snippets a prompt gets: best first, nothing the prompt
// window already shows, no two overlapping ranges of one file, within a character budget — then
// reversed, because the most relevant snippet goes last (closest to the cursor; llama.cpp drops
// extra context from the front).
import type { ContextSnippet } from '../../protocol/context';
import type { Candidate } from './candidate';

/** About 1k tokens of code. */
export const defaultBudgetChars = 3_500;

export function assemble(candidates: readonly Candidate[], windowText: string, budgetChars = defaultBudgetChars): ContextSnippet[] {
  const ranked = [...candidates].sort((a, b) => b.score - a.score);
  const chosen: Candidate[] = [];
  const texts = new Set<string>();
  let used = 0;
  for (const candidate of ranked) {
    const trimmed = candidate.text.trim();
    if (!trimmed || texts.has(trimmed) || windowHolds(windowText, trimmed)) continue;
    if (chosen.some((other) => other.file === candidate.file && other.startLine <= candidate.endLine && candidate.startLine <= other.endLine)) continue;
    const cost = candidate.text.length + candidate.filename.length + 2;
    if (used + cost > budgetChars) continue;
    used += cost;
    texts.add(trimmed);
    chosen.push(candidate);
  }
  return chosen.reverse().map(({ filename, text, source, score }) => ({ filename, text, source, score }));
}

/** The window already shows the snippet (or its first lines, for a clipped one). */
function windowHolds(windowText: string, snippet: string): boolean {
  const head = snippet.length > 200 ? snippet.slice(0, 200) : snippet;
  return windowText.includes(head);
}
