// C and C++ outlines: `#include`s (quoted as written, angled as `<x.h>`) as wildcard imports, and
// what a header or source declares at file scope — functions (prototypes and definitions), types
// (struct, union, enum with each enumerator, typedef, class, using-alias), globals and macros — also
// inside include guards, `#if` blocks, `extern "C"` and namespaces, where the tags query's
// declarator-only captures lost the return type and the macros.
import type { SyntaxNode } from '../grammars';
import { definitionOf, emptyOutline, stringValue, type Outline } from './outline';

const containers = new Set([
  'preproc_ifdef',
  'preproc_if',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'linkage_specification',
  'declaration_list',
  'namespace_definition',
  'ERROR',
]);
const typeSpecifiers = new Set(['struct_specifier', 'union_specifier', 'enum_specifier', 'class_specifier']);
const maxDepth = 12;

export function cFamilyOutline(root: SyntaxNode): Outline {
  const outline = emptyOutline();
  visit(outline, root, 0);
  return outline;
}

function visit(outline: Outline, node: SyntaxNode, depth: number): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'preproc_include') addInclude(outline, child);
    else if (containers.has(child.type) || child.type === 'translation_unit') {
      if (depth < maxDepth) visit(outline, child.type === 'namespace_definition' ? (child.childForFieldName('body') ?? child) : child, depth + 1);
    } else addDefinition(outline, child, child);
  }
}

function addInclude(outline: Outline, node: SyntaxNode): void {
  const target = node.childForFieldName('path');
  if (!target) return;
  const module = target.type === 'system_lib_string' ? target.text : stringValue(target);
  if (module) outline.imports.push({ local: '', imported: '*', module, kind: 'wildcard', startLine: node.startPosition.row, endLine: node.endPosition.row });
}

function addDefinition(outline: Outline, node: SyntaxNode, whole: SyntaxNode): void {
  const add = (name: string | undefined) => {
    if (name) outline.definitions.push(definitionOf(name, whole));
  };
  switch (node.type) {
    case 'template_declaration':
      for (const inner of node.namedChildren) if (inner && inner.type !== 'template_parameter_list') addDefinition(outline, inner, whole);
      return;
    case 'preproc_def':
      // An include guard (`#define X_H` with no value) defines nothing anyone uses.
      if (node.childForFieldName('value')) add(node.childForFieldName('name')?.text);
      return;
    case 'preproc_function_def':
      add(node.childForFieldName('name')?.text);
      return;
    case 'function_definition':
    case 'declaration':
    case 'field_declaration': {
      for (const declarator of node.childrenForFieldName('declarator')) add(declaredName(declarator));
      const type = node.childForFieldName('type');
      if (type && typeSpecifiers.has(type.type)) addType(outline, type, whole);
      return;
    }
    case 'type_definition': {
      for (const declarator of node.childrenForFieldName('declarator')) add(declaredName(declarator));
      const type = node.childForFieldName('type');
      if (type && typeSpecifiers.has(type.type)) addType(outline, type, whole);
      return;
    }
    case 'alias_declaration':
      add(node.childForFieldName('name')?.text);
      return;
    default:
      if (typeSpecifiers.has(node.type)) addType(outline, node, whole);
  }
}

/** A struct/union/enum/class with a body: its name, and an enum's constants. */
function addType(outline: Outline, type: SyntaxNode, whole: SyntaxNode): void {
  const body = type.childForFieldName('body');
  if (!body) return;
  const name = type.childForFieldName('name')?.text;
  if (name) outline.definitions.push(definitionOf(name.replace(/^.*::/, ''), whole));
  if (type.type === 'enum_specifier') {
    for (const enumerator of body.namedChildren) {
      const constant = enumerator?.type === 'enumerator' ? enumerator.childForFieldName('name')?.text : undefined;
      if (constant) outline.definitions.push(definitionOf(constant, whole));
    }
  }
}

/** The name a declarator declares, through pointers, arrays, references, initialisers and parentheses. */
function declaredName(node: SyntaxNode | null): string | undefined {
  for (let depth = 0; node && depth < 8; depth++) {
    switch (node.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
      case 'operator_name':
      case 'destructor_name':
        return node.text;
      case 'qualified_identifier':
        node = node.childForFieldName('name');
        break;
      default:
        node =
          node.childForFieldName('declarator') ??
          node.namedChildren.find((child) => child?.type.endsWith('declarator') || child?.type === 'identifier') ??
          null;
    }
  }
  return undefined;
}
