// Writes that a crash cannot tear: the bytes go to a temporary file next to the target, which is
// then renamed over it (rename is atomic on one file system), so a reader sees the old file or the
// new one, never half of one. A crash leaves at most a stray *.tmp, removed on the next open.
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeFolder } from '../folders';

let counter = 0;

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  makeFolder(path.dirname(file), 'the folder of the index file');
  const temp = `${file}.${process.pid}.${counter++}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** writeFileAtomic without blocking the event loop while the bytes go to disk (a big snapshot). */
export async function writeFileAtomicAsync(file: string, data: Uint8Array): Promise<void> {
  makeFolder(path.dirname(file), 'the folder of the index file');
  const temp = `${file}.${process.pid}.${counter++}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Removes what interrupted writes left in `dir` (not recursive). */
export function removeStrayTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (name.endsWith('.tmp')) rmSync(path.join(dir, name), { force: true });
}
