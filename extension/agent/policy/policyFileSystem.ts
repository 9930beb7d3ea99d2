// The file system the agent's path policy judges against, and how it compares paths there: Node's
// own, or in tests another platform's (path.win32 rules on a case-insensitive fake). Whether a
// folder's names ignore case is asked of the disk, not of process.platform: macOS volumes can be
// case-sensitive, Linux mounts (SMB, WSL's /mnt/c, ext4 casefold) case-insensitive.
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export interface PolicyFileSystem {
  /** The platform's path rules: path.win32 on Windows, path.posix elsewhere. */
  readonly path: path.PlatformPath;
  realpath(file: string): Promise<string>;
  lstat(file: string): Promise<{ isDirectory(): boolean; isSymbolicLink(): boolean; readonly nlink: number }>;
  readFile(file: string): Promise<string>;
  /** Whether names in this (existing) folder match whatever their case. */
  caseInsensitive(folder: string): Promise<boolean>;
}

const hostGuess = process.platform === 'win32' || process.platform === 'darwin';

export const nodeFileSystem: PolicyFileSystem = {
  path,
  realpath: (file) => realpath(file),
  lstat: (file) => lstat(file),
  readFile: (file) => readFile(file, 'utf8'),
  caseInsensitive: async (folder) => {
    // The last name only: the folders above may be on another file system (WSL's /mnt/c under /).
    const name = path.basename(folder);
    if (swapCase(name) === name) return hostGuess;
    const flipped = path.join(path.dirname(folder), swapCase(name));
    const [original, other] = await Promise.all([
      stat(folder, { bigint: true }).catch(() => undefined),
      stat(flipped, { bigint: true }).catch(() => undefined),
    ]);
    if (!original) return hostGuess;
    return other !== undefined && other.ino === original.ino && other.dev === original.dev;
  },
};

/** How two paths on one file system compare. */
export interface PathRules {
  readonly path: path.PlatformPath;
  readonly caseInsensitive: boolean;
}

export const hostPathRules: PathRules = { path, caseInsensitive: hostGuess };

/** `candidate` is `root` or inside it, by the rules of the file system both are on. */
export function inside(root: string, candidate: string, rules: PathRules = hostPathRules): boolean {
  // Character by character, as NTFS upper-cases names: `ß` does not become `SS`, so `Straße` is not `STRASSE`.
  const fold = (value: string) => (rules.caseInsensitive ? [...value].map(upperOne).join('') : value);
  const rel = rules.path.relative(fold(root), fold(candidate));
  return rel === '' || (!rel.startsWith(`..${rules.path.sep}`) && rel !== '..' && !rules.path.isAbsolute(rel));
}

function upperOne(char: string): string {
  const upper = char.toUpperCase();
  return upper.length === 1 ? upper : char;
}

function swapCase(text: string): string {
  return [...text].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}
