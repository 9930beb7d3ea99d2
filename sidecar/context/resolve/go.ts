// Go package resolution as the go command does it: an import path names a folder (a package is
// every non-test .go file in it). The importing module's go.mod gives its module path; a go.work
// above it adds its `use` modules; `replace` directives with local paths and vendor/ map the rest.
// Modules outside the workspace (the module cache, the standard library) are not read.
import path from 'node:path';
import type { FsCache } from './fsCache';
import type { ResolveScope } from './scope';

export interface GoContext {
  readonly fs: FsCache;
  readonly scope: ResolveScope;
}

interface GoModule {
  readonly dir: string;
  readonly path: string | undefined;
  /** Module path → a local folder (`replace x => ../x`). */
  readonly replaces: ReadonlyMap<string, string>;
}

export function resolveGo(context: GoContext, fromFile: string, importPath: string): string[] {
  const packageDir = packageFolder(context, fromFile, importPath);
  return packageDir ? packageFiles(context.fs, packageDir, fromFile) : [];
}

/** The other files of the package `fromFile` belongs to (Go needs no import for them). */
export function goSamePackage(context: GoContext, fromFile: string): string[] {
  return packageFiles(context.fs, path.dirname(fromFile), fromFile).filter((file) => file !== fromFile);
}

function packageFiles(fs: FsCache, dir: string, fromFile: string): string[] {
  // A test file sees the package's tests too; a package's tests are never part of what it exports.
  const tests = fromFile.endsWith('_test.go') && path.dirname(fromFile) === dir;
  return fs
    .list(dir)
    .filter((name) => name.endsWith('.go') && (tests || !name.endsWith('_test.go')))
    .sort()
    .map((name) => path.join(dir, name));
}

function packageFolder(context: GoContext, fromFile: string, importPath: string): string | undefined {
  const { fs, scope } = context;
  const module = owningModule(context, fromFile);
  if (!module) return undefined;
  const modules = [module, ...workspaceModules(context, fromFile, module.dir)];
  for (const candidate of modules) {
    if (candidate.path && (importPath === candidate.path || importPath.startsWith(`${candidate.path}/`)))
      return existing(fs, path.join(candidate.dir, importPath.slice(candidate.path.length)));
  }
  for (const [from, to] of module.replaces) {
    if (importPath === from || importPath.startsWith(`${from}/`)) {
      const dir = path.join(to, importPath.slice(from.length));
      return scope.reaches(fromFile, dir) ? existing(fs, dir) : undefined;
    }
  }
  return existing(fs, path.join(module.dir, 'vendor', importPath));
}

function existing(fs: FsCache, dir: string): string | undefined {
  return fs.isDirectory(dir) ? dir : undefined;
}

/** The nearest go.mod above the file, within the workspace. */
function owningModule(context: GoContext, fromFile: string): GoModule | undefined {
  for (let dir = path.dirname(fromFile); context.scope.reaches(fromFile, dir); dir = path.dirname(dir)) {
    const module = readModule(context.fs, dir);
    if (module) return module;
    if (path.dirname(dir) === dir) break;
  }
  return undefined;
}

/** The modules a go.work above `moduleDir` uses (other than the file's own). */
function workspaceModules(context: GoContext, fromFile: string, moduleDir: string): GoModule[] {
  const { fs, scope } = context;
  for (let dir = moduleDir; scope.reaches(fromFile, dir); dir = path.dirname(dir)) {
    const text = fs.readText(path.join(dir, 'go.work'), 200_000);
    if (text !== undefined) {
      return directiveArguments(text, 'use')
        .map((use) => readModule(fs, path.resolve(dir, use)))
        .filter((m): m is GoModule => m !== undefined && m.dir !== moduleDir);
    }
    if (path.dirname(dir) === dir) break;
  }
  return [];
}

function readModule(fs: FsCache, dir: string): GoModule | undefined {
  const text = fs.readText(path.join(dir, 'go.mod'), 500_000);
  if (text === undefined) return undefined;
  const replaces = new Map<string, string>();
  for (const line of directiveArguments(text, 'replace')) {
    const match = /^(\S+)(?:\s+\S+)?\s*=>\s*(\.{1,2}\/\S*|\/\S+)\s*$/.exec(line);
    if (match) replaces.set(match[1]!, path.resolve(dir, match[2]!));
  }
  return { dir, path: /^module\s+"?([^\s"]+)"?/m.exec(text)?.[1], replaces };
}

/** The arguments of a directive, written alone (`use ./a`) or as a block (`use (\n ./a\n ./b\n)`). */
function directiveArguments(text: string, directive: string): string[] {
  const found: string[] = [];
  const withoutComments = text.replace(/\/\/.*$/gm, '');
  for (const match of withoutComments.matchAll(new RegExp(`^${directive}\\s*\\(([^)]*)\\)`, 'gm')))
    found.push(
      ...match[1]!
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    );
  for (const match of withoutComments.matchAll(new RegExp(`^${directive}\\s+([^(\\s].*)$`, 'gm'))) found.push(match[1]!.trim());
  return found;
}
