// The read-only tools on the file system: read a file with line numbers, list a folder, search
// text. They never follow a symbolic link into a folder (a link could lead out of the workspace),
// read files only through a checked handle (see policy/fileHandles), skip protected files,
// binaries and huge files, and cap what they return. A regular expression from the model runs in
// a worker with a time limit (see regexWorker), literal text on the spot.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ToolError } from './tool';
import { MovedFileError, readApproved, TooLargeError } from '../policy/fileHandles';
import { RegexCancelledError, RegexLineMatcher, RegexTimeoutError, type FileText } from './regexWorker';

const maxFileBytes = 2 * 1024 * 1024;
const maxReadLines = 400;
const skippedFolders = new Set(['.git', 'node_modules', '.hg', '.svn', 'dist', 'out', 'build', '.next', 'target', '__pycache__', '.venv']);

/** Whether a path (relative to its workspace folder, forward slashes) must stay hidden from the agent. */
export type Hidden = (relative: string) => Promise<boolean>;

export async function readNumbered(
  absolute: string,
  relative: string,
  text: string | undefined,
  startLine?: number,
  endLine?: number,
  root?: string,
): Promise<string> {
  const content = text ?? (await readTextFile(absolute, relative, root));
  const lines = content.split(/\r?\n/);
  const first = Math.max(1, startLine ?? 1);
  const last = Math.min(lines.length, endLine ?? first + maxReadLines - 1, first + maxReadLines - 1);
  if (first > lines.length) throw new ToolError(`${relative} has only ${lines.length} lines.`);
  const width = String(last).length;
  const body = lines
    .slice(first - 1, last)
    .map((line, i) => `${String(first + i).padStart(width)} | ${line}`)
    .join('\n');
  const more = last < lines.length ? `\n(${lines.length - last} more lines; read on with startLine ${last + 1})` : '';
  return `${relative} (lines ${first}-${last} of ${lines.length})\n${body}${more}`;
}

/** `root`: the workspace folder, so the handle check need not look above it. */
export async function readTextFile(absolute: string, relative: string, root?: string): Promise<string> {
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new ToolError(`${relative} does not exist.`);
  if (info.isDirectory()) throw new ToolError(`${relative} is a folder; use list_files.`);
  let bytes: Buffer;
  try {
    ({ bytes } = await readApproved({ absolute, relative, ...(root ? { root } : {}) }, maxFileBytes));
  } catch (error) {
    if (error instanceof TooLargeError)
      throw new ToolError(`${relative} is ${Math.round(error.size / 1024)} KiB, too large to read; search it with search_text.`);
    if (error instanceof MovedFileError) throw new ToolError(error.message);
    throw error;
  }
  if (bytes.subarray(0, 8000).includes(0)) throw new ToolError(`${relative} is a binary file.`);
  return bytes.toString('utf8');
}

export async function listFolder(absolute: string, relative: string, recursive: boolean, hidden: Hidden): Promise<string> {
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isDirectory()) throw new ToolError(`${relative || '.'} is not a folder.`);
  const lines: string[] = [];
  const limit = 300;
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (lines.length >= limit) return;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (await hidden(childRel)) continue;
      const indent = '  '.repeat(depth);
      if (entry.isSymbolicLink()) lines.push(`${indent}${entry.name}@`);
      else if (entry.isDirectory()) {
        const skipped = skippedFolders.has(entry.name);
        lines.push(`${indent}${entry.name}/${skipped ? ' (not listed)' : ''}`);
        if (recursive && !skipped && depth < 4) await walk(path.join(dir, entry.name), childRel, depth + 1);
      } else lines.push(`${indent}${entry.name}`);
    }
  };
  await walk(absolute, relative, 0);
  if (lines.length === 0) return `${relative || '.'} is empty.`;
  return lines.join('\n') + (lines.length >= limit ? `\n(stopped at ${limit} entries)` : '');
}

export interface SearchRoot {
  readonly absolute: string;
  /** Relative to its workspace folder. */
  readonly relative: string;
  /** Shown before paths when several workspace folders are searched. */
  readonly label?: string;
  /** The workspace folder it is in (real path), when `absolute` is a folder below it. */
  readonly folder?: string;
}

export interface SearchOptions {
  /** Worker time a regular expression may take over the whole search. */
  readonly regexTimeLimitMs?: number;
}

const batchBytes = 4 * 1024 * 1024;

export async function searchText(
  roots: readonly SearchRoot[],
  query: string,
  isRegex: boolean,
  hidden: (root: SearchRoot, relative: string) => Promise<boolean>,
  signal: AbortSignal,
  options: SearchOptions = {},
): Promise<string> {
  let pattern: RegExp;
  try {
    // Compiling is safe on this thread; only matching can take exponential time.
    pattern = isRegex ? new RegExp(query) : new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  } catch (error) {
    throw new ToolError(`Not a valid regular expression: ${(error as Error).message}`);
  }
  const matcher = isRegex ? new RegexLineMatcher(pattern, options.regexTimeLimitMs ?? 5000, signal) : undefined;
  const matches: string[] = [];
  const maxMatches = 100;
  let files = 0;
  let batch: FileText[] = [];
  let batchSize = 0;
  const flush = async () => {
    if (!batch.length) return;
    const texts = batch;
    batch = [];
    batchSize = 0;
    if (matcher) matches.push(...(await matcher.match(texts, maxMatches - matches.length)));
    else {
      for (const file of texts) {
        const lines = file.text.split(/\r?\n/);
        for (let i = 0; i < lines.length && matches.length < maxMatches; i++) {
          if (pattern.test(lines[i]!)) matches.push(`${file.shown}:${i + 1}: ${lines[i]!.trim().slice(0, 200)}`);
        }
      }
    }
  };
  const walk = async (root: SearchRoot, dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (signal.aborted || matches.length >= maxMatches || files >= 5000) return;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink() || (await hidden(root, childRel))) continue;
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name)) await walk(root, path.join(dir, entry.name), childRel);
      } else if (entry.isFile()) {
        files++;
        const shown = `${root.label ? `${root.label}/` : ''}${childRel}`;
        // Through a checked handle: a file with other hard links, or reached through a swapped folder, is skipped.
        const read = await readApproved({ absolute: path.join(dir, entry.name), relative: shown, root: root.folder ?? root.absolute }, maxFileBytes).catch(
          () => undefined,
        );
        if (!read || read.bytes.subarray(0, 8000).includes(0)) continue;
        batch.push({ shown, text: read.bytes.toString('utf8') });
        batchSize += read.bytes.length;
        if (!matcher || batchSize >= batchBytes) await flush();
      }
    }
  };
  try {
    for (const root of roots) await walk(root, root.absolute, root.relative);
    if (signal.aborted) throw new RegexCancelledError('cancelled');
    await flush();
  } catch (error) {
    if (error instanceof RegexTimeoutError) throw new ToolError(error.message);
    if (error instanceof RegexCancelledError) throw new ToolError('The search was cancelled.');
    throw error;
  } finally {
    await matcher?.close();
  }
  const found = matches.slice(0, maxMatches);
  if (found.length === 0) return `No matches for ${isRegex ? `/${query}/` : `"${query}"`} in ${files} files.`;
  return found.join('\n') + (found.length >= maxMatches ? `\n(stopped at ${maxMatches} matches; narrow the search)` : '');
}
