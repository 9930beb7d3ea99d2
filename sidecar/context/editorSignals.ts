// Context from what the user did in the editor: ranges they edited and looked at, their open tabs
// and the clipboard. Recency decides among edits; similarity to the text around the cursor
// (Jaccard over identifiers) decides which part of a visited range or an open tab is worth sending.
import type { Candidate, Deadline } from './candidate';
import { jaccard, tokenSet, type WindowIndex } from './jaccard';
import type { SignalState } from './signals';

export interface SignalSite {
  readonly uri: string;
  /** Lines of the current document the prompt window already holds. */
  readonly windowLines: { readonly start: number; readonly end: number };
  /** Identifiers around the cursor. */
  readonly query: ReadonlySet<string>;
  readonly now: number;
}

export interface SignalDeps {
  /** A mirrored document's text and version. */
  readonly documentOf: (uri: string) => { readonly text: string; readonly version: number } | undefined;
  readonly windows: WindowIndex;
  readonly filenameOf: (uri: string) => string;
  readonly deadline: Deadline;
}

const editContextLines = 4;
const maxEditLines = 30;
const maxTabChars = 300_000;
const clipboardMaxAgeMs = 10 * 60_000;
const minimumSimilarity = 0.1;

export function editedCandidates(signals: SignalState, site: SignalSite, deps: SignalDeps): Candidate[] {
  const candidates: Candidate[] = [];
  signals.edited.slice(0, 8).forEach((range, rank) => {
    if (deps.deadline.expired()) return;
    const text = deps.documentOf(range.uri)?.text;
    if (text === undefined) return;
    const lines = text.split('\n');
    const startLine = Math.max(0, range.startLine - editContextLines);
    const endLine = Math.min(lines.length - 1, range.endLine + editContextLines, startLine + maxEditLines - 1);
    if (range.uri === site.uri && startLine >= site.windowLines.start && endLine <= site.windowLines.end) return;
    const snippet = lines.slice(startLine, endLine + 1).join('\n');
    if (!snippet.trim()) return;
    const similarity = jaccard(site.query, tokenSet(snippet));
    candidates.push({
      source: 'edited',
      file: range.uri,
      filename: deps.filenameOf(range.uri),
      text: snippet,
      score: 0.7 * 0.85 ** rank + similarity,
      startLine,
      endLine,
    });
  });
  return candidates;
}

export function visitedCandidates(signals: SignalState, site: SignalSite, deps: SignalDeps): Candidate[] {
  const candidates: Candidate[] = [];
  signals.visited.slice(0, 8).forEach((range, rank) => {
    if (deps.deadline.expired() || range.uri === site.uri) return;
    const document = deps.documentOf(range.uri);
    if (!document) return;
    const [best] = deps.windows.best(range.uri, document.version, document.text, site.query, 1, range.startLine, range.endLine);
    if (!best || best.score < minimumSimilarity) return;
    candidates.push({
      source: 'visited',
      file: range.uri,
      filename: deps.filenameOf(range.uri),
      text: best.text,
      score: 0.3 * 0.85 ** rank + best.score,
      startLine: best.startLine,
      endLine: best.endLine,
    });
  });
  return candidates;
}

export function openTabCandidates(signals: SignalState, site: SignalSite, deps: SignalDeps): Candidate[] {
  const candidates: Candidate[] = [];
  for (const uri of signals.openTabs.slice(0, 10)) {
    if (deps.deadline.expired()) break;
    if (uri === site.uri) continue;
    const document = deps.documentOf(uri);
    if (!document || document.text.length > maxTabChars) continue;
    for (const window of deps.windows.best(uri, document.version, document.text, site.query, 2)) {
      if (window.score < minimumSimilarity) continue;
      candidates.push({
        source: 'openTab',
        file: uri,
        filename: deps.filenameOf(uri),
        text: window.text,
        score: window.score,
        startLine: window.startLine,
        endLine: window.endLine,
      });
    }
  }
  return candidates;
}

export function clipboardCandidates(signals: SignalState, site: SignalSite): Candidate[] {
  const clipboard = signals.clipboard;
  const text = clipboard?.text.trim();
  if (!clipboard || !text || text.length < 8 || site.now - clipboard.at > clipboardMaxAgeMs) return [];
  const freshness = 1 - (site.now - clipboard.at) / clipboardMaxAgeMs;
  return [
    {
      source: 'clipboard',
      file: 'clipboard',
      filename: 'clipboard',
      text: clipboard.text,
      score: 0.4 * freshness + jaccard(site.query, tokenSet(text)),
      startLine: 0,
      endLine: 0,
    },
  ];
}
