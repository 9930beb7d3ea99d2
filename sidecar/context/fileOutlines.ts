// Outlines of files the current document imports, read from disk (or from the editor's mirror when
// the file is open with unsaved changes), parsed once, their trees freed at once, and remembered
// with the text of each top-level definition until the file's mtime or version changes.
import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { FileGate } from './boundary';
import { grammarFor } from './grammars';
import { hasTextOutline } from './outline/kotlin';
import { outlineOf, textOutline, type Definition, type Outline } from './outline/outline';
import { languageOfFile } from './resolve/resolve';
import type { FsCache } from './resolve/fsCache';

export interface FileDefinition extends Definition {
  /** The declaration's text, clipped to a snippet's size. */
  readonly text: string;
  /** The top-level definitions just before and after it in the file, when only a little text lies between. */
  readonly previous?: FileDefinition;
  readonly next?: FileDefinition;
  /** The exact text between `previous` and this definition (when `previous` is set). */
  readonly gapBefore?: string;
}

export interface FileSummary {
  readonly path: string;
  readonly languageId: string;
  readonly outline: Outline;
  readonly definitions: ReadonlyMap<string, readonly FileDefinition[]>;
}

/** A mirrored document's text stands in for the file on disk. */
export interface OpenText {
  readonly text: string;
  readonly version: number;
}

/** Definitions this close (lines, and characters between) are neighbours a snippet may join. */
const maxNeighbourGapLines = 4;
const maxNeighbourGapChars = 300;

/** Bigger files (bundles, generated code) are not parsed for context. */
const maxFileBytes = 512 * 1024;
export const maxDefinitionChars = 1_600;

export class FileOutlines {
  private readonly cache = new LRUCache<string, { key: string; summary: FileSummary | undefined }>({
    maxSize: 20_000_000,
    sizeCalculation: (entry) =>
      200 + [...(entry.summary?.definitions.values() ?? [])].reduce((sum, list) => sum + list.reduce((s, d) => s + d.text.length + 64, 0), 0),
  });

  constructor(
    private readonly fs: FsCache,
    private readonly gate: FileGate,
  ) {}

  /** True when `load` would not have to parse. */
  isCurrent(path: string, open?: OpenText): boolean {
    if (!this.gate.allowsFile(path)) return true; // nothing to parse: load answers undefined at once
    const key = this.keyOf(path, open);
    return key !== undefined && this.cache.get(path)?.key === key;
  }

  async load(path: string, open?: OpenText): Promise<FileSummary | undefined> {
    // Before the cache too: a file excluded since it was parsed is not used either.
    if (!this.gate.allowsFile(path)) return undefined;
    const key = this.keyOf(path, open);
    if (key === undefined) return undefined;
    const cached = this.cache.get(path);
    if (cached?.key === key) return cached.summary;
    const languageId = languageOfFile(path);
    const grammar = languageId && (await grammarFor(languageId));
    let summary: FileSummary | undefined;
    if (languageId && (grammar || hasTextOutline(languageId))) {
      const text = open?.text ?? readText(path);
      if (text !== undefined) summary = summarize(path, languageId, text, grammar || undefined);
    }
    this.cache.set(path, { key, summary });
    return summary;
  }

  private keyOf(path: string, open?: OpenText): string | undefined {
    if (open) return `v${open.version}`;
    const stat = this.fs.stat(path);
    if (!stat?.isFile || stat.size > maxFileBytes) return undefined;
    return `${stat.mtimeMs}:${stat.size}`;
  }
}

function summarize(path: string, languageId: string, text: string, grammar: Awaited<ReturnType<typeof grammarFor>>): FileSummary | undefined {
  const parser = grammar?.parser();
  const tree = parser?.parse(text);
  parser?.delete();
  if (grammar && !tree) return undefined;
  try {
    // A language without a grammar (Kotlin) is outlined from its text.
    const outline = tree && grammar ? outlineOf(languageId, tree, grammar.tags) : textOutline(languageId, text);
    if (!outline) return undefined;
    const definitions = new Map<string, FileDefinition[]>();
    const inOrder: Array<FileDefinition & { previous?: FileDefinition; next?: FileDefinition; gapBefore?: string }> = [];
    for (const definition of outline.definitions) {
      const list = definitions.get(definition.name) ?? [];
      const withText = { ...definition, text: clipLines(text.slice(lineStart(text, definition.start), definition.end), maxDefinitionChars) };
      list.push(withText);
      inOrder.push(withText);
      definitions.set(definition.name, list);
    }
    // Neighbours close together (constants, small helpers), so a snippet can take a few at once.
    inOrder.sort((a, b) => a.start - b.start);
    for (let i = 1; i < inOrder.length; i++) {
      const before = inOrder[i - 1]!;
      const current = inOrder[i]!;
      if (current.start < before.end || current.startLine - before.endLine > maxNeighbourGapLines) continue;
      const gap = text.slice(before.end, lineStart(text, current.start));
      if (gap.length > maxNeighbourGapChars) continue;
      before.next = current;
      current.previous = before;
      current.gapBefore = gap;
    }
    return { path, languageId, outline, definitions };
  } finally {
    tree?.delete();
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** At most `max` characters, cut at a line end, marked where something was left out. */
export function clipLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max);
  return `${text.slice(0, cut > max / 2 ? cut : max)}\n…`;
}
