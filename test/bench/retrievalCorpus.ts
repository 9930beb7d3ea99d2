// Retrieval cases from real code: functions whose body uses symbols imported (by relative path)
// from other files. The body is hidden; the truth is where each used symbol is declared, found by a
// plain text search of the imported file that is independent of the context engine's outlines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { grammarFor, type SyntaxNode } from '../../sidecar/context/grammars';
import { outlineOf, type ImportBinding } from '../../sidecar/context/outline/outline';
import { languageOfFile } from '../../sidecar/context/resolve/resolve';
import { UsageIndex } from '../../sidecar/context/usage';

export interface Truth {
  readonly symbol: string;
  readonly file: string;
  /** Zero-based line of the declaration. */
  readonly line: number;
}

export interface RetrievalCase {
  readonly file: string;
  readonly languageId: string;
  /** The file with the function's body removed, and the cursor where the body was. */
  readonly text: string;
  readonly offset: number;
  readonly truths: Truth[];
  /** Files the current file imports by relative path: the "open tabs" the Jaccard baseline searches. */
  readonly importedFiles: string[];
}

const maxFileBytes = 150_000;
const bodyLines = 3;

export function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < 12 && !['.bin', '.cache', 'test', 'tests', '__tests__', 'min', 'umd', 'browser'].includes(entry.name)) walk(full, depth + 1);
      } else if (/\.(ts|mts|cts|js|mjs|cjs|py)$/.test(entry.name) && !/\.d\.[cm]?ts$|\.min\.js$/.test(entry.name)) files.push(full);
    }
  };
  walk(root, 0);
  return files.sort();
}

export async function casesFrom(file: string, limit: number): Promise<RetrievalCase[]> {
  const languageId = languageOfFile(file);
  if (!languageId) return [];
  if (statSync(file).size > maxFileBytes) return [];
  const text = readFileSync(file, 'utf8');
  if (text.length / (text.split('\n').length || 1) > 200) return []; // minified
  const grammar = await grammarFor(languageId);
  if (!grammar) return [];
  const parser = grammar.parser();
  const tree = parser.parse(text);
  parser.delete();
  if (!tree) return [];
  try {
    const relative = outlineOf(languageId, tree, grammar.tags).imports.filter((b) => b.module.startsWith('.'));
    if (!relative.length) return [];
    const importedFiles = [...new Set(relative.map((b) => moduleFile(file, b.module, languageId)).filter((f): f is string => !!f))];
    const cases: RetrievalCase[] = [];
    for (const fn of functionsOf(tree.rootNode)) {
      if (cases.length >= limit) break;
      const hidden = hideBody(text, fn, languageId);
      if (!hidden) continue;
      const truths = usedImports(hidden.body, relative, file, languageId);
      if (truths.length) cases.push({ file, languageId, text: hidden.text, offset: hidden.offset, truths, importedFiles });
    }
    return cases;
  } finally {
    tree.delete();
  }
}

function functionsOf(root: SyntaxNode): SyntaxNode[] {
  return root.descendantsOfType(['function_declaration', 'method_definition', 'function_definition', 'arrow_function', 'function_expression', 'generator_function_declaration']).filter((n): n is SyntaxNode => !!n);
}

function hideBody(text: string, fn: SyntaxNode, languageId: string): { text: string; offset: number; body: string } | undefined {
  const body = fn.childForFieldName('body');
  if (!body || body.endPosition.row - body.startPosition.row < bodyLines) return undefined;
  if (languageId === 'python') {
    if (body.type !== 'block') return undefined;
    return { text: text.slice(0, body.startIndex) + text.slice(body.endIndex), offset: body.startIndex, body: body.text };
  }
  if (body.type !== 'statement_block') return undefined;
  const open = body.startIndex + 1;
  const close = body.endIndex - 1;
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', fn.startIndex) + 1))![0];
  return { text: `${text.slice(0, open)}\n${indent}  \n${indent}${text.slice(close)}`, offset: open + 1 + indent.length + 2, body: text.slice(open, close) };
}

/** Each relatively imported symbol the body uses, where its module declares it. */
function usedImports(body: string, bindings: ImportBinding[], file: string, languageId: string): Truth[] {
  const usage = new UsageIndex(body, new Set());
  const truths = new Map<string, Truth>();
  for (const binding of bindings) {
    const names = binding.kind === 'named' && usage.linesOf(binding.local).length ? [binding.imported] : binding.kind === 'namespace' ? [...usage.membersOf(binding.local).keys()] : [];
    const target = names.length ? moduleFile(file, binding.module, languageId) : undefined;
    if (!target || target === file) continue;
    for (const name of names) {
      const line = declarationLine(target, name, languageId);
      if (line !== undefined) truths.set(`${target}:${name}`, { symbol: name, file: target, line });
    }
  }
  return [...truths.values()];
}

/** The file a relative module names, by the usual extension and index rules. */
function moduleFile(from: string, module: string, languageId: string): string | undefined {
  const dir = path.dirname(from);
  if (languageId === 'python') {
    const dots = /^\.*/.exec(module)![0].length;
    let base = dir;
    for (let i = 1; i < dots; i++) base = path.dirname(base);
    const stem = path.join(base, ...module.slice(dots).split('.').filter(Boolean));
    return [`${stem}.py`, path.join(stem, '__init__.py')].find(isFile);
  }
  const stem = path.resolve(dir, module);
  const bare = stem.replace(/\.[cm]?js$/, '');
  return [stem, `${bare}.ts`, `${bare}.tsx`, `${bare}.js`, `${bare}.mjs`, `${bare}.cjs`, path.join(stem, 'index.ts'), path.join(stem, 'index.js')].find((f) => isFile(f) && !/\.d\.ts$/.test(f));
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function declarationLine(file: string, name: string, languageId: string, depth = 0): number | undefined {
  const escaped = name.replace(/\$/g, '\\$');
  const declaration = languageId === 'python'
    ? new RegExp(`^(?:async\\s+)?(?:def|class)\\s+${escaped}\\b|^${escaped}\\s*[:=]`)
    : new RegExp(`^\\s*(?:export\\s+)?(?:default\\s+)?(?:declare\\s+)?(?:abstract\\s+)?(?:async\\s+)?(?:function\\*?|class|interface|type|enum|const|let|var|namespace)\\s+${escaped}\\b`);
  const assignment = new RegExp(`^\\s*(?:module\\.)?exports\\.${escaped}\\s*=\\s*(?!${escaped}\\b|void 0)`);
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = lines.findIndex((line) => declaration.test(line));
  if (found >= 0) return found;
  const assigned = lines.findIndex((line) => assignment.test(line));
  if (assigned < 0) return undefined;
  // `exports.default = Reader;` declares nothing itself: the definition is Reader's.
  const alias = new RegExp(`exports\\.${escaped}\\s*=\\s*([A-Za-z_$][\\w$]*)\\s*;?\\s*$`).exec(lines[assigned]!)?.[1];
  return (alias && alias !== name && depth < 2 && declarationLine(file, alias, languageId, depth + 1)) || assigned;
}
