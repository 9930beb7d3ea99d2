// After a function's signature changes (its parameter list), its call sites in the file: places to
// look at, not edits (what each call should pass is the user's, or a model's, to say).
import type { SyntaxNode } from '../../context/grammars';
import { ancestors, isIdentifier, widenToWords, type Rule, type Suggestion } from '../suggestion';

const parameterLists = new Set(['formal_parameters', 'parameters', 'parameter_list', 'lambda_parameters']);
const calls = ['call_expression', 'call', 'method_invocation', 'new_expression'];
const maxCalls = 50;

export const callSitesRule: Rule = ({ tree, last }) => {
  if (!tree) return [];
  // A renamed parameter changes no call (the rename rule offers its other uses).
  const word = widenToWords(last);
  if (isIdentifier(word.removed) && isIdentifier(word.inserted)) return [];
  const start = last.start;
  const end = start + last.inserted.length;
  const site = tree.rootNode.descendantForIndex(start, Math.max(start, end - 1));
  if (!site) return [];
  const list = [site, ...ancestors(site)].find((node) => parameterLists.has(node.type));
  const fn = list?.parent;
  if (!list || !fn || start < list.startIndex || end > list.endIndex) return [];
  const name = functionName(fn);
  if (!name) return [];
  const suggestions: Suggestion[] = [];
  for (const call of tree.rootNode.descendantsOfType(calls)) {
    if (!call || suggestions.length >= maxCalls || calleeName(call) !== name) continue;
    const args = call.childForFieldName('arguments') ?? call;
    suggestions.push({ rule: 'callSite', start: args.startIndex, end: args.endIndex, label: `Call of ${name}: its signature changed` });
  }
  return suggestions;
};

/** The name a function is called by: its own, or the variable an arrow function is assigned to. */
function functionName(fn: SyntaxNode): string | undefined {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const holder = fn.parent;
  if (holder?.type === 'variable_declarator' || holder?.type === 'assignment')
    return (holder.childForFieldName('name') ?? holder.childForFieldName('left'))?.text;
  return undefined;
}

/** `f(…)`, `obj.f(…)`, `self.f(…)`, `new F(…)`: the last name of the callee. */
function calleeName(call: SyntaxNode): string | undefined {
  const callee = call.childForFieldName('function') ?? call.childForFieldName('constructor') ?? call.childForFieldName('name');
  if (!callee) return undefined;
  const member = callee.childForFieldName('property') ?? callee.childForFieldName('attribute') ?? callee.childForFieldName('field');
  return (member ?? callee).text;
}
