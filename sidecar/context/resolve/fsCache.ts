// File-system look-ups for module resolution, remembered for a few seconds: resolving one file's
// imports probes dozens of candidate paths, and the keystroke path cannot stat them every time.
import { readdirSync, readFileSync, statSync } from 'node:fs';

export interface FileStat {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly mtimeMs: number;
  readonly size: number;
}

const ttlMs = 5_000;
const maxEntries = 50_000;

export class FsCache {
  private readonly stats = new Map<string, { at: number; stat: FileStat | undefined }>();
  private readonly listings = new Map<string, { at: number; names: string[] }>();
  private readonly json = new Map<string, { mtimeMs: number; value: unknown }>();

  constructor(private readonly now: () => number = Date.now) {}

  stat(path: string): FileStat | undefined {
    const cached = this.stats.get(path);
    if (cached && this.now() - cached.at < ttlMs) return cached.stat;
    let stat: FileStat | undefined;
    try {
      const s = statSync(path);
      stat = { isFile: s.isFile(), isDirectory: s.isDirectory(), mtimeMs: s.mtimeMs, size: s.size };
    } catch {
      stat = undefined;
    }
    if (this.stats.size >= maxEntries) this.stats.clear();
    this.stats.set(path, { at: this.now(), stat });
    return stat;
  }

  isFile(path: string): boolean {
    return this.stat(path)?.isFile ?? false;
  }

  isDirectory(path: string): boolean {
    return this.stat(path)?.isDirectory ?? false;
  }

  list(dir: string): string[] {
    const cached = this.listings.get(dir);
    if (cached && this.now() - cached.at < ttlMs) return cached.names;
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // A missing folder lists nothing.
    }
    if (this.listings.size >= maxEntries) this.listings.clear();
    this.listings.set(dir, { at: this.now(), names });
    return names;
  }

  /** A parsed JSON file (package.json, tsconfig), re-read when its mtime changes. */
  readJson(path: string): unknown {
    const stat = this.stat(path);
    if (!stat?.isFile) return undefined;
    const cached = this.json.get(path);
    if (cached?.mtimeMs === stat.mtimeMs) return cached.value;
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      value = undefined;
    }
    this.json.set(path, { mtimeMs: stat.mtimeMs, value });
    return value;
  }
}
