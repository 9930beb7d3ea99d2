// Where the resolver may look: the workspace folder a file belongs to, plus the dependency roots a
// language's own tooling reads from outside it (node_modules, the virtualenv's site-packages). An
// import that resolves anywhere else is not followed: the context engine never reads past them.
import path from 'node:path';
import type { FsCache } from './fsCache';

/** Files that mark a project's root when no workspace folder is known. */
const projectMarkers = [
  'package.json',
  'pyproject.toml',
  'setup.py',
  'setup.cfg',
  'go.mod',
  'go.work',
  'Cargo.toml',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'settings.gradle',
  'settings.gradle.kts',
  'compile_commands.json',
  'CMakeLists.txt',
  'Makefile',
];
const maxAncestors = 12;

export class ResolveScope {
  private roots: string[] = [];
  private readonly dependencyRoots = new Set<string>();
  private readonly workspaces = new Map<string, string>();

  constructor(private readonly fs: FsCache) {}

  /** The workspace folders; without them a file's workspace is its repository (or outermost project). */
  setRoots(roots: readonly string[]): void {
    this.roots = roots.map((root) => path.resolve(root)).sort((a, b) => b.length - a.length);
    this.workspaces.clear();
  }

  /** A folder outside the workspace that imports may resolve into (a virtualenv's site-packages). */
  allowDependencyRoot(dir: string): void {
    this.dependencyRoots.add(path.resolve(dir));
  }

  /** The workspace folder holding `file`. */
  workspaceOf(file: string): string {
    const dir = path.dirname(file);
    const configured = this.roots.find((root) => isWithin(root, dir));
    if (configured) return configured;
    let found = this.workspaces.get(dir);
    if (found !== undefined) return found;
    // The repository holding the file; else the outermost folder with a project marker; else its folder.
    let outermost: string | undefined;
    for (let at = dir, i = 0; i < maxAncestors; i++, at = path.dirname(at)) {
      if (this.fs.stat(path.join(at, '.git'))) {
        found = at;
        break;
      }
      if (projectMarkers.some((marker) => this.fs.isFile(path.join(at, marker)))) outermost = at;
      if (path.dirname(at) === at) break;
    }
    found ??= outermost ?? dir;
    if (this.workspaces.size > 4_096) this.workspaces.clear();
    this.workspaces.set(dir, found);
    return found;
  }

  /** Whether an import in `fromFile` may resolve to `target`. */
  allows(fromFile: string, target: string): boolean {
    if (isWithin(this.workspaceOf(fromFile), target)) return true;
    if (isDependency(target)) return true;
    for (const root of this.dependencyRoots) if (isWithin(root, target)) return true;
    return false;
  }

  /** Whether a folder may be searched for imports of `fromFile` (the folders above a file are probed while resolving). */
  reaches(fromFile: string, dir: string): boolean {
    return isWithin(this.workspaceOf(fromFile), dir);
  }
}

/** Inside an installed-package folder that package managers own. */
function isDependency(file: string): boolean {
  return /[\\/]node_modules[\\/]/.test(file);
}

export function isWithin(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
