// Whose text may go into a completion prompt as context: the one check every context source passes
// (imported definitions, siblings, open tabs, visited and edited ranges, the clipboard) before it
// reads a file or uses a document. A file must really be inside a workspace folder (its realpath,
// so neither `../../outside/x` nor a symlink leads out) and not be excluded there, by the same
// rules the index applies (workspaceFilter.ts: secrets, `.pylotignore`, `.gitignore`, the user's
// `pylot.completion.exclude`). Until the extension says which folders the workspace has, nothing
// outside the current document is read. A configured Python environment outside the workspace is
// a dependency root: its installed packages may be read (secrets and ignore rules still apply).
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkspaceFilter } from '../index/workspaceFilter';

/** Rules (.pylotignore, .gitignore) are read again after this long; verdicts are kept as long. */
const ttlMs = 5_000;
const maxVerdicts = 20_000;

interface Folder {
  /** As the extension named it, and its realpath. */
  readonly root: string;
  readonly real: string;
  readonly filter: WorkspaceFilter;
}

export interface FileGate {
  /** May the text of this file (an absolute path) go into a prompt? */
  allowsFile(file: string): boolean;
}

export class ContextBoundary implements FileGate {
  private roots: readonly string[] = [];
  private dependencyRoots: readonly string[] = [];
  private exclude: readonly string[] = [];
  private folders: Folder[] = [];
  private dependencies: Folder[] = [];
  private builtAt = -Infinity;
  private readonly verdicts = new Map<string, { at: number; allowed: boolean }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The workspace folders (absolute paths), the user's excluded patterns (gitignore syntax), and
   * folders of installed packages outside them (a configured Python environment).
   */
  setWorkspace(folders: readonly string[], exclude: readonly string[] = [], dependencyRoots: readonly string[] = []): void {
    this.roots = folders.filter((folder) => path.isAbsolute(folder));
    this.dependencyRoots = dependencyRoots.filter((folder) => path.isAbsolute(folder));
    this.exclude = exclude;
    this.builtAt = -Infinity;
    this.verdicts.clear();
  }

  allowsFile(file: string): boolean {
    if (!path.isAbsolute(file)) return false;
    const now = this.now();
    const cached = this.verdicts.get(file);
    if (cached && now - cached.at < ttlMs) return cached.allowed;
    const allowed = this.judge(file);
    if (this.verdicts.size >= maxVerdicts) this.verdicts.clear();
    this.verdicts.set(file, { at: now, allowed });
    return allowed;
  }

  /** A mirrored document: a file judged as above; an untitled buffer is the user's own text; nothing else. */
  allowsUri(uri: string): boolean {
    if (uri.startsWith('untitled:')) return true;
    if (!uri.startsWith('file:')) return false;
    try {
      return this.allowsFile(fileURLToPath(uri));
    } catch {
      return false;
    }
  }

  /** Where a candidate's text came from: a path, a document's URI, or the clipboard (judged by the document it was copied from). */
  allowsSource(file: string, clipboardSource?: string): boolean {
    if (file === 'clipboard') return clipboardSource === undefined || this.allowsUri(clipboardSource);
    return path.isAbsolute(file) ? this.allowsFile(file) : this.allowsUri(file);
  }

  private judge(file: string): boolean {
    const folders = this.current();
    const real = realPath(file); // as the kernel resolves it when the file is read: links first, then `..`
    if (real === undefined) return false;
    // Where the file really is decides: inside a folder, and not excluded there.
    const home = innermost(folders, (folder) => relativeInside(folder.real, real));
    if (!home) {
      const installed = innermost(this.dependencies, (folder) => relativeInside(folder.real, real));
      return installed !== undefined && !installed.filter.ignoresPath(installed.relative);
    }
    if (home.filter.ignoresPath(home.relative)) return false;
    // The name it was reached by counts too: a link named like a secret, or inside an ignored folder.
    const named = innermost(folders, (folder) => relativeInside(folder.root, path.resolve(file)));
    return !named || !named.filter.ignoresPath(named.relative);
  }

  private current(): Folder[] {
    if (this.now() - this.builtAt < ttlMs) return this.folders;
    this.builtAt = this.now();
    this.folders = foldersOf(this.roots, this.exclude);
    this.dependencies = foldersOf(this.dependencyRoots, this.exclude);
    return this.folders;
  }
}

function foldersOf(roots: readonly string[], exclude: readonly string[]): Folder[] {
  const folders: Folder[] = [];
  for (const root of roots) {
    try {
      const real = realpathSync.native(root);
      folders.push({ root: path.resolve(root), real, filter: new WorkspaceFilter(real, exclude, Infinity, { readDependencies: true }) });
    } catch {
      // A folder that is gone holds nothing to read.
    }
  }
  return folders;
}

/**
 * Where `file` really is: its realpath, or for a path not on disk (a document not saved yet) its
 * nearest existing folder's realpath with the rest of the path.
 */
function realPath(file: string, depth = 0): string | undefined {
  try {
    return realpathSync.native(file);
  } catch {
    const parent = path.dirname(file);
    if (parent === file || depth > 32) return undefined;
    const real = realPath(parent, depth + 1);
    return real === undefined ? undefined : path.join(real, path.basename(file));
  }
}

/** `file` relative to `root` with forward slashes, when it lies strictly inside it. */
function relativeInside(root: string, file: string): string | undefined {
  const relative = path.relative(root, file);
  if (!relative || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

/** The folder nearest to the file (nested workspace folders: the inner one's rules). */
function innermost(folders: readonly Folder[], relativeTo: (folder: Folder) => string | undefined): { filter: WorkspaceFilter; relative: string } | undefined {
  let best: { filter: WorkspaceFilter; relative: string } | undefined;
  for (const folder of folders) {
    const relative = relativeTo(folder);
    if (relative !== undefined && (!best || relative.length < best.relative.length)) best = { filter: folder.filter, relative };
  }
  return best;
}
