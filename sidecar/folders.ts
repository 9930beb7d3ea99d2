// Owns which folders the sidecar may create, write into or walk when a request names them (index
// roots and storage, model folders): real directories, reached through their real path, outside
// the kernel's pseudo file systems. It also owns creating them: Node's recursive mkdir never
// returns under /proc (mkdir answers ENOENT for a parent that exists, and Node retries forever,
// burning a core or a libuv thread), so folders are made one level at a time, a bounded loop.
import { mkdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ErrorCodes, PylotError } from '../protocol/rpc';

/** /proc, /sys and /dev hold kernel objects, not files: walking them never ends, writing them is meaningless. */
const pseudoFileSystems = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev'];

/** More levels than any real folder path has; stops the walk up a path at a fixed cost. */
const maxLevels = 128;

export interface FolderCheck {
  /** What the folder is for, as the user knows it ("the index storage folder"). */
  readonly what: string;
  /** The folder must already exist (a workspace root) rather than be created on need (storage). */
  readonly mustExist?: boolean;
}

/**
 * Checks a folder a request named; throws a PylotError(InvalidParams) saying what is wrong with it.
 * Returns the path resolved through the real path of its nearest existing ancestor, so a
 * symbolic link into /proc is judged where it leads.
 */
export function checkFolder(folder: string, check: FolderCheck): string {
  const refuse = (why: string) => new PylotError(ErrorCodes.InvalidParams, `${capitalized(check.what)} ${folder} ${why}`);
  if (!path.isAbsolute(folder)) throw refuse('is not an absolute path.');
  const missing: string[] = [];
  let existing = path.resolve(folder);
  for (let level = 0; ; level++) {
    if (level > maxLevels) throw refuse(`is more than ${maxLevels} levels deep.`);
    const info = statOrUndefined(existing);
    if (info) {
      if (!info.isDirectory()) throw refuse(missing.length === 0 ? 'is not a folder.' : `cannot be created: ${existing} is not a folder.`);
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) throw refuse('has no existing ancestor.');
    missing.unshift(path.basename(existing));
    existing = parent;
  }
  if (check.mustExist && missing.length > 0) throw refuse('does not exist.');
  const resolved = path.join(realpathSync(existing), ...missing);
  const pseudo = pseudoFileSystems.find((root) => resolved === root || resolved.startsWith(`${root}/`));
  if (pseudo) throw refuse(`is under ${pseudo}, a kernel file system, not a folder on disk. Choose a folder on disk.`);
  return resolved;
}

/** Checks, then creates the folder and its missing parents one level at a time; returns the resolved path. */
export function makeFolder(folder: string, what: string): string {
  const resolved = checkFolder(folder, { what });
  const missing: string[] = [];
  for (let dir = resolved; !statOrUndefined(dir)?.isDirectory(); dir = path.dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // Another writer made it first; anything else is a real failure.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return resolved;
}

function statOrUndefined(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
