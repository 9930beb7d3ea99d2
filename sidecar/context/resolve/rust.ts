// Rust paths resolved through the crate tree, as rustc does: the crate root comes from Cargo.toml
// ([lib] path, src/lib.rs, src/main.rs, src/bin/*), each `mod x;` (with `#[path]`) leads to x.rs or
// x/mod.rs next to a mod-rs file or in the folder named after a non-mod-rs one, and a `use` path
// starts at `crate`, `self`, `super`, a module of the current one, or another crate: the package
// itself (from tests and examples), a path dependency or a workspace member.
import path from 'node:path';
import { readCargo, type CargoManifest } from './cargo';
import type { FsCache } from './fsCache';
import type { ResolveScope } from './scope';

export interface RustContext {
  readonly fs: FsCache;
  readonly scope: ResolveScope;
}

interface Crate {
  readonly root: string;
  readonly manifest: CargoManifest;
}

const maxAncestors = 12;

/** The file that holds the last module a `use` path reaches (its items are looked up there). */
export function resolveRust(context: RustContext, fromFile: string, module: string): string[] {
  const found = moduleFile(context, fromFile, module.split('::').filter(Boolean));
  return found && found.file !== fromFile ? [found.file] : [];
}

/** Whether `module::name` is itself a module (a file), e.g. `use crate::store;` then `store::open()`. */
export function rustSubmodule(context: RustContext, fromFile: string, module: string, name: string): string | undefined {
  const dotted = module ? `${module}::${name}` : name;
  const found = moduleFile(context, fromFile, dotted.split('::').filter(Boolean));
  return found && found.rest === 0 && found.file !== fromFile ? dotted : undefined;
}

/**
 * Walks the segments through `mod` declarations; `rest` counts the segments left (items, not
 * modules). A module not declared (yet: the user is writing it, or a macro declares it) is found
 * by its place in the folders instead, when that reaches deeper.
 */
function moduleFile(context: RustContext, fromFile: string, segments: string[]): { file: string; rest: number } | undefined {
  const crate = crateOf(context, fromFile);
  if (!crate || !segments.length) return undefined;
  const declared = throughTree(context, crate, fromFile, segments);
  const byFolder = throughFolders(context, crate, fromFile, segments);
  if (declared && (!byFolder || declared.rest <= byFolder.rest)) return declared;
  return byFolder;
}

function throughTree(context: RustContext, crate: Crate, fromFile: string, segments: string[]): { file: string; rest: number } | undefined {
  const { fs } = context;
  const current = modulePathOf(crate, fromFile);
  let start: { file: string; isRoot: boolean; path: string[] } | undefined;
  let rest: string[];
  const [first] = segments;
  if (first === 'crate') {
    start = { file: crate.root, isRoot: true, path: [] };
    rest = segments.slice(1);
  } else if (first === 'self' || first === 'super') {
    const absolute = [...current];
    let i = 0;
    for (; segments[i] === 'self' || segments[i] === 'super'; i++) if (segments[i] === 'super') absolute.pop();
    start = { file: crate.root, isRoot: true, path: [] };
    rest = [...absolute, ...segments.slice(i)];
  } else {
    const own = walk(fs, crate.root, true, current);
    const other = externCrates(context, crate).get(first!);
    if (own && childModule(fs, own.file, own.isRoot, first!)) {
      start = { file: crate.root, isRoot: true, path: [] };
      rest = [...current, ...segments];
    } else if (other) {
      start = { file: other, isRoot: true, path: [] };
      rest = segments.slice(1);
    } else if (childModule(fs, crate.root, true, first!)) {
      // 2015-edition paths are relative to the crate root.
      start = { file: crate.root, isRoot: true, path: [] };
      rest = segments;
    } else return undefined;
  }
  const reached = walk(fs, start.file, start.isRoot, rest);
  if (!reached || !context.scope.allows(fromFile, reached.file)) return undefined;
  return { file: reached.file, rest: rest.length - reached.depth };
}

function walk(fs: FsCache, file: string, isRoot: boolean, segments: readonly string[]): { file: string; isRoot: boolean; depth: number } | undefined {
  let at = { file, isRoot, depth: 0 };
  for (const segment of segments) {
    const child = childModule(fs, at.file, at.isRoot, segment);
    if (!child) break;
    at = { file: child, isRoot: false, depth: at.depth + 1 };
  }
  return at;
}

/** Each file's `mod` declarations (name → its #[path] or ''), while its text is the one the FsCache holds. */
const declarations = new Map<string, { text: string; mods: Map<string, string> }>();

function modsOf(fs: FsCache, file: string): Map<string, string> | undefined {
  const text = fs.readText(file, 1_000_000);
  if (text === undefined) return undefined;
  const cached = declarations.get(file);
  if (cached?.text === text) return cached.mods;
  const mods = new Map<string, string>();
  // Only lines that declare a module are matched: the attribute prefix is costly to try everywhere.
  for (const line of text.match(/^.*\bmod\s+(?:r#)?\w+\s*;.*$/gm) ?? []) {
    const start = text.indexOf(line);
    const head = text.slice(Math.max(0, start - 400), start + line.length);
    const match = /((?:#\[[^\]]*\]\s*)*)(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+(?:r#)?([A-Za-z_]\w*)\s*;[^\n]*$/.exec(head);
    if (match && !mods.has(match[2]!)) mods.set(match[2]!, /#\[path\s*=\s*"([^"]+)"\]/.exec(match[1] ?? '')?.[1] ?? '');
  }
  if (declarations.size > 2_048) declarations.clear();
  declarations.set(file, { text, mods });
  return mods;
}

/** The file of `mod name;` declared in `file`, if it declares one. */
function childModule(fs: FsCache, file: string, isRoot: boolean, name: string): string | undefined {
  const declared = modsOf(fs, file)?.get(name);
  if (declared === undefined) return undefined;
  const dir = path.dirname(file);
  if (declared) return fs.isFile(path.resolve(dir, declared)) ? path.resolve(dir, declared) : undefined;
  // mod-rs files (the crate root, mod.rs) keep their children beside them; x.rs keeps them in x/.
  const base = isRoot || path.basename(file) === 'mod.rs' ? dir : path.join(dir, path.basename(file, '.rs'));
  for (const candidate of [path.join(base, `${name}.rs`), path.join(base, name, 'mod.rs')]) if (fs.isFile(candidate)) return candidate;
  return undefined;
}

/** `crate::a::b` as src/a/b.rs (or a/b/mod.rs), `super::x` beside the file's module: by folders alone. */
function throughFolders(context: RustContext, crate: Crate, fromFile: string, segments: string[]): { file: string; rest: number } | undefined {
  const { fs } = context;
  const rootDir = path.dirname(crate.root);
  let base: string;
  let rest: string[];
  if (segments[0] === 'crate') {
    base = rootDir;
    rest = segments.slice(1);
  } else if (segments[0] === 'self' || segments[0] === 'super') {
    const stem = path.basename(fromFile, '.rs');
    base = fromFile === crate.root || stem === 'mod' ? path.dirname(fromFile) : path.join(path.dirname(fromFile), stem);
    let i = 0;
    for (; segments[i] === 'self' || segments[i] === 'super'; i++) if (segments[i] === 'super') base = path.dirname(base);
    rest = segments.slice(i);
  } else return undefined;
  for (let length = rest.length; length >= 1; length--) {
    const stem = path.join(base, ...rest.slice(0, length));
    for (const candidate of [`${stem}.rs`, path.join(stem, 'mod.rs')]) {
      if (fs.isFile(candidate) && context.scope.allows(fromFile, candidate)) return { file: candidate, rest: rest.length - length };
    }
  }
  return undefined;
}

/** The module path of a file inside its crate, from its place under the root's folder. */
function modulePathOf(crate: Crate, file: string): string[] {
  if (file === crate.root) return [];
  const relative = path.relative(path.dirname(crate.root), file).replace(/\.rs$/, '');
  if (relative.startsWith('..')) return [];
  const parts = relative.split(path.sep);
  if (parts.at(-1) === 'mod') parts.pop();
  return parts;
}

function crateOf(context: RustContext, file: string): Crate | undefined {
  const { fs, scope } = context;
  for (let dir = path.dirname(file), i = 0; i < maxAncestors && scope.reaches(file, dir); i++, dir = path.dirname(dir)) {
    const manifest = readCargo(fs, dir);
    if (manifest && (manifest.lib || manifest.bins.length || manifest.name)) {
      return { root: crateRoot(manifest, file), manifest };
    }
    if (path.dirname(dir) === dir) break;
  }
  return undefined;
}

/** The root a file compiles under: itself for a root (a binary, a test, an example), else the library's or the main binary's. */
function crateRoot(manifest: CargoManifest, file: string): string {
  if (manifest.lib === file || manifest.bins.includes(file)) return file;
  const relative = path.relative(manifest.dir, file).split(path.sep);
  if (['tests', 'examples', 'benches'].includes(relative[0]!) && relative.length === 2) return file;
  const bin = manifest.bins.find(
    (root) => path.basename(root) === 'main.rs' && path.dirname(root) !== path.join(manifest.dir, 'src') && file.startsWith(path.dirname(root) + path.sep),
  );
  // No root on disk (a crate being set up): where src/lib.rs would be.
  return bin ?? manifest.lib ?? manifest.bins[0] ?? path.join(manifest.dir, 'src', 'lib.rs');
}

/** Crate names a file can `use`: its own package (from tests and binaries), path dependencies, workspace members. */
function externCrates(context: RustContext, crate: Crate): Map<string, string> {
  const { fs } = context;
  const crates = new Map<string, string>();
  const addManifest = (dir: string, as?: string) => {
    const manifest = readCargo(fs, dir);
    if (manifest?.lib && (as ?? manifest.name)) crates.set((as ?? manifest.name)!.replaceAll('-', '_'), manifest.lib);
  };
  if (crate.manifest.lib && crate.root !== crate.manifest.lib) addManifest(crate.manifest.dir);
  for (const [name, dir] of crate.manifest.pathDependencies) addManifest(dir, name);
  // The workspace above: its members and its path dependencies.
  for (let dir = path.dirname(crate.manifest.dir), i = 0; i < maxAncestors; i++, dir = path.dirname(dir)) {
    const workspace = readCargo(fs, dir);
    if (workspace?.members.length) {
      for (const member of workspace.members) if (member !== crate.manifest.dir) addManifest(member);
      for (const [name, folder] of workspace.pathDependencies) if (!crates.has(name)) addManifest(folder, name);
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  return crates;
}
