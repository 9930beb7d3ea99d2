// Python module resolution as the interpreter does it: relative imports from the file's package;
// absolute ones along a search path — the script's own folder (only for a file outside any
// package), the folder holding its top-level package, the project's root and `src/` layout, then
// the virtualenv's site-packages (typed `-stubs` packages first). A regular package or module on an
// earlier entry wins over a namespace package (a folder without __init__.py) anywhere, and a module
// never resolves to the file importing it: `pkg/pkg.py` importing `from pkg import models` means
// the package `pkg`, not itself.
import path from 'node:path';
import type { FsCache } from './fsCache';
import type { ResolveScope } from './scope';

const maxAncestors = 8;
const projectMarkers = ['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', 'Pipfile', 'tox.ini', '.git'];
const virtualenvNames = ['.venv', 'venv', 'env', '.virtualenv', 'virtualenv'];

export interface PythonContext {
  readonly fs: FsCache;
  readonly scope: ResolveScope;
  /** A configured interpreter or virtualenv folder (e.g. from python.defaultInterpreterPath). */
  readonly configuredEnvironment?: string;
}

/** The files `module` (dotted, maybe relative) names, seen from `fromFile`: one at most. */
export function resolvePython(context: PythonContext, fromFile: string, module: string): string[] {
  const found = locate(context, fromFile, module);
  return found?.file ? [found.file] : [];
}

/**
 * `from module import name` where `name` is a submodule (a file or a package of its own) rather
 * than a name the module defines: the submodule's dotted name, else undefined.
 */
export function pythonSubmodule(context: PythonContext, fromFile: string, module: string, name: string): string | undefined {
  const dotted = module.endsWith('.') ? `${module}${name}` : `${module}.${name}`;
  return locate(context, fromFile, dotted)?.file ? dotted : undefined;
}

/** A module file (or package __init__), or a namespace package's folder (file undefined). */
function locate(context: PythonContext, fromFile: string, module: string): { file?: string; dir?: string } | undefined {
  const { fs } = context;
  const dots = /^\.*/.exec(module)![0].length;
  const rest = module.slice(dots).split('.').filter(Boolean);
  if (dots > 0) {
    let base = path.dirname(fromFile);
    for (let i = 1; i < dots; i++) base = path.dirname(base);
    if (!rest.length) return moduleAt(fs, base, true);
    return moduleAt(fs, path.join(base, ...rest));
  }
  if (!rest.length) return undefined;
  let namespace: { dir: string } | undefined;
  for (const root of searchPath(context, fromFile)) {
    // PEP 561: a stub-only package (`pkg-stubs`) is looked up before the package itself.
    const stub = path.basename(root) === 'site-packages' ? moduleAt(fs, path.join(root, `${rest[0]}-stubs`, ...rest.slice(1))) : undefined;
    if (stub?.file) return stub;
    const found = moduleAt(fs, path.join(root, ...rest));
    if (!found) continue;
    if (found.file === fromFile) continue;
    if (found.file) return found;
    namespace ??= { dir: found.dir! };
  }
  return namespace;
}

/** `base` as a module: base.py, base/__init__.py, their stubs; or a namespace package folder. */
function moduleAt(fs: FsCache, base: string, packageOnly = false): { file?: string; dir?: string } | undefined {
  const candidates = packageOnly
    ? [path.join(base, '__init__.py'), path.join(base, '__init__.pyi')]
    : [path.join(base, '__init__.py'), `${base}.py`, path.join(base, '__init__.pyi'), `${base}.pyi`];
  // A package and a module of the same name: the package wins, as in the interpreter.
  for (const candidate of candidates) if (fs.isFile(candidate)) return { file: candidate };
  if (fs.isDirectory(base)) return { dir: base };
  return undefined;
}

/** The folders absolute imports are looked up in, in the interpreter's order. */
export function searchPath(context: PythonContext, fromFile: string): string[] {
  const { fs, scope } = context;
  const roots: string[] = [];
  const add = (dir: string) => {
    if (!roots.includes(dir)) roots.push(dir);
  };
  const dir = path.dirname(fromFile);
  const inPackage = fs.isFile(path.join(dir, '__init__.py')) || fs.isFile(path.join(dir, '__init__.pyi'));
  // A script's own folder is the first entry; a module inside a package is never imported that way.
  if (!inPackage) add(dir);
  // The folder above the outermost package holding the file.
  let top = dir;
  while (fs.isFile(path.join(top, '__init__.py')) && path.dirname(top) !== top && scope.reaches(fromFile, path.dirname(top))) top = path.dirname(top);
  if (inPackage) add(top);
  // Project roots (and their src/ layouts) up to the workspace's root.
  for (let at = dir, i = 0; i < maxAncestors && scope.reaches(fromFile, at); i++, at = path.dirname(at)) {
    if (projectMarkers.some((marker) => fs.stat(path.join(at, marker)))) {
      add(at);
      for (const layout of ['src', 'lib', 'python']) if (fs.isDirectory(path.join(at, layout))) add(path.join(at, layout));
    }
    if (path.dirname(at) === at) break;
  }
  // Without a marker, the folders above (a loose collection of scripts).
  for (let at = dir, i = 0; i < maxAncestors && scope.reaches(fromFile, at); i++, at = path.dirname(at)) {
    add(at);
    if (path.dirname(at) === at) break;
  }
  for (const sitePackages of sitePackagesFor(context, scope.workspaceOf(fromFile))) {
    scope.allowDependencyRoot(sitePackages);
    add(sitePackages);
    // Folders the environment's .pth files add (editable installs): part of the environment too.
    for (const extra of pthFolders(fs, sitePackages)) {
      scope.allowDependencyRoot(extra);
      add(extra);
    }
  }
  return roots;
}

/**
 * site-packages of the virtualenv in use: the configured one, else $VIRTUAL_ENV, else one found in
 * the workspace (a folder holding pyvenv.cfg under a usual name).
 */
export function sitePackagesFor(context: PythonContext, workspace: string): string[] {
  const { fs } = context;
  const environments: string[] = [];
  const configured = context.configuredEnvironment ?? process.env.VIRTUAL_ENV;
  if (configured) environments.push(environmentOf(configured));
  for (const name of virtualenvNames) {
    const candidate = path.join(workspace, name);
    if (fs.isFile(path.join(candidate, 'pyvenv.cfg'))) environments.push(candidate);
  }
  const found: string[] = [];
  for (const environment of environments) {
    const windows = path.join(environment, 'Lib', 'site-packages');
    if (fs.isDirectory(windows)) found.push(windows);
    const lib = path.join(environment, 'lib');
    for (const version of fs
      .list(lib)
      .filter((name) => /^python\d/.test(name))
      .sort()
      .reverse()) {
      const sitePackages = path.join(lib, version, 'site-packages');
      if (fs.isDirectory(sitePackages)) found.push(sitePackages);
    }
    if (found.length) break;
  }
  return found;
}

/** An interpreter path (venv/bin/python) names its environment two folders up. */
function environmentOf(configured: string): string {
  return /[\\/](bin|Scripts)[\\/]python[\w.]*(\.exe)?$/i.test(configured) ? path.dirname(path.dirname(configured)) : configured;
}

/** The folders listed in site-packages' .pth files (lines that are paths, not `import` lines). */
function pthFolders(fs: FsCache, sitePackages: string): string[] {
  const folders: string[] = [];
  for (const name of fs
    .list(sitePackages)
    .filter((n) => n.endsWith('.pth'))
    .sort()) {
    for (const line of (fs.readText(path.join(sitePackages, name), 64_000) ?? '').split(/\r?\n/)) {
      const entry = line.trim();
      if (!entry || entry.startsWith('#') || /^import[\s\t]/.test(entry)) continue;
      const dir = path.resolve(sitePackages, entry);
      if (fs.isDirectory(dir) && !folders.includes(dir)) folders.push(dir);
    }
  }
  return folders;
}
