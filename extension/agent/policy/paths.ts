// Where a model-supplied path really points, and whether the agent may touch it. Paths are
// workspace-relative; the real location is found with realpath (for a file that does not exist yet,
// realpath of its nearest existing parent), so a symlink cannot lead out of the workspace folders,
// and a file with several hard links is refused (its other names may be anywhere). Anything odd is
// refused, not repaired: absolute paths, `..`, `~`, percent-encoding, lookalike dots and slashes,
// invisible characters, and the names Windows and macOS read as another name (trailing dots and
// spaces, `name:stream`, 8.3 short names, device names). Protection is judged on every segment and
// against every workspace folder that contains the path, so nested folders protect their own
// `.vscode/` and `.pylotignore` too. Paths compare by the rules of the file system they are on
// (policyFileSystem.ts): Windows' drive letters, UNC paths and case, a case-insensitive Mac.
import ignore, { type Ignore } from 'ignore';
import path from 'node:path';
import { canonicalName, isSecretName } from '../../../protocol/secretFiles';
import { inside, nodeFileSystem, type PathRules, type PolicyFileSystem } from './policyFileSystem';

export { inside } from './policyFileSystem';

export interface WorkspaceFolderRoot {
  readonly name: string;
  /** Absolute path; resolved with realpath here. */
  readonly path: string;
}

/** Why a path inside the workspace is still off limits; `vscode` is read-only, the others are hidden. */
export type Protection = 'git' | 'secret' | 'ignored' | 'vscode';

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
/** Control characters and the invisible ones macOS's HFS+ ignores in names (`.g\u200cit` is `.git` there). */
const controlChars =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- exactly these characters are what it looks for
  /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/;
/** Names Windows maps to devices, whatever the extension (spaces before it are dropped: `con .txt`). */
const deviceName = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$) *(\..*)?$/i;

/** The strongest protection first: a hidden file stays hidden even inside a read-only folder. */
const strength: readonly Protection[] = ['git', 'secret', 'ignored', 'vscode'];

export class WorkspacePaths {
  private realRoots: Promise<Array<WorkspaceFolderRoot & { readonly rules: PathRules }>> | undefined;
  private readonly ignoreRules = new Map<string, Promise<Ignore>>();
  private readonly path: path.PlatformPath;

  constructor(
    private readonly folders: readonly WorkspaceFolderRoot[],
    private readonly fs: PolicyFileSystem = nodeFileSystem,
  ) {
    this.path = fs.path;
  }

  async resolve(input: unknown): Promise<ResolvedPath> {
    const refused = refuse(input);
    if (refused) return { ok: false, reason: refused };
    const roots = await this.roots();
    if (roots.length === 0) return { ok: false, reason: 'No workspace folder is open.' };
    const segments = (input as string)
      .normalize('NFC')
      .replace(/\\/g, '/')
      .split('/')
      .filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) return { ok: false, reason: `"${String(input)}" goes up with "..": paths must stay inside the workspace.` };
    // Multi-root: a leading folder name picks that folder; otherwise the first folder.
    const named = roots.length > 1 ? roots.find((root) => root.name === segments[0]) : undefined;
    const root = named ?? roots[0]!;
    const rest = named ? segments.slice(1) : segments;
    const lexical = this.path.join(root.path, ...rest);
    if (!inside(root.path, lexical, root.rules)) return { ok: false, reason: `"${String(input)}" is outside the workspace.` };

    const real = await realLocation(this.fs, lexical);
    if (!real.ok) return real;
    const home = roots.find((candidate) => inside(candidate.path, real.path, candidate.rules));
    if (!home) return { ok: false, reason: `"${String(input)}" leads outside the workspace (through a symbolic link).` };
    if (real.links > 1) {
      return {
        ok: false,
        reason: `"${String(input)}" has ${real.links} hard links: its other names may be outside the workspace or protected, so the agent does not open it. Copy it to a new file if the agent needs it.`,
      };
    }
    const relative = this.toSlashes(this.path.relative(home.path, real.path));
    const lexicalProtection = lexical === real.path ? undefined : await this.protection(root, rest.join('/'));
    const protection = strongest([await this.protectionAt(real.path), lexicalProtection]);
    return { ok: true, absolute: real.path, folder: home, relative, exists: real.exists, ...(protection ? { protection } : {}) };
  }

  /** The workspace folders' real paths (a workspace opened through a symlink still confines), with how their file systems compare names. */
  roots(): Promise<Array<WorkspaceFolderRoot & { readonly rules: PathRules }>> {
    this.realRoots ??= Promise.all(
      this.folders.map(async (folder) => {
        const real = await this.fs.realpath(folder.path).catch(() => this.path.resolve(folder.path));
        return { name: folder.name, path: real, rules: { path: this.path, caseInsensitive: await this.fs.caseInsensitive(real).catch(() => true) } };
      }),
    );
    return this.realRoots;
  }

  /** Forgets cached .pylotignore rules (after the file changed). */
  reloadIgnores(): void {
    this.ignoreRules.clear();
  }

  /** Why `relative` (inside `root`) is off limits, if it is: judged from `root` and from every workspace folder that contains it. */
  async protection(root: WorkspaceFolderRoot, relative: string): Promise<Protection | undefined> {
    if (!relative) return undefined;
    const absolute = this.path.join(root.path, ...relative.split('/'));
    const known = (await this.roots()).some((candidate) => candidate.path === root.path);
    return strongest([byName(relative), known ? undefined : await this.ignoredIn(root, relative), await this.protectionAt(absolute)]);
  }

  /** The protection of an absolute location, as seen from each workspace folder containing it (nested folders included). */
  private async protectionAt(absolute: string): Promise<Protection | undefined> {
    const found: Array<Protection | undefined> = [];
    for (const root of await this.roots()) {
      if (!inside(root.path, absolute, root.rules)) continue;
      const relative = this.toSlashes(this.path.relative(root.path, absolute));
      if (!relative) continue;
      found.push(byName(relative), await this.ignoredIn(root, relative));
    }
    return strongest(found);
  }

  private async ignoredIn(root: WorkspaceFolderRoot, relative: string): Promise<Protection | undefined> {
    const rules = await this.pylotIgnore(root);
    const written = relative.normalize('NFC');
    // Also as Windows would open it: trailing dots and spaces dropped from each name.
    const canonical = written
      .split('/')
      .map((part) => part.replace(/[. ]+$/, '') || part)
      .join('/');
    const forms = canonical === written ? [written] : [written, canonical];
    // A folder rule (`hidden/`) also names the folder itself; a file of that name is hidden too (deny matches more).
    return forms.some((candidate) => rules.ignores(candidate) || rules.ignores(`${candidate}/`)) ? 'ignored' : undefined;
  }

  private pylotIgnore(root: WorkspaceFolderRoot): Promise<Ignore> {
    let rules = this.ignoreRules.get(root.path);
    if (!rules) {
      // NFC on both sides (rules here, paths in ignoredIn): macOS writes names decomposed. `ignore` compares case-insensitively.
      const base = () => ignore({ ignorecase: true }).add('.pylotignore');
      rules = this.fs.readFile(this.path.join(root.path, '.pylotignore')).then((text) => base().add(text.normalize('NFC')), base);
      this.ignoreRules.set(root.path, rules);
    }
    return rules;
  }

  private toSlashes(relative: string): string {
    return relative.split(this.path.sep).join('/');
  }
}

/** What a path's names alone say: `.git` and secrets anywhere, `.vscode/` and workspace files anywhere. */
function byName(relative: string): Protection | undefined {
  const parts = relative.split('/').filter(Boolean);
  const names = parts.map(canonicalName);
  if (names.includes('.git')) return 'git';
  if (parts.some(isSecretName)) return 'secret';
  if (names.includes('.vscode') || names.at(-1)?.endsWith('.code-workspace')) return 'vscode';
  return undefined;
}

function strongest(found: ReadonlyArray<Protection | undefined>): Protection | undefined {
  return strength.find((protection) => found.includes(protection));
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
  if (path.posix.isAbsolute(input) || path.win32.isAbsolute(input) || /^[a-z]:/i.test(input))
    return `"${input}" is absolute; paths are relative to the workspace.`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return `"${input}" is a URL, not a workspace path.`;
  if (input.includes(':')) return `"${input}" contains ":", which Windows reads as a drive or a file stream; name the file without it.`;
  for (const segment of input.split(/[\\/]/)) {
    if (segment === '' || segment === '.' || segment === '..') continue;
    if (/[. ]$/.test(segment)) return `"${input}" has a name ending in a dot or a space, which Windows drops; write the name without it.`;
    if (/^ /.test(segment)) return `"${input}" has a name starting with a space; write the name without it.`;
    if (/~\d/.test(segment)) return `"${input}" looks like a Windows short name (8.3), which can stand for another file; write the full name.`;
    if (deviceName.test(segment)) return `"${input}" names a Windows device (${segment}); choose another name.`;
  }
  return undefined;
}

/** realpath of the path, or of its nearest existing parent plus the missing rest; `links` is the file's hard-link count. */
async function realLocation(
  fs: PolicyFileSystem,
  lexical: string,
): Promise<{ ok: true; path: string; exists: boolean; links: number } | { ok: false; reason: string }> {
  const missing: string[] = [];
  let current = lexical;
  for (;;) {
    try {
      const real = await fs.realpath(current);
      if (missing.length) return { ok: true, path: fs.path.join(real, ...missing), exists: false, links: 0 };
      const info = await fs.lstat(real);
      // Folders count their subfolders as links; only a file's count says it has other names.
      return { ok: true, path: real, exists: true, links: info.isDirectory() ? 1 : info.nlink };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { ok: false, reason: `Cannot resolve the path: ${code ?? String(error)}.` };
      // A link whose target is missing: writing through it would create the target, wherever it is.
      if (
        await fs.lstat(current).then(
          (s) => s.isSymbolicLink(),
          () => false,
        )
      )
        return { ok: false, reason: 'The path goes through a broken symbolic link.' };
    }
    const parent = fs.path.dirname(current);
    if (parent === current) return { ok: false, reason: 'No existing parent folder.' };
    missing.unshift(fs.path.basename(current));
    current = parent;
  }
}
