// After the user changes an identifier at one place, the same change at its other uses in scope:
// the innermost function that declares the name (a parameter or a local), else the whole file.
// Uses are syntax nodes of the same family (a type's uses are types, a property's properties), so
// the word in a string, a comment or another kind of name is left alone.
import type { SyntaxNode } from '../../context/grammars';
import { ancestors, identifierFamily, identifierTypes, isFunctionNode, isIdentifier, widenToWords, type Rule, type Suggestion } from '../suggestion';

const maxUses = 200;

export const renameRule: Rule = ({ text, tree, last }) => {
  if (!tree) return [];
  const word = widenToWords(last);
  const oldName = word.removed;
  const newName = word.inserted;
  if (!isIdentifier(oldName) || !isIdentifier(newName) || oldName === newName) return [];
  const site = tree.rootNode.descendantForIndex(word.start, word.start + newName.length);
  if (!site || !identifierTypes.has(site.type) || site.text !== newName || text.slice(site.startIndex, site.endIndex) !== newName) return [];
  const family = familyOf(site);
  const scope = scopeOf(site, oldName, tree.rootNode);
  const suggestions: Suggestion[] = [];
  for (const use of scope.descendantsOfType([...identifierTypes])) {
    if (suggestions.length >= maxUses) break;
    if (!use || use.text !== oldName || use.startIndex === site.startIndex || familyOf(use) !== family) continue;
    suggestions.push({ rule: 'rename', start: use.startIndex, end: use.endIndex, text: newName, label: `Rename ${oldName} to ${newName}` });
  }
  return suggestions;
};

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
