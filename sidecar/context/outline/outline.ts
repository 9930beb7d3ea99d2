// A file's outline: what it imports, what it defines at the top level and what it re-exports.
// Built from a tree-sitter tree by a walker per language family; the rest of the context engine
// never looks at node types.
import type { SyntaxNode, Tree } from '../grammars';
import { cFamilyOutline } from './cfamily';
import { javascriptOutline } from './javascript';
import { hasTextOutline, kotlinOutline } from './kotlin';
import { goOutline, javaOutline, rustOutline, taggedOutline } from './others';
import { pythonOutline } from './python';

export interface ImportBinding {
  /** The name this file uses ('' for a wildcard import, whose names are used bare). */
  readonly local: string;
  /** The imported name; '*' for the whole module (used as `local.name`), 'default' for a default export. */
  readonly imported: string;
  /** The module as written (a path, a package, a dotted name). */
  readonly module: string;
  readonly kind: 'named' | 'namespace' | 'wildcard';
  /** Zero-based lines of the import statement, so its own mention of the name is not a use. */
  startLine?: number;
  endLine?: number;
}

export interface Definition {
  readonly name: string;
  /** Document offsets (UTF-16) and zero-based lines of the whole declaration. */
  readonly start: number;
  readonly end: number;
  readonly startLine: number;
  readonly endLine: number;
}

export interface Reexport {
  readonly module: string;
  /** exported name → name in `module`; undefined re-exports everything (`export * from`). */
  readonly names?: ReadonlyMap<string, string>;
}

export interface Outline {
  readonly imports: ImportBinding[];
  readonly definitions: Definition[];
  readonly reexports: Reexport[];
  /** Exported name → the local definition it names (`export { a as b }`, `export default a`). */
  readonly aliases: Map<string, string>;
}

export function emptyOutline(): Outline {
  return { imports: [], definitions: [], reexports: [], aliases: new Map() };
}

export function outlineOf(languageId: string, tree: Tree, tags?: import('web-tree-sitter').Query): Outline {
  switch (languageId) {
    case 'typescript':
    case 'typescriptreact':
    case 'javascript':
    case 'javascriptreact':
      return javascriptOutline(tree.rootNode);
    case 'python':
      return pythonOutline(tree.rootNode);
    case 'go':
      return goOutline(tree.rootNode);
    case 'rust':
      return rustOutline(tree.rootNode);
    case 'java':
      return javaOutline(tree.rootNode);
    case 'c':
    case 'cpp':
      return cFamilyOutline(tree.rootNode);
    default:
      return tags ? taggedOutline(languageId, tree, tags) : emptyOutline();
  }
}

/** The outline of a language without a grammar, read from its text; undefined for other languages. */
export function textOutline(languageId: string, text: string): Outline | undefined {
  return hasTextOutline(languageId) ? kotlinOutline(text) : undefined;
}

/** Stamps the imports added since `from` with the lines of the statement that declared them. */
export function stampImportLines(outline: Outline, from: number, node: SyntaxNode): void {
  for (let i = from; i < outline.imports.length; i++) {
    outline.imports[i]!.startLine = node.startPosition.row;
    outline.imports[i]!.endLine = node.endPosition.row;
  }
}

export function definitionOf(name: string, node: SyntaxNode): Definition {
  return { name, start: node.startIndex, end: node.endIndex, startLine: node.startPosition.row, endLine: node.endPosition.row };
}

/** The text of a string literal node without its quotes. */
export function stringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  const text = node.text;
  return /^(['"`]).*\1$/s.test(text) ? text.slice(1, -1) : text;
}
