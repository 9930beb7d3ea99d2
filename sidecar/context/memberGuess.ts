// What a module offers to a file that imports it whole (`import * as m`, `import pkg`, `from pkg
// import module`, a Go package, a Rust module): its public surface — what the language lets an
// importer use, in the module's own order — and, from it, the members most likely used next at the
// cursor, for those the file has not used yet: by words shared with the code around the cursor and
// the function being written, by what sibling files use, by the module's own `__all__`.
import type { FileSummary } from './fileOutlines';
import { subwords } from './usage';

export interface SurfaceName {
  readonly name: string;
  /** Declared in the module itself (else re-exported from another: found when chosen). */
  readonly own: boolean;
  /** Listed in the module's declared surface (`__all__`). */
  readonly listed: boolean;
}

const surfaces = new WeakMap<FileSummary, readonly SurfaceName[]>();

/** The names an importer of this module may use, own declarations first, in file order. */
export function publicSurface(summary: FileSummary): readonly SurfaceName[] {
  let surface = surfaces.get(summary);
  if (!surface) surfaces.set(summary, (surface = computeSurface(summary)));
  return surface;
}

function computeSurface(summary: FileSummary): SurfaceName[] {
  const { languageId, definitions, outline } = summary;
  const names: SurfaceName[] = [];
  const seen = new Set<string>(['default']);
  const push = (name: string, own: boolean, listed = false) => {
    if (seen.has(name)) return;
    seen.add(name);
    names.push({ name, own, listed });
  };
  const first = (name: string) => definitions.get(name)?.[0];
  const ordered = [...definitions.keys()].sort((a, b) => (first(a)?.start ?? 0) - (first(b)?.start ?? 0));
  if (languageId === 'python') {
    const all = first('__all__');
    const listed = all ? [...all.text.matchAll(/["']([A-Za-z_]\w*)["']/g)].map((m) => m[1]!) : undefined;
    if (listed) {
      for (const name of listed) push(name, definitions.has(name), true);
      return names;
    }
    for (const name of ordered) if (!name.startsWith('_')) push(name, true);
    // A package's __init__ offers what it imports from its own modules.
    for (const binding of outline.imports) if (binding.kind === 'named' && !binding.local.startsWith('_')) push(binding.local, false);
    for (const reexport of outline.reexports) for (const name of reexport.names?.keys() ?? []) if (!name.startsWith('_')) push(name, false);
    return names;
  }
  if (languageId.startsWith('typescript') || languageId.startsWith('javascript')) {
    const exported = ordered.filter((name) => /^\s*(export\b|(module\.)?exports\.)/.test(first(name)!.text));
    const aliased = [...outline.aliases.keys()];
    // A script with no exports at all: everything is offered.
    const open = exported.length === 0 && aliased.length === 0;
    for (const name of ordered) if (open || exported.includes(name)) push(name, true);
    for (const name of aliased) {
      const target = outline.aliases.get(name)!;
      // `exports.default = DeepFilter`: the member is `default`, the definition (and its words) DeepFilter's.
      if (name === 'default') {
        if (definitions.has(target)) push(target, true);
      } else push(name, definitions.has(target) || definitions.has(name));
    }
    for (const reexport of outline.reexports) for (const name of reexport.names?.keys() ?? []) push(name, false);
    return names;
  }
  for (const name of ordered) {
    const text = first(name)!.text;
    if (languageId === 'go' && (!/^[A-Z]/.test(name) || /^func\s*\(/.test(text))) continue;
    if (languageId === 'rust' && (!/^\s*pub\b/.test(text) || /^\s*impl\b/.test(text))) continue;
    if (languageId === 'kotlin' && /^\s*(private|internal)\b/.test(text)) continue;
    push(name, true);
  }
  if (languageId === 'rust') for (const binding of outline.imports) if (binding.kind === 'named') push(binding.local, false);
  return names;
}

export interface GuessSignals {
  /** Words (subwords) of the code around the cursor and the header of the function being written. */
  readonly nearbyWords: ReadonlySet<string>;
  /** member → share (0–1) of sibling files using this namespace that use it. */
  readonly shared: ReadonlyMap<string, number>;
  /** name → share of same-named functions in sibling files that use it. */
  readonly namesake: ReadonlyMap<string, number>;
  /** Members this file already uses (not guesses). */
  readonly used: ReadonlyMap<string, unknown>;
}

/** A name declared in `__all__` is a little more likely than one the module merely defines. */
const listedBonus = 0.05;

/** The `count` public names not used yet most likely used next, best first (earlier in the module on ties). */
export function bestGuesses<T extends SurfaceName>(surface: readonly T[], signals: GuessSignals, count: number): T[] {
  return surface
    .filter((entry) => !signals.used.has(entry.name))
    .map((entry, index) => ({ entry, index, score: guessAffinity(entry, signals) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, count)
    .map(({ entry }) => entry);
}

export function guessAffinity(entry: SurfaceName, signals: GuessSignals): number {
  return (
    similarity(entry.name, signals.nearbyWords) +
    (signals.shared.get(entry.name) ?? 0) +
    (signals.namesake.get(entry.name) ?? 0) +
    (entry.listed ? listedBonus : 0)
  );
}

/** Subwords by name: an include or a package offers the same few thousand names keystroke after keystroke. */
const wordsByName = new Map<string, readonly string[]>();

/** Up to 0.4 for a name whose words occur around the cursor. */
export function similarity(name: string, nearbyWords: ReadonlySet<string>): number {
  let words = wordsByName.get(name);
  if (!words) {
    if (wordsByName.size >= 50_000) wordsByName.clear();
    wordsByName.set(name, (words = subwords(name)));
  }
  return words.length ? (0.4 * words.filter((word) => nearbyWords.has(word)).length) / words.length : 0;
}
