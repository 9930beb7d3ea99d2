// Which members of a namespace import the files next to this one use: files in one folder that
// import the same module under the same name (`import * as util from '../core/util'`) tend to use
// the same few members, so a member used by the siblings is the best guess for one this file has
// not used yet. Likewise a function of the same name in a sibling (a locale's `error`, a policy's
// `sendRequest`) tends to use the same imported names as the one being written. A cheap text scan
// of up to `maxSiblings` files, cached per folder.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FileGate } from './boundary';
import type { Deadline } from './candidate';
import type { FsCache } from './resolve/fsCache';

const maxSiblings = 24;
const maxFileBytes = 200_000;
const ttlMs = 30_000;
const maxEntries = 256;
/** Folders whose texts are kept (each up to maxSiblings + 1 files). */
const maxFolders = 8;
const sourceFile = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|py|go|rs|java|kt|c|cc|cpp|cxx|h|hh|hpp)$/;

export class SiblingUsage {
  private readonly cache = new Map<string, { at: number; members: ReadonlyMap<string, number> }>();
  private readonly folderTexts = new Map<string, { at: number; names: string[]; read: number; files: Array<{ name: string; path: string; text: string }> }>();
  private readonly functionWords = new Map<string, { at: number; words: ReadonlyMap<string, number> }>();

  constructor(
    private readonly fs: FsCache,
    private readonly gate: FileGate,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * member → the share (0–1) of the sibling files using `module` as `local` that use it; the file
   * itself does not count.
   */
  membersOf(file: string, module: string, local: string, deadline?: Deadline, byName = false): ReadonlyMap<string, number> {
    const dir = path.dirname(file);
    const key = `${dir}\0${module}\0${local}\0${path.basename(file)}\0${byName}`;
    const cached = this.cache.get(key);
    if (cached && this.now() - cached.at < ttlMs) return cached.members;
    const counts = new Map<string, number>();
    const { texts, complete } = this.importersOf(file, module, byName ? local : undefined, deadline);
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
    if (complete) this.cache.set(key, { at: this.now(), members });
    return members;
  }

  /**
   * Texts of the files in this file's folder that mention `module` in an import, or import `local`
   * by name when asked (a module another file re-exports: `from .base import gguf`).
   */
  private importersOf(file: string, module: string, local: string | undefined, deadline?: Deadline): { texts: string[]; complete: boolean } {
    const quoted = [`'${module}'`, `"${module}"`, `import ${module}`];
    const byName = local && /^[A-Za-z_$][\w$]*$/.test(local) ? new RegExp(`\\bimport\\b[^\\n]*\\b${local.replace(/\$/g, '\\$')}\\b`) : undefined;
    const { texts, complete } = this.textsOf(file, deadline);
    return { texts: texts.filter((text) => quoted.some((q) => text.includes(q)) || (byName?.test(text) ?? false)), complete };
  }

  /**
   * word → the share (0–1) of the sibling functions named `name` (in the files next to this one)
   * whose text uses it, as an identifier or as a member (`x.word`).
   */
  wordsOfFunction(file: string, name: string, deadline?: Deadline): ReadonlyMap<string, number> {
    const key = `${path.dirname(file)}\0${name}\0${path.basename(file)}`;
    const cached = this.functionWords.get(key);
    if (cached && this.now() - cached.at < ttlMs) return cached.words;
    const counts = new Map<string, number>();
    let functions = 0;
    // function f / def f / fn f / func (r T) f / fun f / a method / Type::f / a C-style `type f(`.
    const declaration = new RegExp(
      `(?:\\bfunction\\*?\\s+|\\b(?:def|fn|fun)\\s+|\\bfunc\\s+(?:\\([^)]*\\)\\s*)?|^[ \\t]*(?:(?:async|static|public|private|protected|override|get|set)\\s+)*|\\b(?:const|let|var)\\s+|\\.|::|^[A-Za-z_][\\w:<>,*& \\t]*[\\s*&])${name.replace(/\$/g, '\\$')}\\s*(?:=\\s*(?:async\\s*)?(?:function\\b|\\([^)]*\\)\\s*=>|[A-Za-z_$][\\w$]*\\s*=>)|\\()`,
      'm',
    );
    const { texts, complete } = this.textsOf(file, deadline);
    for (const text of texts) {
      const match = declaration.exec(text);
      if (!match) continue;
      functions++;
      const words = new Set(bodyAt(text, match.index).match(/[A-Za-z_$][\w$]*/g) ?? []);
      for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    const words = new Map([...counts].map(([word, count]) => [word, count / Math.max(1, functions)]));
    if (this.functionWords.size >= maxEntries) this.functionWords.clear();
    if (complete) this.functionWords.set(key, { at: this.now(), words });
    return words;
  }

  /**
   * Texts of the source files in this file's folder (not itself), read once per folder while fresh;
   * past the deadline the reading stops and goes on at the next call (`complete` false until then).
   */
  private textsOf(file: string, deadline?: Deadline): { texts: string[]; complete: boolean } {
    const dir = path.dirname(file);
    const extension = path.extname(file);
    const key = `${dir}\0${extension}`;
    let folder = this.folderTexts.get(key);
    if (!folder || this.now() - folder.at >= ttlMs) {
      // One file per stem, with this file's extension where there is one: build twins (`x.js`,
      // `x.cjs`) would count the same code twice, and they import under different module names.
      const stems = new Map<string, string>();
      for (const name of this.fs.list(dir)) {
        if (!sourceFile.test(name) || /\.d\.[cm]?ts$/.test(name)) continue;
        const taken = stems.get(stemOf(name));
        if (taken === undefined || (path.extname(taken) !== extension && path.extname(name) === extension)) stems.set(stemOf(name), name);
      }
      const names = [...stems.values()].slice(0, maxSiblings + 1);
      if (this.folderTexts.size >= maxFolders) this.folderTexts.clear();
      folder = { at: this.now(), names, read: 0, files: [] };
      this.folderTexts.set(key, folder);
    }
    while (folder.read < folder.names.length && !deadline?.expired()) {
      const name = folder.names[folder.read++]!;
      const sibling = path.join(dir, name);
      const stat = this.fs.stat(sibling);
      if (!stat?.isFile || stat.size > maxFileBytes || !this.gate.allowsFile(sibling)) continue;
      try {
        folder.files.push({ name, path: sibling, text: readFileSync(sibling, 'utf8') });
      } catch {
        // Unreadable: not a sibling that counts.
      }
    }
    // Not the file itself, nor its build twins (`x.js` next to `x.cjs` or `x.ts`): they hold the same code.
    const own = stemOf(path.basename(file));
    // Judged again on the way out: a file excluded while its text was kept is not used.
    const texts = folder.files
      .filter((f) => stemOf(f.name) !== own && this.gate.allowsFile(f.path))
      .slice(0, maxSiblings)
      .map((f) => f.text);
    return { texts, complete: folder.read >= folder.names.length };
  }
}

/** A file name up to its first dot: `ko.d.cts`, `ko.cjs` and `ko.test.ts` are all `ko`. */
function stemOf(name: string): string {
  const dot = name.indexOf('.', 1);
  return dot < 0 ? name : name.slice(0, dot);
}

/** The text of the function declared at `start`: to its closing brace (or dedent, for Python), at most 4,000 chars. */
function bodyAt(text: string, start: number): string {
  const limit = Math.min(text.length, start + 4_000);
  const open = text.indexOf('{', start);
  const colon = text.indexOf(':\n', start);
  if (colon >= 0 && (open < 0 || colon < open) && /\bdef\s/.test(text.slice(start, colon))) {
    const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', start) + 1))![0].length;
    let end = colon + 2;
    for (let next = text.indexOf('\n', end); next >= 0 && next < limit; next = text.indexOf('\n', end)) {
      const line = text.slice(end, next);
      if (line.trim() && /^[ \t]*/.exec(line)![0].length <= indent) break;
      end = next + 1;
    }
    return text.slice(start, Math.min(end, limit));
  }
  if (open < 0 || open >= limit) return text.slice(start, limit);
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start, limit);
}
