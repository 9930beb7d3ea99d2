// C and C++ `#include`, searched as the compiler searches it: a quoted include first beside the
// including file, then the include directories — those the compile database (compile_commands.json
// in the project or its build folder, or compile_flags.txt) gives the file (`-iquote`, `-I`,
// `-isystem`; for a header, those of the sources in its folder), else the project's usual ones
// (include/ folders and the project root). Angle includes use the directories only, and only those
// inside the workspace: system headers are never read.
import path from 'node:path';
import type { FsCache } from './fsCache';
import type { ResolveScope } from './scope';

export interface CFamilyContext {
  readonly fs: FsCache;
  readonly scope: ResolveScope;
}

interface CompileDatabase {
  /** Source file → its include directories, in search order. */
  readonly byFile: ReadonlyMap<string, readonly string[]>;
  /** Folder → the include directories of its sources (for headers, which have no entry). */
  readonly byFolder: ReadonlyMap<string, readonly string[]>;
  readonly all: readonly string[];
}

const databaseFolders = ['', 'build', 'out', 'builddir', '_build', 'cmake-build-debug', 'cmake-build-release', 'debug', 'release'];
const maxDatabaseBytes = 32_000_000;
/** A bigger database is parsed off the keystroke path: until it is ready, the usual folders are searched. */
const parseNowBytes = 1_000_000;
const databases = new WeakMap<FsCache, Map<string, { key: string; database: CompileDatabase | undefined; parsing?: boolean }>>();

export function resolveInclude(context: CFamilyContext, fromFile: string, include: string): string[] {
  const { fs, scope } = context;
  const angled = include.startsWith('<');
  const name = include.replace(/^[<"]|[>"]$/g, '');
  const candidates: string[] = [];
  if (!angled) candidates.push(path.resolve(path.dirname(fromFile), name));
  for (const dir of includeDirs(context, fromFile)) candidates.push(path.resolve(dir, name));
  for (const candidate of candidates) if (fs.isFile(candidate) && scope.allows(fromFile, candidate)) return [candidate];
  return [];
}

/** Where includes of `fromFile` are searched: the compile database's directories, else the usual ones. */
export function includeDirs(context: CFamilyContext, fromFile: string): string[] {
  const { fs, scope } = context;
  const workspace = scope.workspaceOf(fromFile);
  const database = compileDatabase(fs, workspace);
  const fromDatabase = database && (database.byFile.get(fromFile) ?? database.byFolder.get(path.dirname(fromFile)) ?? database.all);
  const dirs = (fromDatabase ?? []).filter((dir) => scope.reaches(fromFile, dir));
  if (dirs.length) return dirs;
  // No database: include/ folders above the file (a library's public headers) and the project root.
  const usual: string[] = [];
  for (let dir = path.dirname(fromFile); scope.reaches(fromFile, dir); dir = path.dirname(dir)) {
    for (const name of ['include', 'inc', 'src']) if (fs.isDirectory(path.join(dir, name))) usual.push(path.join(dir, name));
    usual.push(dir);
    if (dir === workspace || path.dirname(dir) === dir) break;
  }
  return usual;
}

/** Whether a compile database is being read in the background (what is not found now may be soon). */
export function compileDatabasePending(fs: FsCache): boolean {
  for (const entry of databases.get(fs)?.values() ?? []) if (entry.parsing) return true;
  return false;
}

function compileDatabase(fs: FsCache, workspace: string): CompileDatabase | undefined {
  let cache = databases.get(fs);
  if (!cache) databases.set(fs, (cache = new Map()));
  for (const folder of databaseFolders) {
    for (const name of ['compile_commands.json', 'compile_flags.txt']) {
      const file = path.join(workspace, folder, name);
      const stat = fs.stat(file);
      if (!stat?.isFile) continue;
      const key = `${stat.mtimeMs}:${stat.size}`;
      const cached = cache.get(file);
      if (cached?.key === key) return cached.database;
      const parse = () => (name === 'compile_flags.txt' ? fromFlags(fs, file) : fromCommands(fs, file));
      if (stat.size <= parseNowBytes) {
        const database = parse();
        cache.set(file, { key, database });
        return database;
      }
      const entry = { key, database: undefined as CompileDatabase | undefined, parsing: true };
      cache.set(file, entry);
      setImmediate(() => {
        entry.database = parse();
        entry.parsing = false;
      });
      return undefined;
    }
  }
  return undefined;
}

interface CommandEntry {
  directory?: string;
  file?: string;
  command?: string;
  arguments?: string[];
}

function fromCommands(fs: FsCache, file: string): CompileDatabase | undefined {
  // Parsed here and kept only as the include directories (a database can be tens of MB of JSON).
  let entries: CommandEntry[] | undefined;
  try {
    entries = JSON.parse(fs.readText(file, maxDatabaseBytes) ?? 'null') as CommandEntry[] | undefined;
  } catch {
    return undefined;
  }
  if (!Array.isArray(entries)) return undefined;
  const byFile = new Map<string, string[]>();
  const byFolder = new Map<string, string[]>();
  const all = new Set<string>();
  for (const entry of entries) {
    if (!entry || typeof entry.file !== 'string') continue;
    const directory = typeof entry.directory === 'string' ? entry.directory : path.dirname(file);
    const args = Array.isArray(entry.arguments) ? entry.arguments : splitCommand(entry.command ?? '');
    const dirs = includeFlags(args, directory);
    const source = path.resolve(directory, entry.file);
    byFile.set(source, dirs);
    const folder = byFolder.get(path.dirname(source)) ?? [];
    for (const dir of dirs) if (!folder.includes(dir)) folder.push(dir);
    byFolder.set(path.dirname(source), folder);
    for (const dir of dirs) all.add(dir);
  }
  return { byFile, byFolder, all: [...all] };
}

function fromFlags(fs: FsCache, file: string): CompileDatabase | undefined {
  const text = fs.readText(file, 1_000_000);
  if (text === undefined) return undefined;
  const all = includeFlags(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    path.dirname(file),
  );
  return { byFile: new Map(), byFolder: new Map(), all };
}

/** -iquote dirs first (quoted includes), then -I, then -isystem, as the compiler orders them. */
export function includeFlags(args: readonly string[], directory: string): string[] {
  const groups: Record<'quote' | 'user' | 'system', string[]> = { quote: [], user: [], system: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const flag = /^(-iquote|-I|-isystem|\/I|--include-directory=?)(.*)$/.exec(arg);
    if (!flag) continue;
    const value = flag[2] || args[++i];
    if (!value) continue;
    const group = flag[1] === '-iquote' ? 'quote' : flag[1] === '-isystem' ? 'system' : 'user';
    const dir = path.resolve(directory, value);
    if (!groups[group].includes(dir)) groups[group].push(dir);
  }
  return [...groups.quote, ...groups.user, ...groups.system];
}

/** A shell command line split into words (quotes and backslashes honoured). */
function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let started = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += c;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}
