// The function and class around the cursor. Their lines scope where an imported symbol's use counts
// most, and when the prompt window starts below their header, the header is worth a snippet: the
// model then knows whose body it is writing.
import type { Candidate } from './candidate';
import type { SyntaxNode, Tree } from './grammars';

export interface Scope {
  readonly startLine: number;
  readonly endLine: number;
  readonly start: number;
  readonly end: number;
  readonly kind: 'function' | 'class';
}

const functionLike = /function|method|lambda|arrow|closure|constructor|(^|_)def(inition)?$/;
const classLike =
  /^(class|interface|struct|enum|trait|impl|module|namespace|object)(_declaration|_definition|_item|_specifier|_body)?$|class_declaration|class_definition/;
const headerLines = 6;
/** Whose body the cursor is in matters more than any one definition the body uses. */
const enclosingFunctionScore = 2.2;
const enclosingClassScore = 1.5;

/** The innermost function and class (or type) around `offset`. */
export function enclosingScopes(tree: Tree, offset: number): { fn?: Scope; cls?: Scope } {
  let node: SyntaxNode | null = tree.rootNode.descendantForIndex(Math.max(0, offset - 1), offset);
  const found: { fn?: Scope; cls?: Scope } = {};
  for (; node && node.parent; node = node.parent) {
    if (node.type.endsWith('_body') || node.type === 'block' || node.type === 'statement_block') continue;
    if (!found.fn && functionLike.test(node.type) && !/call|arguments|parameter/.test(node.type)) found.fn = scopeOf(node, 'function');
    else if (!found.cls && classLike.test(node.type)) found.cls = scopeOf(node, 'class');
  }
  return found;
}

function scopeOf(node: SyntaxNode, kind: Scope['kind']): Scope {
  return { startLine: node.startPosition.row, endLine: node.endPosition.row, start: node.startIndex, end: node.endIndex, kind };
}

/** Header snippets for scopes whose start the prompt window does not show. */
export function enclosingCandidates(text: string, scopes: { fn?: Scope; cls?: Scope }, windowStart: number, file: string, filename: string): Candidate[] {
  const candidates: Candidate[] = [];
  for (const scope of [scopes.cls, scopes.fn]) {
    if (!scope || scope.start >= windowStart) continue;
    const lineStart = text.lastIndexOf('\n', scope.start - 1) + 1;
    const lines = text.slice(lineStart, Math.min(scope.end, windowStart)).split('\n').slice(0, headerLines);
    // The signature: up to the line that opens the body.
    const opens = lines.findIndex((line) => line.includes('{') || /:\s*(#.*)?$/.test(line));
    if (opens >= 0) lines.length = opens + 1;
    candidates.push({
      source: 'enclosing',
      file,
      filename,
      text: `${lines.join('\n')}\n…`,
      score: scope.kind === 'function' ? enclosingFunctionScore : enclosingClassScore,
      startLine: scope.startLine,
      endLine: scope.startLine + lines.length - 1,
    });
  }
  return candidates;
}
