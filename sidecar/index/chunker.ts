// Splits a source file into chunks for the index: split-then-merge over the syntax tree (a node
// that fits is one piece; one that does not is split into its children; adjacent pieces are then
// merged up to the size cap), so a chunk is a whole function or a run of small declarations and
// rarely cuts one in half. Each chunk carries the path of the definitions enclosing it. Files
// without a grammar fall back to line windows that prefer to break at blank lines.
import type { Node as SyntaxNode } from 'web-tree-sitter';
import { grammarFor } from '../context/grammars';
import type * as TreeSitter from 'web-tree-sitter';

/** ~500 tokens at ~4 characters per token. */
export const maxChunkChars = 2000;

export interface Chunk {
  /** 1-based, inclusive. */
  readonly startLine: number;
  readonly endLine: number;
  /** Enclosing definitions, outermost first, joined by '.'; '' at top level. */
  readonly symbol: string;
  readonly text: string;
}

interface Piece {
  /** 0-based rows, inclusive. */
  start: number;
  end: number;
  /** Definitions that contain this piece, outermost first, plus the piece's own when it is one. */
  symbols: readonly string[];
}

const parsers = new Map<string, TreeSitter.Parser>();

export async function chunkSource(text: string, languageId: string | undefined, maxChars = maxChunkChars): Promise<Chunk[]> {
  const lines = new LineIndex(text);
  const grammar = languageId ? await grammarFor(languageId) : undefined;
  if (!grammar) return fromPieces(lineWindows(lines, 0, lines.count - 1, [], maxChars), lines, maxChars);
  let parser = parsers.get(grammar.languageId);
  if (!parser) {
    parser = grammar.parser();
    parsers.set(grammar.languageId, parser);
  }
  const tree = parser.parse(text);
  if (!tree) return fromPieces(lineWindows(lines, 0, lines.count - 1, [], maxChars), lines, maxChars);
  try {
    const pieces: Piece[] = [];
    split(tree.rootNode, [], lines, maxChars, pieces);
    return fromPieces(pieces, lines, maxChars);
  } finally {
    tree.delete();
  }
}

function split(node: SyntaxNode, enclosing: readonly string[], lines: LineIndex, maxChars: number, out: Piece[]): void {
  const start = node.startPosition.row;
  const end = node.endPosition.column === 0 && node.endPosition.row > start ? node.endPosition.row - 1 : node.endPosition.row;
  // A wrapper (export, decorator) is named by the definition inside it, which the recursion reaches.
  const name = wrappers.test(node.type) ? undefined : definitionName(node);
  const symbols = name ? [...enclosing, name] : enclosing;
  if (lines.size(start, end) <= maxChars || node.namedChildCount === 0) {
    if (lines.size(start, end) <= maxChars) out.push({ start, end, symbols: name ? symbols : innerSymbols(node, enclosing) });
    else out.push(...lineWindows(lines, start, end, symbols, maxChars));
    return;
  }
  for (const child of node.namedChildren) if (child) split(child, symbols, lines, maxChars, out);
}

/** A small piece that is not itself a definition may still hold one (e.g. `export const f = …`). */
function innerSymbols(node: SyntaxNode, enclosing: readonly string[]): readonly string[] {
  for (const child of node.namedChildren.slice(0, 3)) {
    const name = child && definitionName(child);
    if (name) return [...enclosing, name];
  }
  return enclosing;
}

const definitionType = /(function|method|class|interface|struct|enum|trait|impl|module|namespace|type_alias|type_spec|constructor|union|record|object)/;
const wrappers = /^(export_statement|decorated_definition|template_declaration)$/;

/** The name a definition node declares, or undefined when the node declares none. */
function definitionName(node: SyntaxNode): string | undefined {
  if (wrappers.test(node.type)) {
    const inner =
      node.childForFieldName('declaration') ?? node.childForFieldName('definition') ?? node.namedChildren.find((c) => c && definitionType.test(c.type));
    return inner ? definitionName(inner) : undefined;
  }
  if (node.type === 'lexical_declaration' || node.type === 'variable_declaration') {
    // `const handler = () => …`: named by its declarator when the value is a function or class.
    const declarator = node.namedChildren.find((c) => c?.type === 'variable_declarator');
    const value = declarator?.childForFieldName('value');
    return value && definitionType.test(value.type) ? declarator?.childForFieldName('name')?.text : undefined;
  }
  if (!definitionType.test(node.type) || /(call|expression|parameter|argument|identifier|body|list|declarator|reference)/.test(node.type)) return undefined;
  const named = node.childForFieldName('name') ?? (node.type === 'impl_item' ? node.childForFieldName('type') : null);
  if (named) return named.text;
  // C and C++ name a function through its declarator chain.
  let declarator = node.childForFieldName('declarator');
  for (let depth = 0; declarator && depth < 4; depth++) {
    if (/identifier$/.test(declarator.type)) return declarator.text;
    declarator = declarator.childForFieldName('declarator') ?? declarator.childForFieldName('name');
  }
  return undefined;
}

/** Greedy merge of adjacent pieces up to the cap; rows between pieces go with the next one. */
function fromPieces(pieces: readonly Piece[], lines: LineIndex, maxChars: number): Chunk[] {
  const chunks: Chunk[] = [];
  let current: { start: number; end: number; symbols: Array<readonly string[]> } | undefined;
  let covered = -1;
  const flush = () => {
    if (!current) return;
    const text = lines.slice(current.start, current.end);
    const symbol = commonSymbol(current.symbols);
    // Only an over-long line (minified or generated code) makes a chunk exceed the cap: cut it.
    for (let at = 0; at < text.length; at += maxChars) {
      const part = text.length > maxChars ? text.slice(at, at + maxChars) : text;
      if (part.trim()) chunks.push({ startLine: current.start + 1, endLine: current.end + 1, symbol, text: part });
    }
    current = undefined;
  };
  for (const piece of pieces) {
    const start = Math.max(piece.start, covered + 1);
    const end = Math.max(piece.end, start);
    if (end <= covered) continue;
    if (current && lines.size(current.start, end) > maxChars) flush();
    if (!current) current = { start: covered + 1, end, symbols: [] };
    current.end = end;
    current.symbols.push(piece.symbols);
    covered = end;
  }
  if (current) current.end = Math.max(current.end, lines.count - 1);
  flush();
  return chunks;
}

/** A merged chunk is named by what its pieces share, plus the first deeper definition among them. */
function commonSymbol(all: ReadonlyArray<readonly string[]>): string {
  const first = all[0] ?? [];
  if (all.length === 1) return first.join('.');
  let shared = first.length;
  for (const symbols of all) {
    let i = 0;
    while (i < shared && i < symbols.length && symbols[i] === first[i]) i++;
    shared = i;
  }
  const own = all.find((symbols) => symbols.length > shared);
  return [...first.slice(0, shared), ...(own ? [own[shared]!] : [])].join('.');
}

/** Line windows up to the cap, closing early at a blank line once half full. */
function lineWindows(lines: LineIndex, from: number, to: number, symbols: readonly string[], maxChars: number): Piece[] {
  const pieces: Piece[] = [];
  let start = from;
  for (let row = from; row <= to; row++) {
    const size = lines.size(start, row);
    const overfull = size > maxChars && row > start;
    const blankBreak = size >= maxChars / 2 && lines.isBlank(row);
    if (overfull || blankBreak) {
      const end = overfull ? row - 1 : row;
      pieces.push({ start, end, symbols });
      start = end + 1;
    }
  }
  if (start <= to) pieces.push({ start, end: to, symbols });
  return pieces;
}

class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    if (this.starts.length > 1 && this.starts[this.starts.length - 1] === text.length) this.starts.pop();
  }

  get count(): number {
    return this.starts.length;
  }

  size(startRow: number, endRow: number): number {
    return this.offset(endRow + 1) - this.offset(startRow);
  }

  slice(startRow: number, endRow: number): string {
    return this.text.slice(this.offset(startRow), this.offset(endRow + 1)).replace(/\r?\n$/, '');
  }

  isBlank(row: number): boolean {
    return this.size(row, row) <= 1 || !this.slice(row, row).trim();
  }

  private offset(row: number): number {
    return row >= this.starts.length ? this.text.length : this.starts[Math.max(0, row)]!;
  }
}
