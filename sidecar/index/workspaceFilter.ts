// What the index — and, through context/boundary.ts, every context source — may read: nothing
// `.gitignore` (at any depth) or the root `.pylotignore` names, nothing the user excluded, never
// secrets (keys, .env files, credentials), never VCS or dependency folders, binaries or files too
// big to be source someone wrote, and nothing reached through a symlink.
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import ignore, { type Ignore } from 'ignore';
import path from 'node:path';
import { isSecretName } from '../../protocol/secretFiles';
import { settingDefaults } from '../../protocol/settings';

const dependencySkips = ['node_modules/', '.venv/'];
const alwaysSkipped = [
  '.git/',
  '.hg/',
  '.svn/',
  ...dependencySkips,
  '__pycache__/',
  '.tox/',
  '.mypy_cache/',
  '.pytest_cache/',
  '.DS_Store',
  '*.min.js',
  '*.map',
  '*.lock',
  'package-lock.json',
];
/** Folders of installed packages: public code, usually gitignored, whose declarations completions want. */
const dependencyFolders = new Set(['node_modules', '.venv', 'venv', 'site-packages', 'dist-packages']);

export const defaultMaxFileBytes = settingDefaults['index.maxFileSizeKb'] * 1024;

export interface FilterOptions {
  /**
   * Installed packages may be read (the context engine's imported definitions): dependency folders
   * are not skipped and `.gitignore` does not apply inside them; secrets, `.pylotignore` and the
   * user's patterns still do.
   */
  readonly readDependencies?: boolean;
}

export class WorkspaceFilter {
  private base!: Ignore;
  private readonly nested = new Map<string, Ignore | null>();
  private realRoot: string | undefined;

  constructor(
    readonly root: string,
    private readonly extraPatterns: readonly string[] = [],
    readonly maxFileBytes = defaultMaxFileBytes,
    private readonly options: FilterOptions = {},
  ) {
    this.readRules();
  }

  /** For a walk that already checked the parent: is this entry of `parent` (relative, '' at the root) skipped? */
  ignoresEntry(parent: string, name: string, isDirectory: boolean): boolean {
    return this.matches(parent ? `${parent}/${name}` : name, isDirectory);
  }

  /** For a single path (a file event): skipped by itself or by any folder above it? */
  ignoresPath(relative: string): boolean {
    const parts = relative.split('/');
    if (parts.some((part) => part === '..' || part === '.' || part === '')) return true; // not a plain path inside the root
    const dependency = this.options.readDependencies === true && parts.some((part) => dependencyFolders.has(part));
    for (let i = 1; i <= parts.length; i++) {
      if (this.matches(parts.slice(0, i).join('/'), i < parts.length, dependency)) return true;
    }
    return false;
  }

  /**
   * The file at `relative` may be read: not ignored, and reached without a symlink anywhere on its
   * path, as the walk reaches files (a link can lead out of the workspace or to a secret).
   */
  reachable(relative: string): boolean {
    if (this.ignoresPath(relative)) return false;
    try {
      const absolute = path.join(this.root, relative);
      if (lstatSync(absolute).isSymbolicLink()) return false;
      this.realRoot ??= realpathSync.native(this.root);
      return realpathSync.native(absolute) === path.join(this.realRoot, relative);
    } catch {
      return false;
    }
  }

  /** After a .gitignore or the .pylotignore changed: read them again. */
  forgetGitignores(): void {
    this.nested.clear();
    this.readRules();
  }

  private readRules(): void {
    const skipped = this.options.readDependencies ? alwaysSkipped.filter((pattern) => !dependencySkips.includes(pattern)) : alwaysSkipped;
    // NFC on both sides: a rule typed on macOS may be decomposed, the path composed (or the reverse).
    this.base = ignore()
      .add(skipped)
      .add([...this.extraPatterns].map((pattern) => pattern.normalize('NFC')))
      .add(readText(path.join(this.root, '.pylotignore')).normalize('NFC'));
  }

  private matches(written: string, isDirectory: boolean, skipGitignores = false): boolean {
    const relative = written.normalize('NFC');
    // Secrets by the shared list (every OS's spelling of the name), whatever the settings say.
    if (isSecretName(relative.slice(relative.lastIndexOf('/') + 1))) return true;
    const candidate = isDirectory ? `${relative}/` : relative;
    if (this.base.ignores(candidate)) return true;
    if (skipGitignores) return false;
    // Each .gitignore above the path judges it relative to its own folder.
    const parts = relative.split('/');
    const onDisk = written.split('/'); // the folder's own spelling, to find its .gitignore
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = onDisk.slice(0, depth).join('/');
      const rules = this.gitignoreIn(dir);
      const inner = parts.slice(depth).join('/');
      if (rules?.ignores(isDirectory ? `${inner}/` : inner)) return true;
    }
    return false;
  }

  private gitignoreIn(dir: string): Ignore | null {
    let rules = this.nested.get(dir);
    if (rules === undefined) {
      const text = readText(path.join(this.root, dir, '.gitignore'));
      rules = text ? ignore().add(text.normalize('NFC')) : null;
      this.nested.set(dir, rules);
    }
    return rules;
  }
}

/** Source is text: a NUL byte in the first 8 KiB means a binary file. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8192);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
