// Definitions of the symbols the current file imports, ranked by how close to the cursor they are
// used. Each import is resolved to its file (per-language rules, resolve/), the file's outline gives
// the declaration, following re-exports (`export … from`, index files, __init__.py, `pub use`) a
// few hops deep. A module imported whole also offers the members not used yet that are most likely
// next (memberGuess.ts); such guesses are marked, and the budget caps their share (assemble.ts).
// Work runs in order of relevance and stops at the deadline; files it did not reach are reported
// so they can be parsed in the background for the next request.
import type { Candidate, Deadline } from './candidate';
import { headOf, withNeighbours } from './definitionText';
import type { FileDefinition, FileOutlines, FileSummary, OpenText } from './fileOutlines';
import { bestGuesses, publicSurface, similarity, type SurfaceName } from './memberGuess';
import type { ImportBinding, Outline } from './outline/outline';
import type { Resolver } from './resolve/resolve';
import type { SiblingUsage } from './siblingUsage';
import { UsageIndex } from './usage';

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
  readonly resolver: Resolver;
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
  /** The file the binding's module is resolved from, when not the current one (a module re-exported by another). */
  readonly from?: string;
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
const maxCandidates = 60;
/** How many members of a namespace to guess. */
const namespaceGuesses = 20;
const guessStep = 0.1;
/** Weight of the share of sibling files (same folder, same import) that use a namespace member. */
const siblingGuessWeight = 0.8;
const siblingUseWeight = 0.5;
/** Weight of the share of same-named functions in sibling files that use a name. */
const namesakeWeight = 1;
/** Headers a C/C++ include brings in through its own includes (umbrella headers), files and depth. */
const maxIncludedFiles = 24;
/** Modules a module re-exports whole whose names are offered as its own guesses. */
const maxStarModules = 12;
const maxIncludeDepth = 2;

export async function importedDefinitions(site: ImportSite, deps: ImportDeps): Promise<{ candidates: Candidate[]; pending: string[] }> {
  const ignored = new Set<number>();
  for (const binding of site.outline.imports)
    for (let line = binding.startLine ?? -1; line >= 0 && line <= (binding.endLine ?? line); line++) ignored.add(line);
  const usage = new UsageIndex(site.text, ignored);
  const wanted: Wanted[] = [];
  const namesake =
    site.functionName && deps.siblings && !deps.deadline.expired()
      ? deps.siblings.wordsOfFunction(site.path, site.functionName, deps.deadline)
      : new Map<string, number>();
  const score = (name: string, lines: readonly number[]) => usageScore(site, name, lines) + namesakeWeight * (namesake.get(name) ?? 0);
  // A module re-exported by another file (`from .base import gguf`) is imported by name next door too.
  const sharedMembers = (binding: ImportBinding, reexported = false) =>
    deps.siblings && !deps.deadline.expired()
      ? deps.siblings.membersOf(site.path, binding.module, binding.local, deps.deadline, reexported)
      : new Map<string, number>();
  // A named import of a module (`from pkg import module`, `use crate::store;`) is a namespace; a Go
  // or Java file also sees its own package's other files without an import.
  const bindings = [
    ...site.outline.imports.map((binding) => deps.resolver.asModule(site.languageId, site.path, binding) ?? binding),
    ...deps.resolver.implicitBindings(site.languageId),
  ];
  for (const binding of bindings) {
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
  /** Names of wildcard imports (includes, a package's own files), ranked together once all are read. */
  const pool: Array<{ file: string; definitions: readonly FileDefinition[]; score: number; guess: boolean }> = [];
  const pending = new Set<string>();
  const seen = new Set<string>();
  const finder = new DefinitionFinder(deps, pending);
  for (const want of wanted) {
    if (candidates.length >= maxCandidates) break;
    const files = [...deps.resolver.resolve(site.languageId, want.from ?? site.path, want.binding)];
    if (want.binding.kind === 'wildcard' && (site.languageId === 'c' || site.languageId === 'cpp')) files.push(...(await finder.included(files)));
    for (const file of files) {
      if (file === site.path) continue;
      if (want.name === '*') {
        const summary = await finder.load(file);
        if (want.binding.kind === 'wildcard') {
          // The module's names this file uses, and those same-named functions next to it use (a
          // guess): all of them ranked together below, since an include or a package brings many.
          for (const [name, definitions] of summary?.definitions ?? []) {
            const lines = usage.linesOf(name);
            const share = namesake.get(name) ?? 0;
            if (lines.length) pool.push({ file, definitions, score: wildcardScore(site, name, lines) + namesakeWeight * share, guess: false });
            else if (share > 0)
              pool.push({ file, definitions, score: otherMembersScore + namesakeWeight * share + similarity(name, site.nearbyWords), guess: true });
          }
          if (deps.deadline.expired()) break;
        } else if (summary) {
          // Each further guess is worth a little less, so they fill the places real uses leave free.
          // The members sibling files use, or a same-named function there, are the best guesses.
          const shared = sharedMembers(want.binding, want.from !== undefined);
          const used = usage.membersOf(want.binding.local);
          const surface = await finder.surface(file, summary);
          const guesses = bestGuesses(surface, { nearbyWords: site.nearbyWords, shared, namesake, used }, namespaceGuesses);
          for (const [rank, guess] of guesses.entries()) {
            const found = guess.own ? { path: guess.file, definitions: guess.definitions } : await finder.find(file, guess.name, 0);
            const value =
              want.score -
              guessStep * rank +
              similarity(guess.name, site.nearbyWords) +
              siblingGuessWeight * (shared.get(guess.name) ?? 0) +
              namesakeWeight * (namesake.get(guess.name) ?? 0);
            if (found) add(candidates, seen, deps, found.path, found.definitions, value, true);
            if (deps.deadline.expired()) break;
          }
        }
        continue;
      }
      const found = await finder.find(file, want.name, 0);
      if (found) add(candidates, seen, deps, found.path, found.definitions, want.score);
      else if (want.binding.kind === 'named') {
        // A module the other file imports whole and this one takes from it (`from .base import gguf`,
        // `export { z }` of `import * as z`): a namespace here, resolved from there.
        const module = (await finder.load(file))?.outline.imports.find((b) => b.kind === 'namespace' && b.local === want.name);
        if (module) {
          const binding: ImportBinding = { ...module, local: want.binding.local };
          const members = usage.membersOf(binding.local);
          const shared = sharedMembers(binding, true);
          for (const [member, lines] of members)
            wanted.push({ binding, name: member, score: score(member, lines) + siblingUseWeight * (shared.get(member) ?? 0), from: file });
          wanted.push({ binding, name: '*', score: members.size ? otherMembersScore : unusedNamespaceScore, from: file });
        }
      }
      if (deps.deadline.expired()) break;
    }
  }
  pool.sort((a, b) => b.score - a.score);
  for (const entry of pool) {
    if (candidates.length >= maxCandidates) break;
    add(candidates, seen, deps, entry.file, entry.definitions, entry.score, entry.guess);
  }
  return { candidates, pending: [...pending] };
}

/**
 * A wildcard import's name as used here: nearest use, frequency, words shared with the cursor's
 * surroundings — not the similar-functions term, which walks the tree for every use and an include
 * brings hundreds of names.
 */
function wildcardScore(site: Pick<ImportSite, 'cursorLine' | 'nearbyWords'>, name: string, lines: readonly number[]): number {
  let distance = Infinity;
  for (const line of lines) distance = Math.min(distance, Math.abs(line - site.cursorLine));
  return 1 / (1 + distance / 10) + 0.1 * Math.log2(1 + Math.min(lines.length, 8)) + similarity(name, site.nearbyWords);
}

function add(
  candidates: Candidate[],
  seen: Set<string>,
  deps: ImportDeps,
  path: string,
  definitions: readonly FileDefinition[],
  score: number,
  guess = false,
): void {
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
    ...((joined && { core: { text: first.text, startLine: first.startLine, endLine: first.endLine } }) || (chosen.length === 1 && headOf(first))),
    ...(guess && { guess }),
  });
}

/** Proximity of the nearest use to the cursor, more inside the enclosing scope, a little for frequency and for words shared with the cursor's surroundings. */
export function usageScore(
  site: Pick<ImportSite, 'cursorLine' | 'scopes' | 'nearbyWords' | 'wordsOfFunctionAt'>,
  name: string,
  lines: readonly number[],
): number {
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

type Offered = SurfaceName & { readonly file: string; readonly definitions: readonly FileDefinition[] };
const offeredBy = new WeakMap<FileSummary, { inner: readonly FileSummary[]; offered: readonly Offered[] }>();

class DefinitionFinder {
  constructor(
    private readonly deps: ImportDeps,
    private readonly pending: Set<string>,
  ) {}

  /** The file's summary; past the deadline only a cached one (the rest is parsed later). */
  async load(path: string): Promise<FileSummary | undefined> {
    const open = this.deps.openText(path);
    if (this.deps.deadline.expired() && !this.deps.outlines.isCurrent(path, open)) {
      this.pending.add(path);
      return undefined;
    }
    return this.deps.outlines.load(path, open);
  }

  /**
   * What a module offers an importer: its public surface, and that of the modules it re-exports
   * whole (`export * from`, a package's `from .x import *` without an `__all__`), one hop deep.
   */
  async surface(file: string, summary: FileSummary): Promise<readonly Offered[]> {
    // An exported alias (`exports.a = b`, `export { b as a }`) is defined under its local name.
    const own = (entry: SurfaceName, from: FileSummary, path: string) => {
      const definitions = entry.own ? (from.definitions.get(entry.name) ?? from.definitions.get(from.outline.aliases.get(entry.name) ?? '') ?? []) : [];
      return { ...entry, own: definitions.length > 0, file: path, definitions };
    };
    const stars =
      summary.languageId === 'python' && summary.definitions.has('__all__') ? [] : summary.outline.reexports.filter((r) => !r.names).slice(0, maxStarModules);
    const inner: Array<{ path: string; summary: FileSummary }> = [];
    for (const reexport of stars) {
      for (const target of this.deps.resolver.resolve(summary.languageId, file, { local: '', imported: '*', module: reexport.module, kind: 'wildcard' })) {
        const loaded = target !== file ? await this.load(target) : undefined;
        if (loaded) inner.push({ path: target, summary: loaded });
      }
      if (this.deps.deadline.expired()) break;
    }
    // The same module and re-exported modules (their summaries unchanged) offer the same list: kept
    // with the module's summary, so the next keystroke does not build it again.
    const cached = offeredBy.get(summary);
    if (cached && cached.inner.length === inner.length && cached.inner.every((s, i) => s === inner[i]!.summary)) return cached.offered;
    const offered = publicSurface(summary).map((entry) => own(entry, summary, file));
    for (const { path, summary: star } of inner) for (const entry of publicSurface(star)) if (entry.own) offered.push(own(entry, star, path));
    offeredBy.set(summary, { inner: inner.map((i) => i.summary), offered });
    return offered;
  }

  /** Headers the given ones include in turn (an umbrella header's parts), breadth first, bounded. */
  async included(files: readonly string[]): Promise<string[]> {
    const found = new Set(files);
    let level = [...files];
    for (let depth = 0; depth < maxIncludeDepth && level.length && found.size < maxIncludedFiles; depth++) {
      const next: string[] = [];
      for (const file of level) {
        const summary = await this.load(file);
        for (const binding of summary?.outline.imports ?? []) {
          for (const header of this.deps.resolver.resolve(summary!.languageId, file, binding)) {
            if (found.size >= maxIncludedFiles || found.has(header)) continue;
            found.add(header);
            next.push(header);
          }
        }
        if (this.deps.deadline.expired()) return [...found].slice(files.length);
      }
      level = next;
    }
    return [...found].slice(files.length);
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
      for (const file of this.deps.resolver.resolve(summary.languageId, path, binding)) {
        const found = file !== path && (await this.find(file, binding.imported, hops + 1));
        if (found) return found;
      }
    }
    for (const reexport of summary.outline.reexports) {
      const inner = reexport.names ? reexport.names.get(name) : name;
      if (inner === undefined) continue;
      for (const file of this.deps.resolver.resolve(summary.languageId, path, {
        local: '',
        imported: inner,
        module: reexport.module,
        kind: reexport.names ? 'named' : 'wildcard',
      })) {
        const found = file !== path && (await this.find(file, inner, hops + 1));
        if (found) return found;
      }
    }
    return undefined;
  }
}
