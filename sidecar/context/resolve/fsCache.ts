// File-system look-ups for module resolution, remembered for a few seconds: resolving one file's
// imports probes dozens of candidate paths, and the keystroke path cannot stat them every time.
// Every file the resolver reads (manifests, tsconfig, go.mod, Cargo.toml, compile databases, the
// first lines of a module for its `mod`/`package` declarations) goes through here.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';

export interface FileStat {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly mtimeMs: number;
  readonly size: number;
}

const ttlMs = 5_000;
const maxEntries = 50_000;
/** Texts kept (config files, module heads), and the largest one kept. */
const maxTexts = 2_000;
const maxCachedTextBytes = 1_000_000;

export class FsCache {
  private readonly stats = new Map<string, { at: number; stat: FileStat | undefined }>();
  private readonly listings = new Map<string, { at: number; names: string[] }>();
  private readonly json = new Map<string, { mtimeMs: number; value: unknown }>();
  private readonly texts = new Map<string, { key: string; text: string | undefined }>();
  private readonly realpaths = new Map<string, { at: number; path: string }>();

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
  readJson(path: string, maxBytes?: number): unknown {
    const stat = this.stat(path);
    if (!stat?.isFile) return undefined;
    const cached = this.json.get(path);
    if (cached?.mtimeMs === stat.mtimeMs) return cached.value;
    let value: unknown;
    try {
      const text = this.readText(path, maxBytes);
      value = text === undefined ? undefined : JSON.parse(text);
    } catch {
      value = undefined;
    }
    this.json.set(path, { mtimeMs: stat.mtimeMs, value });
    return value;
  }

  /**
   * A text file (a manifest, a config, a module's head), re-read when its mtime or size changes;
   * undefined when missing or bigger than `maxBytes` (a generated file is not worth the time).
   */
  readText(path: string, maxBytes = 2_000_000): string | undefined {
    const stat = this.stat(path);
    if (!stat?.isFile || stat.size > maxBytes) return undefined;
    const key = `${stat.mtimeMs}:${stat.size}`;
    const cached = this.texts.get(path);
    if (cached?.key === key) return cached.text;
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = undefined;
    }
    if (this.texts.size >= maxTexts) this.texts.clear();
    // A big file (a compile database) is parsed once by its reader and kept in that form only.
    if (stat.size <= maxCachedTextBytes) this.texts.set(path, { key, text });
    return text;
  }

  /** The path with symlinks resolved (a workspace package linked into node_modules), else itself. */
  realpath(path: string): string {
    const cached = this.realpaths.get(path);
    if (cached && this.now() - cached.at < ttlMs) return cached.path;
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // Missing: keep the path as given.
    }
    if (this.realpaths.size >= maxEntries) this.realpaths.clear();
    this.realpaths.set(path, { at: this.now(), path: real });
    return real;
  }
}
