// Outlines for Go, Rust and Java (imports map onto files and packages), and a best-effort one for
// every other grammar: definitions from its tags query, and `#include "…"`, `require_relative` or
// PHP `require` as wildcard imports.
import type { Query } from 'web-tree-sitter';
import type { SyntaxNode, Tree } from '../grammars';
import { definitionOf, emptyOutline, stampImportLines, stringValue, type Outline } from './outline';

export function goOutline(root: SyntaxNode): Outline {
  const outline = emptyOutline();
  for (const node of root.namedChildren) {
    if (!node) continue;
    const before = outline.imports.length;
    if (node.type === 'import_declaration') {
      for (const spec of node.descendantsOfType('import_spec')) {
        const module = stringValue(spec?.childForFieldName('path'));
        if (!spec || !module) continue;
        const alias = spec.childForFieldName('name')?.text;
        if (alias === '.') outline.imports.push({ local: '', imported: '*', module, kind: 'wildcard' });
        else if (alias !== '_') outline.imports.push({ local: alias ?? module.split('/').pop()!, imported: '*', module, kind: 'namespace' });
      }
    } else if (node.type === 'function_declaration' || node.type === 'method_declaration') {
      const name = node.childForFieldName('name')?.text;
      if (name) outline.definitions.push(definitionOf(name, node));
    } else if (node.type === 'type_declaration' || node.type === 'const_declaration' || node.type === 'var_declaration') {
      for (const spec of node.namedChildren) {
        for (const name of spec?.childrenForFieldName('name') ?? []) if (name) outline.definitions.push(definitionOf(name.text, node));
      }
    }
    stampImportLines(outline, before, node);
  }
  return outline;
}

const rustItems = new Set([
  'function_item',
  'struct_item',
  'enum_item',
  'trait_item',
  'type_item',
  'const_item',
  'static_item',
  'mod_item',
  'union_item',
  'macro_definition',
]);

export function rustOutline(root: SyntaxNode): Outline {
  const outline = emptyOutline();
  for (const node of root.namedChildren) {
    if (!node) continue;
    if (node.type === 'use_declaration') {
      const before = outline.imports.length;
      addRustUse(outline, node.childForFieldName('argument'), '');
      stampImportLines(outline, before, node);
      // `pub use inner::*;` offers inner's items as this module's own.
      if (node.text.startsWith('pub'))
        for (const binding of outline.imports.slice(before)) if (binding.kind === 'wildcard') outline.reexports.push({ module: binding.module });
    } else if (rustItems.has(node.type)) {
      const name = node.childForFieldName('name')?.text;
      if (name) outline.definitions.push(definitionOf(name, node));
    } else if (node.type === 'impl_item') {
      // An impl block tells as much about a type as its declaration.
      const type = node.childForFieldName('type')?.text.replace(/<.*$/s, '');
      if (type) outline.definitions.push(definitionOf(type, node));
    }
  }
  return outline;
}

function addRustUse(outline: Outline, node: SyntaxNode | null, prefix: string): void {
  if (!node) return;
  const join = (path: string) => (prefix && path ? `${prefix}::${path}` : prefix || path);
  switch (node.type) {
    case 'scoped_identifier': {
      const name = node.childForFieldName('name')?.text;
      if (name) outline.imports.push({ local: name, imported: name, module: join(node.childForFieldName('path')?.text ?? ''), kind: 'named' });
      break;
    }
    case 'identifier':
      if (prefix) outline.imports.push({ local: node.text, imported: node.text, module: prefix, kind: 'named' });
      break;
    case 'use_as_clause': {
      const path = node.childForFieldName('path');
      const alias = node.childForFieldName('alias')?.text;
      const name = path?.type === 'scoped_identifier' ? path.childForFieldName('name')?.text : path?.text;
      const module = path?.type === 'scoped_identifier' ? join(path.childForFieldName('path')?.text ?? '') : prefix;
      if (name && alias) outline.imports.push({ local: alias, imported: name, module, kind: 'named' });
      break;
    }
    case 'scoped_use_list':
      for (const item of node.childForFieldName('list')?.namedChildren ?? []) addRustUse(outline, item, join(node.childForFieldName('path')?.text ?? ''));
      break;
    case 'use_list':
      for (const item of node.namedChildren) addRustUse(outline, item, prefix);
      break;
    case 'use_wildcard':
      outline.imports.push({ local: '', imported: '*', module: join(node.namedChildren[0]?.text ?? ''), kind: 'wildcard' });
      break;
  }
}

const javaTypes = new Set(['class_declaration', 'interface_declaration', 'enum_declaration', 'record_declaration', 'annotation_type_declaration']);

export function javaOutline(root: SyntaxNode): Outline {
  const outline = emptyOutline();
  for (const node of root.namedChildren) {
    if (!node) continue;
    const before = outline.imports.length;
    if (node.type === 'import_declaration') {
      const path = node.namedChildren.find((child) => child?.type === 'scoped_identifier' || child?.type === 'identifier');
      if (!path) continue;
      if (node.namedChildren.some((child) => child?.type === 'asterisk'))
        outline.imports.push({ local: '', imported: '*', module: path.text, kind: 'wildcard' });
      else {
        const name = path.childForFieldName('name')?.text ?? path.text;
        outline.imports.push({ local: name, imported: name, module: path.childForFieldName('scope')?.text ?? '', kind: 'named' });
      }
    } else if (javaTypes.has(node.type)) {
      const name = node.childForFieldName('name')?.text;
      if (name) outline.definitions.push(definitionOf(name, node));
    }
    stampImportLines(outline, before, node);
  }
  return outline;
}

/** Definitions from the grammar's tags query; local includes and requires as wildcard imports. */
export function taggedOutline(languageId: string, tree: Tree, tags: Query): Outline {
  const outline = emptyOutline();
  for (const match of tags.matches(tree.rootNode)) {
    const definition = match.captures.find((capture) => capture.name.startsWith('definition.'));
    const name = match.captures.find((capture) => capture.name === 'name');
    if (definition && name) outline.definitions.push(definitionOf(name.node.text, definition.node));
  }
  for (const node of tree.rootNode.namedChildren) {
    const module = node && localInclude(languageId, node);
    if (module) outline.imports.push({ local: '', imported: '*', module, kind: 'wildcard', startLine: node.startPosition.row, endLine: node.endPosition.row });
  }
  return outline;
}

function localInclude(languageId: string, node: SyntaxNode): string | undefined {
  if (node.type === 'preproc_include') {
    const path = node.childForFieldName('path');
    return path?.type === 'string_literal' ? stringValue(path) : undefined;
  }
  if (languageId === 'ruby' && node.type === 'call' && node.childForFieldName('method')?.text === 'require_relative') {
    const module = stringValue(node.childForFieldName('arguments')?.namedChildren[0]);
    return module && (/\.rb$/.test(module) ? module : `${module}.rb`);
  }
  if (languageId === 'php' && node.type === 'expression_statement') {
    const expression = node.namedChildren[0];
    if (expression && /^(require|include)(_once)?_expression$/.test(expression.type)) return stringValue(expression.namedChildren[0]);
  }
  return undefined;
}
