// Definitions of the symbols the current file imports, ranked by how close to the cursor they are
// used. Each import is resolved to its file (per-language rules), the file's outline gives the
// declaration, following re-exports (`export … from`, index files, __init__.py) a few hops deep.
// Work runs in order of relevance and stops at the deadline; files it did not reach are reported
// so they can be parsed in the background for the next request.
import type { Candidate, Deadline } from './candidate';
import type { FileDefinition, FileOutlines, FileSummary, OpenText } from './fileOutlines';
import type { ImportBinding, Outline } from './outline/outline';
import { resolveImport } from './resolve/resolve';
import type { FsCache } from './resolve/fsCache';
import type { SiblingUsage } from './siblingUsage';
import { subwords, UsageIndex } from './usage';

interface LineRange {
  readonly startLine: number;
  readonly endLine: number;
}

export interface ImportSite {
  readonly path: string;
  readonly languageId: string;
  readonly text: string;
  readonly outline: Outline;
  readonly cursorLine: number;
  /** The enclosing function and class, where a use counts most. */
  readonly scopes: { readonly fn?: LineRange; readonly cls?: LineRange };
  /** Words of the function a line is in (its header), to compare the code around other uses with the cursor's. */
  readonly wordsOfFunctionAt?: (line: number) => ReadonlySet<string> | undefined;
  /** The name of the function at the cursor, to find its namesakes in the files next to this one. */
  readonly functionName?: string;
  /** Words (subwords) around the cursor, for name similarity. */
  readonly nearbyWords: ReadonlySet<string>;
}

export interface ImportDeps {
  readonly fs: FsCache;
  readonly outlines: FileOutlines;
  readonly openText: (path: string) => OpenText | undefined;
  readonly filenameOf: (path: string) => string;
  readonly deadline: Deadline;
  /** packageDepth() of the current file: deeper files come from installed packages. */
  readonly ownPackageDepth: number;
  /** Members of a namespace that files next to this one use, to guess the next one. */
  readonly siblings?: SiblingUsage;
}

/** How many package folders (node_modules, site-packages, vendor) a path goes through. */
export function packageDepth(file: string): number {
  return file.split(/[\\/]/).filter((part) => part === 'node_modules' || part === 'site-packages' || part === 'dist-packages' || part === 'vendor').length;
}

interface Wanted {
  readonly binding: ImportBinding;
  /** The name to find in the module ('*': a wildcard import's used names, or a namespace's best guesses). */
  readonly name: string;
  readonly score: number;
}

/**
 * A symbol imported but not used yet is probably about to be used (or the import is stale): above
 * any symbol already used (the retrieval bench: ~90 % of these are used in the hidden body).
 */
const unusedImportScore = 2.5;
/** A namespace import with no member used yet: its best-matching members are a guess. */
const unusedNamespaceScore = 1.2;
/** Other members of a namespace already in use: after every symbol the file does use. */
const otherMembersScore = 0.2;
/** Installed packages' definitions rank below the project's own: the model more likely knows them. */
const packagePenalty = 0.4;
/** Weight of the similarity between the functions that use a symbol and the one at the cursor. */
const similarCodeWeight = 0.5;
const maxHops = 3;
/** A short definition's snippet takes its close neighbours in the file too, up to this size. */
const shortDefinitionChars = 600;
const neighbourhoodChars = 1_200;
const maxCandidates = 60;
/** How many members of a namespace to guess. */
const namespaceGuesses = 20;
const guessStep = 0.1;
/** Weight of the share of sibling files (same folder, same import) that use a namespace member. */
const siblingGuessWeight = 0.8;
const siblingUseWeight = 0.5;
/** Weight of the share of same-named functions in sibling files that use a name. */
const namesakeWeight = 1;

export async function importedDefinitions(site: ImportSite, deps: ImportDeps): Promise<{ candidates: Candidate[]; pending: string[] }> {
  const ignored = new Set<number>();
  for (const binding of site.outline.imports) for (let line = binding.startLine ?? -1; line >= 0 && line <= (binding.endLine ?? line); line++) ignored.add(line);
  const usage = new UsageIndex(site.text, ignored);
  const wanted: Wanted[] = [];
  const namesake = site.functionName && deps.siblings && !deps.deadline.expired() ? deps.siblings.wordsOfFunction(site.path, site.functionName, deps.deadline) : new Map<string, number>();
  const score = (name: string, lines: readonly number[]) => usageScore(site, name, lines) + namesakeWeight * (namesake.get(name) ?? 0);
  const sharedMembers = (binding: ImportBinding) => (deps.siblings && !deps.deadline.expired() ? deps.siblings.membersOf(site.path, binding.module, binding.local, deps.deadline) : new Map<string, number>());
  for (const binding of site.outline.imports) {
    if (binding.kind === 'named') wanted.push({ binding, name: binding.imported, score: score(binding.local, usage.linesOf(binding.local)) });
    else if (binding.kind === 'namespace') {
      const members = usage.membersOf(binding.local);
      const shared = sharedMembers(binding);
      for (const [member, lines] of members) wanted.push({ binding, name: member, score: score(member, lines) + siblingUseWeight * (shared.get(member) ?? 0) });
      // Members not used yet may be what comes next: the best-matching few, a guess.
      wanted.push({ binding, name: '*', score: members.size ? otherMembersScore : unusedNamespaceScore });
    } else wanted.push({ binding, name: '*', score: 0 });
  }
  wanted.sort((a, b) => b.score - a.score);

  const candidates: Candidate[] = [];
  const pending = new Set<string>();
  const seen = new Set<string>();
  const finder = new DefinitionFinder(deps, pending);
  for (const want of wanted) {
    if (candidates.length >= maxCandidates) break;
    for (const file of resolveImport(deps.fs, site.languageId, site.path, want.binding)) {
      if (file === site.path) continue;
      if (want.name === '*') {
        const summary = await finder.load(file);
        if (want.binding.kind === 'wildcard') {
          // The module's names that this file uses.
          for (const [name, definitions] of summary?.definitions ?? []) {
            const lines = usage.linesOf(name);
            if (lines.length) add(candidates, seen, deps, file, definitions, score(name, lines));
          }
        } else {
          // Each further guess is worth a little less, so they fill the places real uses leave free.
          // The members sibling files use, or a same-named function there, are the best guesses.
          const shared = sharedMembers(want.binding);
          const used = usage.membersOf(want.binding.local);
          bestMatching(summary, site.nearbyWords, namespaceGuesses, shared, used, namesake).forEach(([name, definitions], rank) =>
            add(candidates, seen, deps, file, definitions, want.score - guessStep * rank + similarity(name, site.nearbyWords) + siblingGuessWeight * (shared.get(name) ?? 0) + namesakeWeight * (namesake.get(name) ?? 0)),
          );
        }
        continue;
      }
      const found = await finder.find(file, want.name, 0);
      if (found) add(candidates, seen, deps, found.path, found.definitions, want.score);
      else if (want.binding.kind === 'named' && site.languageId === 'python') {
        // `from pkg import module`: the name is a submodule, used as `module.member`.
        const submodule: ImportBinding = { local: want.binding.local, imported: '*', module: `${want.binding.module}${want.binding.module.endsWith('.') ? '' : '.'}${want.name}`, kind: 'namespace' };
        for (const subfile of resolveImport(deps.fs, site.languageId, site.path, submodule)) {
          for (const [member, lines] of usage.membersOf(want.binding.local)) {
            const inner = await finder.find(subfile, member, 0);
            if (inner) add(candidates, seen, deps, inner.path, inner.definitions, score(member, lines));
          }
        }
      }
      if (deps.deadline.expired()) break;
    }
  }
  return { candidates, pending: [...pending] };
}

function add(candidates: Candidate[], seen: Set<string>, deps: ImportDeps, path: string, definitions: readonly FileDefinition[], score: number): void {
  const first = definitions[0];
  if (!first) return;
  if (packageDepth(path) > deps.ownPackageDepth) score -= packagePenalty;
  const key = `${path}:${first.startLine}`;
  if (seen.has(key)) return;
  seen.add(key);
  // Overloads and declaration merging: the next declaration of the name often completes the first.
  const chosen = definitions.slice(0, 2);
  const joined = chosen.length === 1 ? withNeighbours(first) : undefined;
  candidates.push({
    source: 'imported',
    file: path,
    filename: deps.filenameOf(path),
    text: joined?.text ?? chosen.map((d) => d.text).join('\n'),
    score,
    startLine: joined?.startLine ?? Math.min(...chosen.map((d) => d.startLine)),
    endLine: joined?.endLine ?? Math.max(...chosen.map((d) => d.endLine)),
    ...(joined && { core: { text: first.text, startLine: first.startLine, endLine: first.endLine } }),
  });
}

/** Proximity of the nearest use to the cursor, more inside the enclosing scope, a little for frequency and for words shared with the cursor's surroundings. */
export function usageScore(site: Pick<ImportSite, 'cursorLine' | 'scopes' | 'nearbyWords' | 'wordsOfFunctionAt'>, name: string, lines: readonly number[]): number {
  let score = unusedImportScore;
  if (lines.length) {
    const distance = Math.min(...lines.map((line) => Math.abs(line - site.cursorLine)));
    score = 1 / (1 + distance / 10) + 0.1 * Math.log2(1 + Math.min(lines.length, 8));
    // No bonus for a use inside the enclosing function: above the cursor that is mostly its header
    // (parameter types), and the retrieval bench found such symbols rarely used again in the body.
    const fn = site.scopes.fn;
    // Used in other functions like the one being written: likely used in it too.
    if (site.wordsOfFunctionAt) {
      let best = 0;
      for (const line of lines.filter((l) => !fn || l < fn.startLine || l > fn.endLine).slice(0, 8)) {
        const words = site.wordsOfFunctionAt(line);
        if (words) best = Math.max(best, overlap(words, site.nearbyWords));
      }
      score += similarCodeWeight * best;
    }
  }
  return score + similarity(name, site.nearbyWords);
}

/** Jaccard similarity of two word sets. */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / Math.max(1, a.size + b.size - shared);
}

/** Up to 0.4 for a name whose words occur around the cursor. */
function similarity(name: string, nearbyWords: ReadonlySet<string>): number {
  const words = subwords(name);
  return words.length ? (0.4 * words.filter((word) => nearbyWords.has(word)).length) / words.length : 0;
}

/**
 * The `count` definitions not used yet whose names best match the words around the cursor, or that
 * sibling files use (`shared`, `namesake`: shares 0–1), earlier ones on ties.
 */
function bestMatching(summary: FileSummary | undefined, nearbyWords: ReadonlySet<string>, count: number, shared: ReadonlyMap<string, number> = new Map(), used: ReadonlyMap<string, unknown> = new Map(), namesake: ReadonlyMap<string, number> = new Map()): Array<[string, readonly FileDefinition[]]> {
  const entries = [...(summary?.definitions ?? [])].filter(([name]) => name !== 'default' && !used.has(name));
  return entries
    .map((entry, index) => ({ entry, index, similarity: similarity(entry[0], nearbyWords) + (shared.get(entry[0]) ?? 0) + (namesake.get(entry[0]) ?? 0) }))
    .sort((a, b) => b.similarity - a.similarity || a.index - b.index)
    .slice(0, count)
    .map(({ entry }) => entry);
}

class DefinitionFinder {
  constructor(private readonly deps: ImportDeps, private readonly pending: Set<string>) {}

  /** The file's summary; past the deadline only a cached one (the rest is parsed later). */
  async load(path: string): Promise<FileSummary | undefined> {
    const open = this.deps.openText(path);
    if (this.deps.deadline.expired() && !this.deps.outlines.isCurrent(path, open)) {
      this.pending.add(path);
      return undefined;
    }
    return this.deps.outlines.load(path, open);
  }

  async find(path: string, name: string, hops: number): Promise<{ path: string; definitions: readonly FileDefinition[] } | undefined> {
    const summary = await this.load(path);
    if (!summary) return undefined;
    const own = summary.definitions.get(name);
    if (own?.length) return { path, definitions: own };
    const local = summary.outline.aliases.get(name);
    if (local !== undefined && local !== name && summary.definitions.get(local)?.length) return { path, definitions: summary.definitions.get(local)! };
    if (hops >= maxHops) return undefined;
    // Imported here and exported again under some name.
    const target = local ?? name;
    for (const binding of summary.outline.imports) {
      if (binding.local !== target || binding.kind !== 'named') continue;
      for (const file of resolveImport(this.deps.fs, summary.languageId, path, binding)) {
        const found = file !== path && (await this.find(file, binding.imported, hops + 1));
        if (found) return found;
      }
    }
    for (const reexport of summary.outline.reexports) {
      const inner = reexport.names ? reexport.names.get(name) : name;
      if (inner === undefined) continue;
      for (const file of resolveImport(this.deps.fs, summary.languageId, path, { local: '', imported: inner, module: reexport.module, kind: 'named' })) {
        const found = file !== path && (await this.find(file, inner, hops + 1));
        if (found) return found;
      }
    }
    return undefined;
  }
}

/**
 * A short definition with the short ones right next to it (a run of constants, small helpers): the
 * exact text of the file from the first to the last, one snippet that costs little more than one.
 */
export function withNeighbours(definition: FileDefinition): { text: string; startLine: number; endLine: number } | undefined {
  if (definition.text.length > shortDefinitionChars || (!definition.previous && !definition.next)) return undefined;
  let first = definition;
  let last = definition;
  let text = definition.text;
  for (let grew = true; grew; ) {
    grew = false;
    const after = last.next;
    if (after && after.gapBefore !== undefined && after.text.length <= shortDefinitionChars && text.length + after.gapBefore.length + after.text.length <= neighbourhoodChars) {
      text += after.gapBefore + after.text;
      last = after;
      grew = true;
    }
    const before = first.previous;
    if (before && first.gapBefore !== undefined && before.text.length <= shortDefinitionChars && text.length + first.gapBefore.length + before.text.length <= neighbourhoodChars) {
      text = before.text + first.gapBefore + text;
      first = before;
      grew = true;
    }
  }
  return first === last ? undefined : { text, startLine: first.startLine, endLine: last.endLine };
}
