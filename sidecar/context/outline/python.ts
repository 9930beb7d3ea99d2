// Python outlines: `import a.b [as c]`, `from [.]a import b [as c]` and `*`, top-level functions,
// classes and assignments. An `__init__.py` that imports names re-exports them.
import type { SyntaxNode } from '../grammars';
import { definitionOf, emptyOutline, stampImportLines, type Outline } from './outline';

export function pythonOutline(root: SyntaxNode): Outline {
  const outline = emptyOutline();
  for (const node of root.namedChildren) {
    if (!node) continue;
    const before = outline.imports.length;
    const definition = node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
    switch (definition?.type) {
      case 'import_statement':
        for (const name of definition.childrenForFieldName('name')) {
          if (!name) continue;
          if (name.type === 'aliased_import') {
            const module = name.childForFieldName('name')?.text;
            const alias = name.childForFieldName('alias')?.text;
            if (module && alias) outline.imports.push({ local: alias, imported: '*', module, kind: 'namespace' });
          } else {
            outline.imports.push({ local: name.text, imported: '*', module: name.text, kind: 'namespace' });
          }
        }
        break;
      case 'import_from_statement':
        addFromImport(outline, definition);
        break;
      case 'function_definition':
      case 'class_definition': {
        const name = definition.childForFieldName('name')?.text;
        if (name) outline.definitions.push(definitionOf(name, node));
        break;
      }
      case 'expression_statement': {
        const assignment = definition.namedChildren[0];
        const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
        if (left?.type === 'identifier') outline.definitions.push(definitionOf(left.text, node));
        break;
      }
    }
    stampImportLines(outline, before, node);
  }
  // What an __init__.py imports from its own package, it offers as its own names; a `*` import
  // brings every public name of the module into this one, wherever it comes from.
  for (const binding of outline.imports) {
    if (binding.kind === 'named' && binding.module.startsWith('.'))
      outline.reexports.push({ module: binding.module, names: new Map([[binding.local, binding.imported]]) });
    if (binding.kind === 'wildcard') outline.reexports.push({ module: binding.module });
  }
  return outline;
}

function addFromImport(outline: Outline, node: SyntaxNode): void {
  const module = node.childForFieldName('module_name')?.text;
  if (module === undefined) return;
  if (node.namedChildren.some((child) => child?.type === 'wildcard_import')) {
    outline.imports.push({ local: '', imported: '*', module, kind: 'wildcard' });
    return;
  }
  for (const name of node.childrenForFieldName('name')) {
    if (!name) continue;
    const imported = name.type === 'aliased_import' ? name.childForFieldName('name')?.text : name.text;
    const local = name.type === 'aliased_import' ? name.childForFieldName('alias')?.text : name.text;
    if (imported && local) outline.imports.push({ local, imported, module, kind: 'named' });
  }
}
