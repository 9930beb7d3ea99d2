// TypeScript and JavaScript outlines: ES imports and `require`, top-level declarations (exported or
// not), CommonJS `exports.x =` / `module.exports = { … }`, and re-exports.
import type { SyntaxNode } from '../grammars';
import { definitionOf, emptyOutline, stampImportLines, stringValue, type Outline } from './outline';

const namedDeclarations = new Set([
  'function_declaration',
  'generator_function_declaration',
  'class_declaration',
  'abstract_class_declaration',
  'interface_declaration',
  'type_alias_declaration',
  'enum_declaration',
  'function_signature',
  'internal_module',
  'module',
]);

export function javascriptOutline(root: SyntaxNode): Outline {
  const outline = emptyOutline();
  for (const node of root.namedChildren) {
    if (!node) continue;
    const before = outline.imports.length;
    switch (node.type) {
      case 'import_statement':
        addImport(outline, node);
        break;
      case 'export_statement':
        addExport(outline, node);
        break;
      case 'expression_statement':
        addCommonJsExport(outline, node);
        break;
      default:
        addDeclaration(outline, node, node);
    }
    stampImportLines(outline, before, node);
  }
  return outline;
}

function addImport(outline: Outline, node: SyntaxNode): void {
  const module = stringValue(node.childForFieldName('source')?.namedChildren[0] ?? node.childForFieldName('source'));
  if (module === undefined) return;
  const clause = node.namedChildren.find((child) => child?.type === 'import_clause');
  for (const part of clause?.namedChildren ?? []) {
    if (!part) continue;
    if (part.type === 'identifier') outline.imports.push({ local: part.text, imported: 'default', module, kind: 'named' });
    else if (part.type === 'namespace_import') {
      const local = part.namedChildren[0]?.text;
      if (local) outline.imports.push({ local, imported: '*', module, kind: 'namespace' });
    } else if (part.type === 'named_imports') {
      for (const specifier of part.namedChildren) {
        const name = specifier?.childForFieldName('name')?.text;
        if (!specifier || !name) continue;
        outline.imports.push({ local: specifier.childForFieldName('alias')?.text ?? name, imported: name, module, kind: 'named' });
      }
    }
  }
}

function addExport(outline: Outline, node: SyntaxNode): void {
  const source = node.childForFieldName('source');
  const declaration = node.childForFieldName('declaration');
  if (declaration) {
    addDeclaration(outline, declaration, node);
    if (node.children.some((child) => child?.type === 'default')) {
      const name = declaration.childForFieldName('name')?.text;
      outline.definitions.push(definitionOf('default', node));
      if (name) outline.aliases.set('default', name);
    }
    return;
  }
  const clause = node.namedChildren.find((child) => child?.type === 'export_clause');
  if (source) {
    const module = stringValue(source.namedChildren[0] ?? source);
    if (module === undefined) return;
    if (!clause) return void outline.reexports.push({ module });
    const names = new Map<string, string>();
    for (const specifier of clause.namedChildren) {
      const name = specifier?.childForFieldName('name')?.text;
      if (specifier && name) names.set(specifier.childForFieldName('alias')?.text ?? name, name);
    }
    outline.reexports.push({ module, names });
    return;
  }
  if (clause) {
    for (const specifier of clause.namedChildren) {
      const name = specifier?.childForFieldName('name')?.text;
      const alias = specifier?.childForFieldName('alias')?.text;
      if (name) outline.aliases.set(alias ?? name, name);
    }
    return;
  }
  // `export default expression` / `export = expression`
  const value = node.childForFieldName('value') ?? node.namedChildren.at(-1);
  if (!value) return;
  if (value.type === 'identifier') outline.aliases.set('default', value.text);
  else outline.definitions.push(definitionOf('default', node));
}

function addDeclaration(outline: Outline, node: SyntaxNode, whole: SyntaxNode): void {
  if (node.type === 'ambient_declaration') {
    for (const inner of node.namedChildren) if (inner) addDeclaration(outline, inner, whole);
    return;
  }
  if (namedDeclarations.has(node.type)) {
    const name = node.childForFieldName('name')?.text;
    if (name) outline.definitions.push(definitionOf(name, whole));
    return;
  }
  if (node.type === 'lexical_declaration' || node.type === 'variable_declaration') {
    for (const declarator of node.namedChildren) {
      if (declarator?.type !== 'variable_declarator') continue;
      const name = declarator.childForFieldName('name');
      const value = declarator.childForFieldName('value');
      if (name?.type === 'identifier') {
        const required = requiredModule(value);
        if (required !== undefined) outline.imports.push({ local: name.text, imported: '*', module: required, kind: 'namespace' });
        else outline.definitions.push(definitionOf(name.text, whole));
      } else if (name?.type === 'object_pattern') {
        // const { a, b: c } = require('./x')
        const required = requiredModule(value);
        if (required === undefined) continue;
        for (const property of name.namedChildren) {
          if (property?.type === 'shorthand_property_identifier_pattern')
            outline.imports.push({ local: property.text, imported: property.text, module: required, kind: 'named' });
          else if (property?.type === 'pair_pattern') {
            const key = property.childForFieldName('key')?.text;
            const local = property.childForFieldName('value')?.text;
            if (key && local) outline.imports.push({ local, imported: key, module: required, kind: 'named' });
          }
        }
      }
    }
  }
}

/** `require('x')` (possibly `require('x').y`): the module, else undefined. */
function requiredModule(value: SyntaxNode | null): string | undefined {
  if (value?.type === 'member_expression') value = value.childForFieldName('object');
  if (value?.type !== 'call_expression' || value.childForFieldName('function')?.text !== 'require') return undefined;
  const argument = value.childForFieldName('arguments')?.namedChildren[0];
  return argument?.type === 'string' ? stringValue(argument) : undefined;
}

/** `exports.a = …`, `module.exports.a = …`, `module.exports = { a, b }`, and compiled enums' `(exports.E = E = {})`. */
function addCommonJsExport(outline: Outline, statement: SyntaxNode): void {
  const assignment = statement.namedChildren[0];
  if (assignment?.type === 'call_expression') {
    // TypeScript's compiled enum or namespace: `(function (E) {…})(E || (exports.E = E = {}));`
    for (const match of (assignment.childForFieldName('arguments')?.text ?? '').matchAll(/\bexports\.([A-Za-z_$][\w$]*)\s*=\s*([A-Za-z_$][\w$]*)\s*=/g))
      outline.aliases.set(match[1]!, match[2]!);
    return;
  }
  if (assignment?.type !== 'assignment_expression') return;
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  if (left?.type !== 'member_expression') return;
  const object = left.childForFieldName('object')?.text;
  const property = left.childForFieldName('property')?.text;
  if (!property) return;
  if (object === 'exports' || object === 'module.exports') {
    if (right?.type === 'identifier') outline.aliases.set(property, right.text);
    else outline.definitions.push(definitionOf(property, statement));
  } else if (object === 'module' && property === 'exports') {
    if (right?.type === 'identifier') outline.aliases.set('default', right.text);
    const required = requiredModule(right);
    if (required !== undefined) return void outline.reexports.push({ module: required });
    for (const entry of right?.type === 'object' ? right.namedChildren : []) {
      if (entry?.type === 'shorthand_property_identifier') outline.aliases.set(entry.text, entry.text);
      else if (entry?.type === 'pair' && entry.childForFieldName('value')?.type === 'identifier') {
        const key = entry.childForFieldName('key')?.text;
        if (key) outline.aliases.set(key, entry.childForFieldName('value')!.text);
      }
    }
  }
}
