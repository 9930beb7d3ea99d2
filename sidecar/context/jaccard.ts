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
export function bestWindows(
  text: string,
  query: ReadonlySet<string>,
  k: number,
  windowLines = 20,
  step = 10,
  firstLine = 0,
  lastLine = Number.MAX_SAFE_INTEGER,
): ScoredWindow[] {
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

interface IndexedWindow {
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
  readonly tokens: ReadonlySet<string>;
}

/**
 * The windows of documents that do not change while the user types elsewhere (open tabs, visited
 * files), tokenized once per document version instead of on every keystroke.
 */
export class WindowIndex {
  private readonly entries = new Map<string, { version: number; windows: IndexedWindow[] }>();

  constructor(
    private readonly maxDocuments = 32,
    private readonly windowLines = 20,
    private readonly step = 10,
  ) {}

  /** The `k` windows of the document most similar to `query`, optionally only those inside a line range. */
  best(uri: string, version: number, text: string, query: ReadonlySet<string>, k: number, firstLine = 0, lastLine = Number.MAX_SAFE_INTEGER): ScoredWindow[] {
    return this.windowsOf(uri, version, text)
      .filter((w) => w.endLine >= firstLine && w.startLine <= lastLine)
      .map((w) => ({ startLine: w.startLine, endLine: w.endLine, text: w.text, score: jaccard(query, w.tokens) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  }

  private windowsOf(uri: string, version: number, text: string): IndexedWindow[] {
    const cached = this.entries.get(uri);
    if (cached?.version === version) return cached.windows;
    const lines = text.split('\n');
    const windows: IndexedWindow[] = [];
    for (let start = 0; start < lines.length; start += this.step) {
      const stop = Math.min(lines.length, start + this.windowLines);
      const windowText = lines.slice(start, stop).join('\n');
      windows.push({ startLine: start, endLine: stop - 1, text: windowText, tokens: tokenSet(windowText) });
      if (stop === lines.length) break;
    }
    this.entries.delete(uri);
    this.entries.set(uri, { version, windows });
    if (this.entries.size > this.maxDocuments) this.entries.delete(this.entries.keys().next().value!);
    return windows;
  }
}
