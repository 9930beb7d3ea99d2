// What a next-edit rule proposes and what every rule reads: a change the user just made, the
// document as it is now and its syntax tree. Offsets are UTF-16 code units of the current text.
import type { SyntaxNode, Tree } from '../context/grammars';
import type { GroupChange } from './editHistory';

export type RuleName = 'rename' | 'repeat' | 'callSite' | 'model';

export interface Suggestion {
  readonly rule: RuleName;
  readonly start: number;
  readonly end: number;
  /** The replacement for [start, end); undefined for a place to look at (a call site), not an edit. */
  readonly text?: string;
  /** What the suggestion does, in a few words. */
  readonly label: string;
  /** A rename's other use: the names, and where the new name stands (the extension asks VS Code's rename provider with them). */
  readonly rename?: RenameInfo;
}

export interface RenameInfo {
  readonly from: string;
  readonly to: string;
  /** The new name the user typed, [start, end) in the current text. */
  readonly siteStart: number;
  readonly siteEnd: number;
  /** This use declares the name in the renamed name's own scope: the best place to ask a rename provider from. */
  readonly declaration: boolean;
}

export interface RuleInput {
  readonly languageId: string;
  /** The document's text now. */
  readonly text: string;
  /** Its syntax tree, or undefined for a language without a grammar. */
  readonly tree: Tree | undefined;
  /** The user's latest change in this document, trimmed to what differs. */
  readonly last: GroupChange;
  /** The change before it (in any file), when there is one. */
  readonly previous: GroupChange | undefined;
}

export type Rule = (input: RuleInput) => Suggestion[];

const identifierChar = /[\p{L}\p{N}_$]/u;

export function isIdentifierChar(char: string | undefined): boolean {
  return char !== undefined && identifierChar.test(char);
}

export function isIdentifier(text: string): boolean {
  return /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(text);
}

/** A change widened on both sides to whole words: `log(` → `logger.info(` is `log` → `logger.info`. */
export interface WordChange {
  /** Where it starts (the same in both texts). */
  readonly start: number;
  readonly removed: string;
  readonly inserted: string;
  /** The characters just outside it, the same in both texts (a line break at either end of the file). */
  readonly charBefore: string;
  readonly charAfter: string;
}

export function widenToWords(change: GroupChange): WordChange {
  const { before } = change;
  let start = change.start;
  let end = change.start + change.removed.length;
  let afterEnd = change.start + change.inserted.length;
  while (start > 0 && isIdentifierChar(before[start - 1])) start--;
  while (end < before.length && isIdentifierChar(before[end])) {
    end++;
    afterEnd++;
  }
  return {
    start,
    removed: before.slice(start, end),
    inserted: change.after.slice(start, afterEnd),
    charBefore: before[start - 1] ?? '\n',
    charAfter: before[end] ?? '\n',
  };
}

/** Identifier-like node types across the grammars Pylot ships. */
export const identifierTypes = new Set([
  'identifier',
  'property_identifier',
  'shorthand_property_identifier',
  'shorthand_property_identifier_pattern',
  'type_identifier',
  'field_identifier',
  'private_property_identifier',
]);

/** The family of an identifier node: a renamed type's other uses are types, a property's properties. */
export function identifierFamily(type: string): string {
  if (type === 'type_identifier') return 'type';
  if (type === 'property_identifier' || type === 'field_identifier' || type === 'private_property_identifier') return 'property';
  return 'value';
}

/** Function-like nodes: a scope of their own for parameters and locals. */
export function isFunctionNode(node: SyntaxNode): boolean {
  return /function|method_definition|arrow_function|lambda|constructor|method_declaration/.test(node.type);
}

export function ancestors(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = [];
  for (let at = node.parent; at; at = at.parent) list.push(at);
  return list;
}
