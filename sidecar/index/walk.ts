// Lists the files the index should hold, depth first, skipping what the filter rules out before
// descending (an ignored node_modules is never read), and reads one. Symlinks are not followed:
// they can leave the workspace or loop. The walk is bounded (entries looked at, depth): a
// workspace folder that is the whole disk ends with a note, not a scan that never finishes.
import { constants, type Stats } from 'node:fs';
import { open, opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { WorkspaceFilter } from './workspaceFilter';

export interface FoundFile {
  /** Relative to the root, with forward slashes. */
  readonly relative: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export const walkLimits = {
  /** Folder entries looked at in one walk: far beyond a large monorepo (~300k files with its ignores). */
  maxEntries: 2_000_000,
  maxDepth: 64,
};

/** Why a walk stopped early; undefined while it has not. */
export interface WalkNote {
  stoppedEarly?: string;
}

export async function* walkWorkspace(filter: WorkspaceFilter, signal?: AbortSignal, note: WalkNote = {}, limits = walkLimits): AsyncGenerator<FoundFile> {
  const pending = [{ dir: '', depth: 0 }];
  let entriesSeen = 0;
  while (pending.length > 0) {
    if (signal?.aborted) return;
    const { dir, depth } = pending.pop()!;
    let entries;
    try {
      entries = await opendir(path.join(filter.root, dir));
    } catch {
      continue;
    }
    for await (const entry of entries) {
      if (++entriesSeen > limits.maxEntries) {
        note.stoppedEarly = `The scan stopped after looking at ${limits.maxEntries.toLocaleString('en-US')} folder entries; exclude large folders to index the rest.`;
        return; // leaving the for-await closes the directory handle
      }
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (filter.ignoresEntry(dir, entry.name, true)) continue;
        if (depth + 1 < limits.maxDepth) pending.push({ dir: relative, depth: depth + 1 });
        else note.stoppedEarly ??= `Folders nested deeper than ${limits.maxDepth} levels were not indexed (${relative}).`;
      } else if (entry.isFile() && !filter.ignoresEntry(dir, entry.name, false)) {
        const info = await stat(path.join(filter.root, relative)).catch(() => undefined);
        if (info && info.size <= filter.maxFileBytes && info.size > 0) yield { relative, size: info.size, mtimeMs: info.mtimeMs };
      }
    }
  }
}

/**
 * A regular file's bytes and stat, opened without following a final symlink (one swapped in since
 * the check is refused by the kernel); undefined when it is not a regular file, is empty or too big.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<{ data: Buffer; info: Stats } | undefined> {
  const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(() => undefined);
  if (!handle) return undefined;
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size === 0 || info.size > maxBytes) return undefined;
    return { data: await handle.readFile(), info };
  } finally {
    await handle.close();
  }
}
