// Next-edit replay on real git histories: this repository's own, and any repositories named in
// PYLOT_BENCH_REPOS (paths, separated by ':'). From every commit, each file whose diff has two or
// more hunks becomes cases: the file as it was before the commit, the first k hunks replayed as the
// user's edits (through the real document store and edit history), and hunk k+1 the edit to
// predict. Scored, side by side with the naive baseline (a fixed ±N-line window around the cursor):
//   location recall — the next hunk lies inside the window, or at a place the engine proposes;
//                     also inside the region a next-edit model rewrites (2 lines above, 5 below);
//   exact match     — the engine's proposed edits, applied, turn the hunk's lines into the commit's;
//   edit precision  — proposed edits that land on lines the commit really changes next.
//   PYLOT_BENCH_REPOS, PYLOT_BENCH_COMMITS (default 400 per repository), PYLOT_BENCH_WINDOW (default 10)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parsePatch, type StructuredPatchHunk } from 'diff';
import { isSecretPath } from '../../protocol/secretFiles';
import { DocumentTrees } from '../../sidecar/context/documentTrees';
import { supportedLanguages } from '../../sidecar/context/grammars';
import { DocumentStore } from '../../sidecar/documents/store';
import { EditHistory } from '../../sidecar/nextEdit/editHistory';
import { suggestNextEdits } from '../../sidecar/nextEdit/nextEdits';
import { regionAround } from '../../sidecar/nextEdit/region';
import type { Suggestion } from '../../sidecar/nextEdit/suggestion';
import { table } from './stats';
import { languageOf } from '../../sidecar/index/languages';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const repos = [repoRoot, ...(process.env.PYLOT_BENCH_REPOS ?? '').split(':').filter(Boolean)];
const maxCommits = Number(process.env.PYLOT_BENCH_COMMITS ?? 400);
const window = Number(process.env.PYLOT_BENCH_WINDOW ?? 10);
const maxSteps = 4;
const maxFileChars = 300_000;

const withGrammar = new Set(supportedLanguages());

interface Tally {
  cases: number;
  baseline: number;
  /** The next hunk lies in the region a next-edit model rewrites (region.ts), or at a jump target. */
  region: number;
  jumps: number;
  engine: number;
  proposedEdits: number;
  editsOnNextHunks: number;
  casesWithEdits: number;
  exact: number;
  byRule: Record<string, number>;
}

const tally = (): Tally => ({
  cases: 0,
  baseline: 0,
  region: 0,
  jumps: 0,
  engine: 0,
  proposedEdits: 0,
  editsOnNextHunks: 0,
  casesWithEdits: 0,
  exact: 0,
  byRule: {},
});
const all = { first: tally(), every: tally(), code: tally() };
/** Per repository: every step. */
const perRepo = new Map<string, Tally>();
let current = tally();
const trees = new DocumentTrees();
const started = performance.now();
let files = 0;

function git(repo: string, args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Line starts of a text, to turn line numbers into offsets. */
function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetOfLine(starts: number[], text: string, line: number): number {
  return line < starts.length ? starts[line]! : text.length;
}

/** A hunk of a -U0 diff as 0-based line spans in the text before it and the lines it puts there. */
interface Hunk {
  /** First line it replaces (for an insertion: the line it goes before). */
  readonly line: number;
  readonly oldCount: number;
  readonly newLines: string[];
  readonly noNewlineAtEnd: boolean;
}

function hunkOf(hunk: StructuredPatchHunk): Hunk {
  // In a -U0 diff an insertion's oldStart names the line after which it goes.
  const line = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1;
  const newLines = hunk.lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1));
  return { line, oldCount: hunk.oldLines, newLines, noNewlineAtEnd: hunk.lines.at(-1)?.startsWith('\\') === true };
}

/** The text with one hunk applied, and the offsets of what it replaced. */
function applyHunk(text: string, hunk: Hunk): { text: string; start: number; end: number; inserted: string } {
  const starts = lineOffsets(text);
  const start = offsetOfLine(starts, text, hunk.line);
  const end = offsetOfLine(starts, text, hunk.line + hunk.oldCount);
  let inserted = hunk.newLines.map((l) => `${l}\n`).join('');
  if (end === text.length && !text.endsWith('\n') && inserted.endsWith('\n')) inserted = inserted.slice(0, -1);
  return { text: text.slice(0, start) + inserted + text.slice(end), start, end, inserted };
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The lines a hunk touches in the text it applies to (an insertion: the line it goes before). */
function targetLines(hunk: Hunk): [number, number] {
  return [hunk.line, hunk.line + Math.max(1, hunk.oldCount) - 1];
}

async function replay(file: string, languageId: string, original: string, hunks: Hunk[]): Promise<void> {
  files++;
  for (let k = 1; k < hunks.length && k <= maxSteps; k++) {
    const documents = new DocumentStore();
    const history = new EditHistory({ textOf: (uri) => documents.peek(uri)?.text, now: () => k * 10_000 });
    documents.onEdit((uri, edit) => history.record(uri, edit));
    const uri = `file:///replay/${file}`;
    documents.open({ uri, languageId, version: 1, text: original });
    // Hunks apply bottom-up in a -U0 diff's coordinates; replayed top-down, each shifts those below.
    let shift = 0;
    let cursor = 0;
    let version = 1;
    for (let i = 0; i < k; i++) {
      const hunk = { ...hunks[i]!, line: hunks[i]!.line + shift };
      const text = documents.peek(uri)!.text;
      const applied = applyHunk(text, hunk);
      documents.change({
        uri,
        version: ++version,
        changes: [{ range: { start: positionAt(text, applied.start), end: positionAt(text, applied.end) }, text: applied.inserted }],
      });
      cursor = applied.start + applied.inserted.length;
      shift += hunk.newLines.length - hunk.oldCount;
    }
    const document = documents.peek(uri)!;
    const text = document.text;
    const rest = hunks.slice(k).map((h) => ({ ...h, line: h.line + shift }));
    const next = rest[0]!;
    const [from, to] = targetLines(next);
    const cursorLine = lineOf(text, cursor);
    const suggestions = suggestNextEdits(document, await trees.treeFor(document), history, cursor);
    const lines = (s: Suggestion): [number, number] => [lineOf(text, s.start), lineOf(text, s.end)];
    const onTarget = (s: Suggestion) => {
      const [a, b] = lines(s);
      return a <= to && b >= from;
    };
    const inWindow = from <= cursorLine + window && to >= cursorLine - window;
    const jumped = suggestions.some(onTarget);
    const region = regionAround(text, cursor);
    const inRegion = from <= region.lastLine - 1 && to >= region.firstLine - 1;
    const edits = suggestions.filter((s) => s.text !== undefined);
    const onNextHunks = edits.filter((s) =>
      rest.some((h) => {
        const [a, b] = targetLines(h);
        const [sa, sb] = lines(s);
        return sa <= b && sb >= a;
      }),
    );
    const exact = edits.length > 0 && exactMatch(text, edits.filter(onTarget), next);
    const tallies = [all.every, current, ...(k === 1 ? [all.first] : []), ...(languageId !== 'plaintext' ? [all.code] : [])];
    for (const t of tallies) {
      t.cases++;
      if (inWindow) t.baseline++;
      if (jumped) t.jumps++;
      if (inWindow || jumped) t.engine++;
      if (inRegion || jumped) t.region++;
      t.proposedEdits += edits.length;
      t.editsOnNextHunks += onNextHunks.length;
      if (edits.length) t.casesWithEdits++;
      if (exact) t.exact++;
      for (const s of suggestions) if (onTarget(s)) t.byRule[s.rule] = (t.byRule[s.rule] ?? 0) + 1;
    }
  }
}

/** The proposed edits inside the next hunk, applied together, give exactly the commit's lines there. */
function exactMatch(text: string, edits: Suggestion[], next: Hunk): boolean {
  if (!edits.length) return false;
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.text! + result.slice(edit.end);
  return result === applyHunk(text, next).text;
}

/** A repository's name, also for a bare mirror (`…/owner+name/repo`). */
function repoName(repo: string): string {
  const base = path.basename(repo);
  return base === 'repo' || base === '.git' ? path.basename(path.dirname(repo)) : base;
}

for (const repo of repos) {
  current = tally();
  perRepo.set(repoName(repo), current);
  const commits = git(repo, ['log', '--no-merges', `-n${maxCommits}`, '--format=%H'])
    .split('\n')
    .filter(Boolean);
  for (const commit of commits) {
    let patches;
    try {
      patches = parsePatch(git(repo, ['show', '--format=', '-U0', '--no-color', '--no-renames', '--no-ext-diff', commit]));
    } catch {
      continue;
    }
    for (const patch of patches) {
      const name = patch.oldFileName?.replace(/^a\//, '');
      if (
        !name ||
        patch.oldFileName === '/dev/null' ||
        patch.hunks.length < 2 ||
        isSecretPath(name) ||
        /(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml)$/.test(name)
      )
        continue;
      let original: string;
      try {
        original = git(repo, ['show', `${commit}^:${name}`]);
      } catch {
        continue;
      }
      if (original.length > maxFileChars || original.includes('\0')) continue;
      const language = languageOf(name);
      const languageId = language && withGrammar.has(language) ? language : 'plaintext';
      await replay(`${path.basename(repo)}/${name}`, languageId, original, patch.hunks.map(hunkOf));
    }
  }
}
trees.dispose();

const percent = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)} %` : '—');
const row = (label: string, t: Tally) => [
  label,
  String(t.cases),
  percent(t.baseline, t.cases),
  percent(t.jumps, t.cases),
  percent(t.engine, t.cases),
  percent(t.region, t.cases),
  percent(t.exact, t.cases),
  `${t.editsOnNextHunks}/${t.proposedEdits}`,
];
console.log(
  `next-edit replay: ${repos.map(repoName).join(', ')}; ${files} file diffs with 2+ hunks; baseline window ±${window} lines; ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(
  table([
    ['cases', 'n', `baseline ±${window}`, 'jump targets', `engine (±${window} + jumps)`, 'model region + jumps', 'exact edits', 'edit precision'],
    row('first hunk → second', all.first),
    row('hunks 1..k → k+1', all.every),
    row('  code files only', all.code),
    ...(perRepo.size > 1 ? [...perRepo].map(([name, t]) => row(`  ${name}`, t)) : []),
  ]),
);
console.log(`jump targets on the next hunk, by rule (all steps): ${JSON.stringify(all.every.byRule)}; cases with a proposed edit: ${all.every.casesWithEdits}`);
