// What Cargo.toml says about a crate, read with a small TOML subset (tables, arrays of tables,
// strings, string arrays, inline tables): the package name, the library and binary roots, the
// workspace's members, and the crates a manifest depends on by local path.
import path from 'node:path';
import type { FsCache } from './fsCache';

export interface CargoManifest {
  readonly dir: string;
  readonly name?: string;
  /** The library's root file (src/lib.rs unless [lib] path says otherwise), when there is one. */
  readonly lib?: string;
  /** Binary roots: [[bin]] paths, src/main.rs, src/bin/*.rs and src/bin/<name>/main.rs. */
  readonly bins: readonly string[];
  /** Workspace member folders (globs expanded), for a manifest with [workspace]. */
  readonly members: readonly string[];
  /** Crate name as code writes it (dashes as underscores) → the folder of its manifest. */
  readonly pathDependencies: ReadonlyMap<string, string>;
}

type Value = string | boolean | number | Value[] | { [key: string]: Value };
type Table = Record<string, Value>;

/** Parsed manifests, by file, while their text is the one the FsCache holds. */
const parsed = new Map<string, { text: string; manifest: CargoManifest }>();

export function readCargo(fs: FsCache, dir: string): CargoManifest | undefined {
  const file = path.join(dir, 'Cargo.toml');
  const text = fs.readText(file, 500_000);
  if (text === undefined) return undefined;
  const cached = parsed.get(file);
  if (cached?.text === text) return cached.manifest;
  const manifest = parseManifest(fs, dir, text);
  if (parsed.size > 256) parsed.clear();
  parsed.set(file, { text, manifest });
  return manifest;
}

function parseManifest(fs: FsCache, dir: string, text: string): CargoManifest {
  const toml = parseToml(text);
  const table = (name: string) => (toml[name] && typeof toml[name] === 'object' && !Array.isArray(toml[name]) ? (toml[name] as Table) : {});
  const str = (value: Value | undefined) => (typeof value === 'string' ? value : undefined);
  const libPath = str(table('lib').path) ?? 'src/lib.rs';
  const lib = fs.isFile(path.join(dir, libPath)) ? path.join(dir, libPath) : undefined;
  const bins = new Set<string>();
  for (const bin of Array.isArray(toml.bin) ? toml.bin : []) {
    const binPath = bin && typeof bin === 'object' && !Array.isArray(bin) ? str(bin.path) : undefined;
    if (binPath) bins.add(path.join(dir, binPath));
  }
  if (fs.isFile(path.join(dir, 'src/main.rs'))) bins.add(path.join(dir, 'src/main.rs'));
  for (const name of fs.list(path.join(dir, 'src/bin'))) {
    if (name.endsWith('.rs')) bins.add(path.join(dir, 'src/bin', name));
    else if (fs.isFile(path.join(dir, 'src/bin', name, 'main.rs'))) bins.add(path.join(dir, 'src/bin', name, 'main.rs'));
  }
  const workspace = table('workspace');
  const members = (Array.isArray(workspace.members) ? workspace.members : [])
    .filter((m): m is string => typeof m === 'string')
    .flatMap((member) => expandMember(fs, dir, member));
  const pathDependencies = new Map<string, string>();
  const workspaceDependencies = workspace.dependencies && typeof workspace.dependencies === 'object' ? (workspace.dependencies as Table) : {};
  for (const section of [table('dependencies'), table('dev-dependencies'), table('build-dependencies'), workspaceDependencies]) {
    for (const [key, value] of Object.entries(section)) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
      const local = str(value.path);
      if (local) pathDependencies.set(key.replaceAll('-', '_'), path.resolve(dir, local));
    }
  }
  return { dir, name: str(table('package').name), lib, bins: [...bins], members, pathDependencies };
}

/** `crates/*` → every folder under crates/ holding a Cargo.toml. */
function expandMember(fs: FsCache, dir: string, member: string): string[] {
  if (!member.includes('*')) return [path.resolve(dir, member)];
  const star = member.indexOf('*');
  const parent = path.resolve(dir, member.slice(0, member.lastIndexOf('/', star) + 1) || '.');
  return fs
    .list(parent)
    .map((name) => path.join(parent, name))
    .filter((folder) => fs.isFile(path.join(folder, 'Cargo.toml')));
}

/** Enough TOML for manifests: `[table]`, `[[array]]`, dotted table names, and key = value lines. */
export function parseToml(text: string): Table {
  const root: Table = {};
  let current: Table = root;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = stripComment(lines[i]!).trim();
    if (!line) continue;
    const header = /^\[(\[?)\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      const names = header[2]!.split('.').map((n) => n.trim().replace(/^"|"$/g, ''));
      let table = root;
      for (const name of names.slice(0, -1)) table = (table[name] ??= {}) as Table;
      const last = names.at(-1)!;
      if (header[1]) {
        const array = (Array.isArray(table[last]) ? table[last] : (table[last] = [])) as Value[];
        current = {};
        array.push(current);
      } else current = (table[last] ??= {}) as Table;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    // A value that opens a bracket continues until it closes (multi-line arrays).
    while (depth(line) > 0 && i + 1 < lines.length) line += ` ${stripComment(lines[++i]!).trim()}`;
    const keys = line
      .slice(0, eq)
      .trim()
      .split('.')
      .map((k) => k.trim().replace(/^"|"$/g, ''));
    let table = current;
    for (const key of keys.slice(0, -1)) table = (table[key] ??= {}) as Table;
    const value = parseValue(line.slice(eq + 1).trim());
    if (value !== undefined) table[keys.at(-1)!] = value;
  }
  return root;
}

function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"' && line[i - 1] !== '\\') quoted = !quoted;
    else if (line[i] === '#' && !quoted) return line.slice(0, i);
  }
  return line;
}

function depth(text: string): number {
  let level = 0;
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '[' || c === '{')) level++;
    else if (!quoted && (c === ']' || c === '}')) level--;
  }
  return level;
}

function parseValue(text: string): Value | undefined {
  if (text.startsWith('"') || text.startsWith("'")) return text.slice(1, text.indexOf(text[0]!, 1));
  if (text === 'true' || text === 'false') return text === 'true';
  if (text.startsWith('['))
    return splitTopLevel(text.slice(1, text.lastIndexOf(']')))
      .map(parseValue)
      .filter((v): v is Value => v !== undefined);
  if (text.startsWith('{')) {
    const table: Table = {};
    for (const pair of splitTopLevel(text.slice(1, text.lastIndexOf('}')))) {
      const eq = pair.indexOf('=');
      const value = eq > 0 ? parseValue(pair.slice(eq + 1).trim()) : undefined;
      if (value !== undefined) table[pair.slice(0, eq).trim().replace(/^"|"$/g, '')] = value;
    }
    return table;
  }
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let level = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '[' || c === '{')) level++;
    else if (!quoted && (c === ']' || c === '}')) level--;
    else if (!quoted && level === 0 && c === ',') {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter(Boolean);
}
