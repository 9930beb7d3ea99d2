// Jaccard similarity of identifier sets over sliding line windows: what Continue and Copilot rank
// neighbouring-file snippets by. Pylot uses it for open tabs and visited ranges, and the retrieval
// benchmark uses it as the baseline the import-aware ranking is measured against.

export function tokenSet(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? []);
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const token of small) if (large.has(token)) shared++;
  return shared / (a.size + b.size - shared);
}

export interface ScoredWindow {
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
  readonly score: number;
}

/** The `k` best windows of `windowLines` lines (stepping by `step`) of `text`, by similarity to `query`. */
export function bestWindows(text: string, query: ReadonlySet<string>, k: number, windowLines = 20, step = 10, firstLine = 0, lastLine = Number.MAX_SAFE_INTEGER): ScoredWindow[] {
  const lines = text.split('\n');
  const end = Math.min(lines.length, lastLine + 1);
  const windows: ScoredWindow[] = [];
  for (let start = firstLine; start < end; start += step) {
    const stop = Math.min(end, start + windowLines);
    const windowText = lines.slice(start, stop).join('\n');
    windows.push({ startLine: start, endLine: stop - 1, text: windowText, score: jaccard(query, tokenSet(windowText)) });
    if (stop === end) break;
  }
  return windows.sort((a, b) => b.score - a.score).slice(0, k);
}
