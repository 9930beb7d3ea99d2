// Where a model-supplied path really points. Paths are workspace-relative; the real location is
// found with realpath (for a file that does not exist yet, realpath of its nearest existing parent),
// so a symlink cannot lead out of the workspace folders. Anything odd is refused, not repaired:
// absolute paths, `..`, `~`, percent-encoding, lookalike dots and slashes, control characters.
import ignore, { type Ignore } from 'ignore';
import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { secretPatterns } from '../../completion/secretPatterns';

export interface WorkspaceFolderRoot {
  readonly name: string;
  /** Absolute path; resolved with realpath here. */
  readonly path: string;
}

/** Why a path inside the workspace is still off limits. */
export type Protection = 'git' | 'vscode' | 'ignored' | 'secret';

export type ResolvedPath =
  | {
      readonly ok: true;
      /** The real location (symlinks resolved). */
      readonly absolute: string;
      readonly folder: WorkspaceFolderRoot;
      /** Relative to `folder`, with forward slashes; '' for the folder itself. */
      readonly relative: string;
      readonly exists: boolean;
      readonly protection?: Protection;
    }
  | { readonly ok: false; readonly reason: string };

/** Dot and slash lookalikes: not separators to the OS, but a model writing them is up to something. */
const lookalikes = /[\u2024\u2025\uFE52\uFF0E\uFF0F\uFF3C\u2215\u2044\u29F8\u29F9\u2216\uFE68]/;
const controlChars = /[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

export class WorkspacePaths {
  private realRoots: Promise<WorkspaceFolderRoot[]> | undefined;
  private readonly ignoreRules = new Map<string, Promise<Ignore>>();

  constructor(private readonly folders: readonly WorkspaceFolderRoot[]) {}

  async resolve(input: unknown): Promise<ResolvedPath> {
    const refused = refuse(input);
    if (refused) return { ok: false, reason: refused };
    const roots = await this.roots();
    if (roots.length === 0) return { ok: false, reason: 'No workspace folder is open.' };
    const segments = (input as string).normalize('NFC').replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) return { ok: false, reason: `"${String(input)}" goes up with "..": paths must stay inside the workspace.` };
    // Multi-root: a leading folder name picks that folder; otherwise the first folder.
    const named = roots.length > 1 ? roots.find((root) => root.name === segments[0]) : undefined;
    const root = named ?? roots[0]!;
    const rest = named ? segments.slice(1) : segments;
    const lexical = path.join(root.path, ...rest);
    if (!inside(root.path, lexical)) return { ok: false, reason: `"${String(input)}" is outside the workspace.` };

    const real = await realLocation(lexical);
    if (!real.ok) return real;
    const home = roots.find((candidate) => inside(candidate.path, real.path));
    if (!home) return { ok: false, reason: `"${String(input)}" leads outside the workspace (through a symbolic link).` };
    const relative = path.relative(home.path, real.path).split(path.sep).join('/');
    const lexicalRelative = rest.join('/');
    const protection = (await this.protection(home, relative)) ?? (await this.protection(root, lexicalRelative));
    return { ok: true, absolute: real.path, folder: home, relative, exists: real.exists, ...(protection ? { protection } : {}) };
  }

  /** The workspace folders' real paths (a workspace opened through a symlink still confines). */
  roots(): Promise<WorkspaceFolderRoot[]> {
    this.realRoots ??= Promise.all(
      this.folders.map(async (folder) => ({ name: folder.name, path: await realpath(folder.path).catch(() => path.resolve(folder.path)) })),
    );
    return this.realRoots;
  }

  /** Forgets cached .pylotignore rules (after the file changed). */
  reloadIgnores(): void {
    this.ignoreRules.clear();
  }

  /** Why `relative` (inside `root`) is off limits, if it is. */
  async protection(root: WorkspaceFolderRoot, relative: string): Promise<Protection | undefined> {
    if (!relative) return undefined;
    const parts = relative.split('/');
    if (parts.some((part) => part.toLowerCase() === '.git')) return 'git';
    if (parts[0]!.toLowerCase() === '.vscode') return 'vscode';
    if (ignore().add(secretPatterns).ignores(parts.at(-1)!)) return 'secret';
    if ((await this.pylotIgnore(root)).ignores(relative)) return 'ignored';
    return undefined;
  }

  private pylotIgnore(root: WorkspaceFolderRoot): Promise<Ignore> {
    let rules = this.ignoreRules.get(root.path);
    if (!rules) {
      rules = readFile(path.join(root.path, '.pylotignore'), 'utf8').then((text) => ignore().add(text).add('.pylotignore'), () => ignore().add('.pylotignore'));
      this.ignoreRules.set(root.path, rules);
    }
    return rules;
  }
}

/** A reason to refuse the path as written, before looking at the disk. */
function refuse(input: unknown): string | undefined {
  if (typeof input !== 'string') return 'The path must be a string.';
  if (input.length === 0) return 'The path is empty; use "." for the workspace root.';
  if (input.length > 1024) return 'The path is too long.';
  if (controlChars.test(input)) return 'The path contains control or invisible characters.';
  if (/%[0-9a-f]{2}/i.test(input)) return `"${input}" contains percent-encoding; write the path plainly.`;
  if (lookalikes.test(input)) return `"${input}" contains characters that look like dots or slashes.`;
  if (input.startsWith('~')) return `"${input}" points into a home folder; paths are relative to the workspace.`;
  if (path.posix.isAbsolute(input) || path.win32.isAbsolute(input) || /^[a-z]:/i.test(input)) return `"${input}" is absolute; paths are relative to the workspace.`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return `"${input}" is a URL, not a workspace path.`;
  return undefined;
}

/** realpath of the path, or of its nearest existing parent plus the missing rest. */
async function realLocation(lexical: string): Promise<{ ok: true; path: string; exists: boolean } | { ok: false; reason: string }> {
  const missing: string[] = [];
  let current = lexical;
  for (;;) {
    try {
      const real = await realpath(current);
      return { ok: true, path: path.join(real, ...missing), exists: missing.length === 0 };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { ok: false, reason: `Cannot resolve the path: ${code ?? String(error)}.` };
      // A link whose target is missing: writing through it would create the target, wherever it is.
      if (await lstat(current).then((s) => s.isSymbolicLink(), () => false)) return { ok: false, reason: 'The path goes through a broken symbolic link.' };
    }
    const parent = path.dirname(current);
    if (parent === current) return { ok: false, reason: 'No existing parent folder.' };
    missing.unshift(path.basename(current));
    current = parent;
  }
}

const caseInsensitive = process.platform === 'win32' || process.platform === 'darwin';

export function inside(root: string, candidate: string): boolean {
  const rel = path.relative(caseInsensitive ? root.toLowerCase() : root, caseInsensitive ? candidate.toLowerCase() : candidate);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}
