// Opening the file the policy approved, and only that file. Between the policy's check and the
// read or write, a folder on the way can be swapped for a symbolic link (or the file for a link or
// a second hard link), and a path opened by name would then lead elsewhere. So the agent's own
// reads and writes go through a handle: opened without following a final link, then checked — a
// regular file with one link, and the very file at the approved location (Linux: the kernel's
// name for the handle; elsewhere: every folder on the way is still a real folder and the file
// there has the handle's device and inode). Nothing is read or written before the check passes.
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export interface ApprovedFile {
  /** The real location the policy approved. */
  readonly absolute: string;
  /** How the user and the model name it (for messages). */
  readonly relative: string;
  /** Its workspace folder (real path): only folders from here down can be swapped by the workspace's side. */
  readonly root?: string;
}

/** The file is not (or no longer) the one the policy approved: a message the model and the user can act on. */
export class MovedFileError extends Error {}

/** Identity of a file: device and inode. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

const noFollow = constants.O_NOFOLLOW ?? 0;

/** Reads the approved file through a checked handle; `maxBytes` guards against huge files. */
export async function readApproved(file: ApprovedFile, maxBytes = Number.MAX_SAFE_INTEGER): Promise<{ bytes: Buffer; identity: FileIdentity }> {
  const handle = await openOrExplain(file, constants.O_RDONLY | noFollow);
  try {
    const info = await checkHandle(handle, file);
    if (info.size > maxBytes) throw new TooLargeError(info.size);
    return { bytes: await handle.readFile(), identity: { dev: info.dev, ino: info.ino } };
  } finally {
    await handle.close();
  }
}

export class TooLargeError extends Error {
  constructor(readonly size: number) {
    super(`${size} bytes`);
  }
}

/** The identity of the approved file, checked through a handle (for a write someone else performs). */
export async function identifyApproved(file: ApprovedFile): Promise<FileIdentity> {
  const handle = await openOrExplain(file, constants.O_RDONLY | noFollow);
  try {
    const info = await checkHandle(handle, file);
    return { dev: info.dev, ino: info.ino };
  } finally {
    await handle.close();
  }
}

/**
 * Creates the approved file — it must not exist — with this content. Missing folders are made one by
 * one, each checked; the file is created exclusively, without following a link, and checked before
 * a byte is written. If the check fails, the empty file it made elsewhere is removed where that is known.
 */
export async function createApproved(file: ApprovedFile, content: string | Uint8Array, root: string): Promise<void> {
  await makeFolders(path.dirname(file.absolute), root, file);
  let handle: FileHandle;
  try {
    handle = await open(file.absolute, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | noFollow, 0o666);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new MovedFileError(`${file.relative} appeared while waiting for approval; nothing was written. Read it and use edit_file.`);
    if (code === 'ELOOP' || code === 'ENOENT' || code === 'ENOTDIR')
      throw new MovedFileError(`The folder of ${file.relative} changed after it was checked (moved, or swapped for a link); nothing was written.`);
    throw error;
  }
  let written = false;
  try {
    await checkHandle(handle, file);
    await handle.writeFile(content);
    written = true;
  } finally {
    const made = written ? undefined : await handle.stat().catch(() => undefined);
    const where = written ? undefined : await handlePath(handle);
    await handle.close();
    // An empty file made through a swapped folder: take it back if that name is still the empty file we made.
    const there = where ? await lstat(where).catch(() => undefined) : undefined;
    if (where && made && there && there.dev === made.dev && there.ino === made.ino && there.size === 0) await unlink(where).catch(() => undefined);
  }
}

async function openOrExplain(file: ApprovedFile, flags: number): Promise<FileHandle> {
  try {
    return await open(file.absolute, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw new MovedFileError(`${file.relative} became a symbolic link after it was checked; it was not opened.`);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new MovedFileError(`${file.relative} does not exist (or moved after it was checked).`);
    if (code === 'EISDIR') throw new MovedFileError(`${file.relative} is a folder.`);
    throw error;
  }
}

/** Checks that the open handle is the approved file; returns its stats. */
async function checkHandle(handle: FileHandle, file: ApprovedFile): Promise<Stats> {
  const info = await handle.stat();
  if (!info.isFile()) throw new MovedFileError(`${file.relative} is not a regular file; it was not opened.`);
  if (info.nlink > 1)
    throw new MovedFileError(`${file.relative} has ${info.nlink} hard links (its other names may be outside the workspace); it was not opened.`);
  const kernelName = kernelNames ? await handlePath(handle) : undefined;
  if (kernelName !== undefined) {
    if (kernelName !== file.absolute)
      throw new MovedFileError(`${file.relative} led to ${kernelName} when opened: a folder on the way changed after the check. Nothing was read or written.`);
    return info;
  }
  // No kernel name for the handle here. A path lookup after the open can itself go through a swapped folder,
  // so the answer must hold in several rounds, apart in time: every folder on the way a real folder, the file
  // there this handle's file, every folder still real. A swap would have to come and go in step with each round.
  for (let round = 0; round < fallbackRounds; round++) {
    if (round > 0) await new Promise((resolve) => setImmediate(resolve));
    await checkFolders(file);
    const there = await lstat(file.absolute).catch(() => undefined);
    await checkFolders(file);
    if (!there || there.dev !== info.dev || there.ino !== info.ino)
      throw new MovedFileError(`${file.relative} changed while it was opened (a folder on the way was swapped). Nothing was read or written.`);
  }
  return info;
}

const fallbackRounds = 3;

let kernelNames = true;

/** Tests of the check other platforms use (no /proc): judge handles by folders and inode only. */
export function useKernelNamesForTesting(use: boolean): void {
  kernelNames = use;
}

/** Linux: the path the kernel has for this handle (follows renames, never a symlink). Elsewhere undefined. */
async function handlePath(handle: FileHandle): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  const name = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
  return name && name.startsWith('/') && !name.endsWith(' (deleted)') ? name : undefined;
}

/** Every folder from the workspace folder (or, not knowing it, the file system root) down to the file's is a real folder. */
async function checkFolders(file: ApprovedFile): Promise<void> {
  const folder = path.dirname(file.absolute);
  const inRoot = file.root !== undefined && !path.relative(file.root, folder).startsWith('..') && !path.isAbsolute(path.relative(file.root, folder));
  const root = inRoot ? file.root! : path.parse(folder).root; // `/` or `C:\` (joining onto a bare `C:` would be drive-relative)
  let current = root;
  for (const part of ['', ...path.relative(root, folder).split(path.sep)]) {
    if (part) current = path.join(current, part);
    const info = await lstat(current).catch(() => undefined);
    if (!info?.isDirectory())
      throw new MovedFileError(
        `A folder on the way to ${file.relative} is no longer a folder (it may have been swapped for a link). Nothing was read or written.`,
      );
  }
}

/** mkdir -p, one folder at a time, each checked to be where it was meant to be. */
async function makeFolders(folder: string, root: string, file: ApprovedFile): Promise<void> {
  const relative = path.relative(root, folder);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new MovedFileError(`${file.relative} is not inside its workspace folder.`);
  let current = root;
  for (const part of relative ? relative.split(path.sep) : []) {
    current = path.join(current, part);
    await mkdir(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    const [info, real] = await Promise.all([lstat(current).catch(() => undefined), realpath(current).catch(() => undefined)]);
    if (!info?.isDirectory() || real !== current)
      throw new MovedFileError(
        `The folder ${path.relative(root, current)} for ${file.relative} is not a real folder inside the workspace (it may have been swapped for a link). Nothing was written.`,
      );
  }
}
