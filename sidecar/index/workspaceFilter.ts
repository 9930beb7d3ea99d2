// What the index may read: nothing `.gitignore` (at any depth) or the root `.pylotignore` names,
// nothing the user excluded, never secrets (keys, .env files, credentials), never VCS or dependency
// folders, binaries or files too big to be source someone wrote.
import { readFileSync } from 'node:fs';
import ignore, { type Ignore } from 'ignore';
import path from 'node:path';
import { isSecretName } from '../../protocol/secretFiles';
import { settingDefaults } from '../../protocol/settings';

const alwaysSkipped = ['.git/', '.hg/', '.svn/', 'node_modules/', '__pycache__/', '.venv/', '.tox/', '.mypy_cache/', '.pytest_cache/', '.DS_Store', '*.min.js', '*.map', '*.lock', 'package-lock.json'];

export const defaultMaxFileBytes = settingDefaults['index.maxFileSizeKb'] * 1024;

export class WorkspaceFilter {
  private readonly base: Ignore;
  private readonly nested = new Map<string, Ignore | null>();

  constructor(
    readonly root: string,
    extraPatterns: readonly string[] = [],
    readonly maxFileBytes = defaultMaxFileBytes,
  ) {
    // NFC on both sides: a rule typed on macOS may be decomposed, the path composed (or the reverse).
    this.base = ignore().add(alwaysSkipped).add([...extraPatterns].map((p) => p.normalize('NFC'))).add(readText(path.join(root, '.pylotignore')).normalize('NFC'));
  }

  /** For a walk that already checked the parent: is this entry of `parent` (relative, '' at the root) skipped? */
  ignoresEntry(parent: string, name: string, isDirectory: boolean): boolean {
    return this.matches(parent ? `${parent}/${name}` : name, isDirectory);
  }

  /** For a single path (a file event): skipped by itself or by any folder above it? */
  ignoresPath(relative: string): boolean {
    const parts = relative.split('/');
    for (let i = 1; i <= parts.length; i++) {
      if (this.matches(parts.slice(0, i).join('/'), i < parts.length)) return true;
    }
    return false;
  }

  /** After a .gitignore changed: read them again. */
  forgetGitignores(): void {
    this.nested.clear();
  }

  private matches(written: string, isDirectory: boolean): boolean {
    const relative = written.normalize('NFC');
    // Secrets by the shared list (every OS's spelling of the name), whatever the settings say.
    if (isSecretName(relative.slice(relative.lastIndexOf('/') + 1))) return true;
    const candidate = isDirectory ? `${relative}/` : relative;
    if (this.base.ignores(candidate)) return true;
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
