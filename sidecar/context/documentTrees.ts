// One syntax tree per open document, brought up to date on demand: the text changed since the last
// parse becomes one tree-sitter edit (the span between the common prefix and suffix), so the
// reparse is incremental. Trees live in WASM memory that is never returned to the OS: each is
// deleted when replaced, when its document closes, and beyond a cap on how many are kept.
import type { Edit } from 'web-tree-sitter';
import { grammarFor, type Tree } from './grammars';

interface Entry {
  readonly languageId: string;
  text: string;
  tree: Tree;
  lastUsed: number;
}

export interface DocumentLike {
  readonly uri: string;
  readonly languageId: string;
  readonly text: string;
}

/** Beyond this many, the least recently used tree is freed (a tree costs ~2 MiB of WASM heap). */
const maxTrees = 16;
/** Bigger documents are not parsed on the keystroke path. */
export const maxParsedChars = 1_000_000;

export class DocumentTrees {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  /** The document's tree for its current text, or undefined for languages without a grammar. */
  async treeFor(document: DocumentLike): Promise<Tree | undefined> {
    if (document.text.length > maxParsedChars) return this.drop(document.uri);
    const grammar = await grammarFor(document.languageId);
    if (!grammar) return undefined;
    let entry = this.entries.get(document.uri);
    if (entry && entry.languageId !== document.languageId) entry = this.drop(document.uri);
    const parser = grammar.parser();
    try {
      if (!entry) {
        const tree = parser.parse(document.text);
        if (!tree) return undefined;
        entry = { languageId: document.languageId, text: document.text, tree, lastUsed: 0 };
        this.entries.set(document.uri, entry);
        this.evict(document.uri);
      } else if (entry.text !== document.text) {
        entry.tree.edit(editBetween(entry.text, document.text));
        const tree = parser.parse(document.text, entry.tree);
        if (!tree) return undefined;
        entry.tree.delete();
        entry.tree = tree;
        entry.text = document.text;
      }
    } finally {
      parser.delete();
    }
    entry.lastUsed = ++this.clock;
    return entry.tree;
  }

  /** Frees the trees of documents that are no longer open. */
  retain(isOpen: (uri: string) => boolean): void {
    for (const uri of [...this.entries.keys()]) if (!isOpen(uri)) this.drop(uri);
  }

  get size(): number {
    return this.entries.size;
  }

  dispose(): void {
    for (const uri of [...this.entries.keys()]) this.drop(uri);
  }

  private drop(uri: string): undefined {
    this.entries.get(uri)?.tree.delete();
    this.entries.delete(uri);
    return undefined;
  }

  private evict(keep: string): void {
    while (this.entries.size > maxTrees) {
      let oldest: [string, Entry] | undefined;
      for (const pair of this.entries) if (pair[0] !== keep && (!oldest || pair[1].lastUsed < oldest[1].lastUsed)) oldest = pair;
      if (!oldest) return;
      this.drop(oldest[0]);
    }
  }
}

/** The single edit that turns `before` into `after`: everything between their common prefix and suffix. */
export function editBetween(before: string, after: string): Edit {
  const limit = Math.min(before.length, after.length);
  let start = 0;
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let common = 0;
  while (common < limit - start && before.charCodeAt(before.length - 1 - common) === after.charCodeAt(after.length - 1 - common)) common++;
  const oldEnd = before.length - common;
  const newEnd = after.length - common;
  // A plain object: tree.edit reads only these fields, and web-tree-sitter must come from require().
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: pointAt(before, start),
    oldEndPosition: pointAt(before, oldEnd),
    newEndPosition: pointAt(after, newEnd),
  } as Edit;
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}
