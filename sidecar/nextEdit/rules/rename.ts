// After the user changes an identifier at one place (typed over it, or swapped in a bigger change
// such as a pasted line), the same change at its other uses in scope:
// the innermost function that declares the name (a parameter or a local), else the whole file.
// Uses are syntax nodes of the same family (a type's uses are types, a property's properties), so
// the word in a string, a comment or another kind of name is left alone. Each use says whether it
// declares the name in that scope: the extension asks VS Code's rename provider from there.
import { diffArrays } from 'diff';
import type { SyntaxNode } from '../../context/grammars';
import type { GroupChange } from '../editHistory';
import { ancestors, identifierFamily, identifierTypes, isFunctionNode, isIdentifier, widenToWords, type Rule, type Suggestion } from '../suggestion';

const maxUses = 200;
const maxSwaps = 5;
/** A bigger change is not searched for swaps (a pasted file). */
const maxTokens = 2_000;

export const renameRule: Rule = ({ text, tree, last }) => {
  if (!tree) return [];
  const suggestions: Suggestion[] = [];
  const root = tree.rootNode;
  for (const { start, oldName, newName } of swaps(last)) {
    const site = root.descendantForIndex(start, start + newName.length);
    if (!site || !identifierTypes.has(site.type) || site.startIndex !== start || text.slice(site.startIndex, site.endIndex) !== newName) continue;
    const family = familyOf(site);
    const scope = scopeOf(site, oldName, root);
    const scopeStart = scope === root ? undefined : scope.startIndex;
    for (const use of scope.descendantsOfType([...identifierTypes])) {
      if (suggestions.length >= maxUses) break;
      if (!use || use.text !== oldName || use.startIndex === site.startIndex || familyOf(use) !== family) continue;
      const rename = {
        from: oldName,
        to: newName,
        siteStart: site.startIndex,
        siteEnd: site.endIndex,
        declaration: declares(use) && bindingScope(use) === scopeStart,
      };
      suggestions.push({ rule: 'rename', start: use.startIndex, end: use.endIndex, text: newName, label: `Rename ${oldName} to ${newName}`, rename });
    }
  }
  return suggestions;
};

interface Swap {
  /** Where the new name starts in the current text. */
  readonly start: number;
  readonly oldName: string;
  readonly newName: string;
}

/**
 * The names the change swapped for others: the change itself when it lies inside one word (typing
 * a new name over an old one), else each word-for-word swap in a bigger change (a pasted line).
 */
function swaps(last: GroupChange): Swap[] {
  const word = widenToWords(last);
  if (isIdentifier(word.removed) && isIdentifier(word.inserted))
    return word.removed === word.inserted ? [] : [{ start: word.start, oldName: word.removed, newName: word.inserted }];
  const removed = tokens(word.removed);
  const inserted = tokens(word.inserted);
  if (removed.length > maxTokens || inserted.length > maxTokens) return [];
  const parts = diffArrays(removed, inserted);
  const found: Swap[] = [];
  let at = word.start;
  parts.forEach((part, i) => {
    const next = parts[i + 1];
    const [oldName, newName] = [part.value[0], next?.value[0]];
    // One word out, a word first in (what follows it may be new too: `sum` → `subtotal: number`),
    // unless the new word goes on into a longer name (`log` → `logger.info`, `f` → `f()`).
    const goesOn = /^[.([]$/.test(next?.value[1] ?? '');
    if (part.removed && next?.added && part.value.length === 1 && !goesOn && isIdentifier(oldName!) && isIdentifier(newName!)) {
      found.push({ start: at, oldName: oldName!, newName: newName! });
    }
    if (!part.removed) at += part.value.join('').length;
  });
  return found.slice(0, maxSwaps);
}

/** Words, runs of space, and single other characters. */
function tokens(text: string): string[] {
  return text.match(/[\p{L}\p{N}_$]+|\s+|[^\p{L}\p{N}_$\s]/gu) ?? [];
}

/** A name's family; in Python an attribute (`self.count`) is a property though its node is an identifier. */
function familyOf(node: SyntaxNode): string {
  const parent = node.parent;
  if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.startIndex === node.startIndex) return 'property';
  return identifierFamily(node.type);
}

function scopeOf(site: SyntaxNode, oldName: string, root: SyntaxNode): SyntaxNode {
  for (const fn of ancestors(site).filter(isFunctionNode)) {
    if (isDeclaration(site) && declaredIn(fn, site)) return fn;
    if (declaresName(fn, oldName)) return fn;
  }
  return root;
}

/** The node names a parameter or a local of `fn` (not `fn`'s own name, which belongs to the scope around it). */
function declaredIn(fn: SyntaxNode, node: SyntaxNode): boolean {
  return fn.childForFieldName('name')?.startIndex !== node.startIndex;
}

function declaresName(fn: SyntaxNode, name: string): boolean {
  const own = fn.childForFieldName('name')?.startIndex;
  return fn
    .descendantsOfType('identifier')
    .some((node) => node?.text === name && node.startIndex !== own && isDeclaration(node) && innermostFunction(node) === fn.startIndex);
}

/** A parameter, a local, or the name of a function, class or variable it names. */
function declares(node: SyntaxNode): boolean {
  return isDeclaration(node) || node.parent?.childForFieldName('name')?.startIndex === node.startIndex;
}

/** The function whose scope the name binds in: a function's own name belongs to the scope around it. */
function bindingScope(node: SyntaxNode): number | undefined {
  const named = node.parent?.childForFieldName('name')?.startIndex === node.startIndex && node.parent && isFunctionNode(node.parent);
  return innermostFunction(named ? node.parent! : node);
}

function innermostFunction(node: SyntaxNode): number | undefined {
  return ancestors(node).find(isFunctionNode)?.startIndex;
}

const declaring = /parameter|declarator|^parameters$|lambda_parameters|for_in_clause|for_statement|for_in_statement|catch_clause|as_pattern|pattern$/;

function isDeclaration(node: SyntaxNode): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (declaring.test(parent.type)) return parent.type !== 'variable_declarator' || parent.childForFieldName('name')?.startIndex === node.startIndex;
  if (/assignment/.test(parent.type)) return parent.childForFieldName('left')?.startIndex === node.startIndex;
  return false;
}
