// Which members of a namespace import the files next to this one use: files in one folder that
// import the same module under the same name (`import * as util from '../core/util'`) tend to use
// the same few members, so a member used by the siblings is the best guess for one this file has
// not used yet. A cheap text scan of up to `maxSiblings` files, cached per folder and module.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FsCache } from './resolve/fsCache';

const maxSiblings = 24;
const maxFileBytes = 200_000;
const ttlMs = 30_000;
const maxEntries = 256;
const sourceFile = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|py|go|rs|java)$/;

export class SiblingUsage {
  private readonly cache = new Map<string, { at: number; members: ReadonlyMap<string, number> }>();
  private readonly importerTexts = new Map<string, { at: number; texts: string[] }>();

  constructor(private readonly fs: FsCache, private readonly now: () => number = Date.now) {}

  /**
   * member → the share (0–1) of the sibling files using `module` as `local` that use it; the file
   * itself does not count.
   */
  membersOf(file: string, module: string, local: string): ReadonlyMap<string, number> {
    const dir = path.dirname(file);
    const key = `${dir}\0${module}\0${local}\0${path.basename(file)}`;
    const cached = this.cache.get(key);
    if (cached && this.now() - cached.at < ttlMs) return cached.members;
    const counts = new Map<string, number>();
    const texts = this.importersOf(file, module);
    const use = new RegExp(`(?<![\\w$.])${local.replace(/[.$]/g, (c) => `\\${c}`)}\\s*(?:\\.|::)\\s*([A-Za-z_$][\\w$]*)`, 'g');
    // Only files that use the module through the same name count (not those importing names from it).
    let importers = 0;
    for (const text of texts) {
      const used = new Set<string>();
      for (const match of text.matchAll(use)) used.add(match[1]!);
      if (used.size) importers++;
      for (const member of used) counts.set(member, (counts.get(member) ?? 0) + 1);
    }
    const members = new Map([...counts].map(([member, count]) => [member, count / Math.max(1, importers)]));
    if (this.cache.size >= maxEntries) this.cache.clear();
    this.cache.set(key, { at: this.now(), members });
    return members;
  }

  /** Texts of the files in this file's folder that mention `module` in an import. */
  private importersOf(file: string, module: string): string[] {
    const dir = path.dirname(file);
    const key = `${dir}\0${module}\0${path.basename(file)}`;
    const cached = this.importerTexts.get(key);
    if (cached && this.now() - cached.at < ttlMs) return cached.texts;
    const quoted = [`'${module}'`, `"${module}"`, `import ${module}`];
    const texts: string[] = [];
    const siblings = this.fs.list(dir).filter((name) => sourceFile.test(name) && name !== path.basename(file) && !/\.d\.[cm]?ts$/.test(name));
    for (const name of siblings.slice(0, maxSiblings)) {
      const sibling = path.join(dir, name);
      const stat = this.fs.stat(sibling);
      if (!stat?.isFile || stat.size > maxFileBytes) continue;
      try {
        const text = readFileSync(sibling, 'utf8');
        if (quoted.some((q) => text.includes(q))) texts.push(text);
      } catch {
        // Unreadable: not a sibling that counts.
      }
    }
    if (this.importerTexts.size >= maxEntries) this.importerTexts.clear();
    this.importerTexts.set(key, { at: this.now(), texts });
    return texts;
  }
}
