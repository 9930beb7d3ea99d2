// Retrieval cases from real code: functions whose body uses symbols imported from other files of the
// project (TS/JS by relative path; Python relatively or from the project's roots; Rust through
// crate::/self::/super::; C/C++ from the headers it includes with quotes). The body is hidden; the
// truth is where each used symbol is declared, found by retrievalTruth.ts, independent of the
// context engine's resolution and outlines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { grammarFor, type SyntaxNode } from '../../sidecar/context/grammars';
import { outlineOf, type ImportBinding } from '../../sidecar/context/outline/outline';
import { languageOfFile } from '../../sidecar/context/resolve/resolve';
import { UsageIndex } from '../../sidecar/context/usage';
import { declarationLine, includedHeaders, isFile, moduleFile, type Layout } from './retrievalTruth';

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
  /** Files the current file imports from the project: the "open tabs" the Jaccard baseline searches. */
  readonly importedFiles: string[];
}

const maxFileBytes = 150_000;
const bodyLines = 3;
const skippedFolders = ['.bin', '.cache', 'test', 'tests', '__tests__', 'min', 'umd', 'browser', 'node_modules', '.git', '.venv'];

/** Source files under `root` whose names match `pattern`, sorted. */
export function sourceFiles(root: string, pattern = /\.(ts|mts|cts|js|mjs|cjs|py)$/, skip = skippedFolders): string[] {
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
        if (depth < 12 && !skip.includes(entry.name)) walk(full, depth + 1);
      } else if (pattern.test(entry.name) && !/\.d\.[cm]?ts$|\.min\.js$/.test(entry.name)) files.push(full);
    }
  };
  walk(root, 0);
  return files.sort();
}

export async function casesFrom(file: string, limit: number, layout: Layout): Promise<RetrievalCase[]> {
  const languageId = languageOfFile(file);
  // A file may vanish while the bench runs (a package manager at work in node_modules).
  const size = statSync(file, { throwIfNoEntry: false })?.size;
  // Big JavaScript is a bundle; big Rust or C++ is still written by people.
  if (!languageId || size === undefined || size > (/^(typescript|javascript)/.test(languageId) ? maxFileBytes : 4 * maxFileBytes)) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  if (text.length / (text.split('\n').length || 1) > 200) return []; // minified
  const grammar = await grammarFor(languageId);
  if (!grammar) return [];
  const parser = grammar.parser();
  const tree = parser.parse(text);
  parser.delete();
  if (!tree) return [];
  try {
    const sources = importSources(file, text, languageId, layout, outlineOf(languageId, tree, grammar.tags).imports);
    if (!sources.files.length) return [];
    const cases: RetrievalCase[] = [];
    for (const fn of functionsOf(tree.rootNode)) {
      if (cases.length >= limit) break;
      const hidden = hideBody(text, fn, languageId);
      if (!hidden) continue;
      const truths = sources.truths(hidden.body);
      if (truths.length) cases.push({ file, languageId, text: hidden.text, offset: hidden.offset, truths, importedFiles: sources.files });
    }
    return cases;
  } finally {
    tree.delete();
  }
}

interface Sources {
  readonly files: string[];
  truths(body: string): Truth[];
}

/** What the file imports from the project, and the truths a body's uses of it give. */
function importSources(file: string, text: string, languageId: string, layout: Layout, imports: ImportBinding[]): Sources {
  if (languageId === 'c' || languageId === 'cpp') {
    const headers = includedHeaders(file, text, layout, languageId);
    return {
      files: headers,
      truths: (body) => {
        const truths: Truth[] = [];
        for (const name of new Set(body.match(/\b[A-Za-z_]\w{2,}\b/g) ?? [])) {
          if (declarationLine(file, name, languageId)) continue; // the file's own
          for (const header of headers) {
            const found = declarationLine(header, name, languageId);
            if (found) {
              truths.push({ symbol: name, ...found });
              break;
            }
          }
        }
        return truths;
      },
    };
  }
  const local = imports.filter((b) =>
    languageId === 'python' ? true : languageId === 'rust' ? /^(crate|self|super)(::|$)/.test(b.module) : b.module.startsWith('.'),
  );
  // `from pkg import module` names a module, and `from .base import gguf` one that base.py imports
  // (`import gguf`): the members of those modules are what the body uses.
  const targets = new Map<ImportBinding, string | undefined>();
  for (const b of local) {
    if (languageId === 'python' && b.kind === 'named') {
      const submodule = `${b.module}${b.module.endsWith('.') ? '' : '.'}${b.imported}`;
      const subfile = moduleFile(file, submodule, languageId, layout);
      if (subfile) {
        targets.set({ ...b, imported: '*', module: submodule, kind: 'namespace' }, subfile);
        continue;
      }
      const from = moduleFile(file, b.module, languageId, layout);
      const reexported =
        from && new RegExp(`^import\\s+([\\w.]+)\\s+as\\s+${b.imported}\\s*$|^import\\s+(${b.imported})\\s*$`, 'm').exec(readFileSync(from, 'utf8'));
      const inner = reexported && moduleFile(from, reexported[1] ?? reexported[2]!, languageId, layout);
      if (inner) {
        targets.set({ ...b, imported: '*', module: reexported[1] ?? reexported[2]!, kind: 'namespace' }, inner);
        continue;
      }
    }
    targets.set(b, moduleFile(file, b.module, languageId, layout));
  }
  const bindings = [...targets.keys()];
  return {
    files: [...new Set([...targets.values()].filter((f): f is string => !!f && f !== file))],
    truths: (body) => {
      const usage = new UsageIndex(body, new Set());
      const truths = new Map<string, Truth>();
      for (const binding of bindings) {
        const names =
          binding.kind === 'named' && usage.linesOf(binding.local).length
            ? [binding.imported]
            : binding.kind === 'namespace'
              ? [...usage.membersOf(binding.local).keys()]
              : [];
        const target = targets.get(binding);
        if (!names.length || !target || target === file) continue;
        for (const name of names) {
          const found = declarationLine(target, name, languageId);
          if (found) truths.set(`${found.file}:${name}`, { symbol: name, ...found });
        }
      }
      return [...truths.values()];
    },
  };
}

function functionsOf(root: SyntaxNode): SyntaxNode[] {
  return root
    .descendantsOfType([
      'function_declaration',
      'method_definition',
      'function_definition',
      'arrow_function',
      'function_expression',
      'generator_function_declaration',
      'function_item',
    ])
    .filter((n): n is SyntaxNode => !!n);
}

function hideBody(text: string, fn: SyntaxNode, languageId: string): { text: string; offset: number; body: string } | undefined {
  const body = fn.childForFieldName('body');
  if (!body || body.endPosition.row - body.startPosition.row < bodyLines) return undefined;
  if (languageId === 'python') {
    if (body.type !== 'block') return undefined;
    return { text: text.slice(0, body.startIndex) + text.slice(body.endIndex), offset: body.startIndex, body: body.text };
  }
  if (!['statement_block', 'block', 'compound_statement'].includes(body.type)) return undefined;
  const open = body.startIndex + 1;
  const close = body.endIndex - 1;
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', fn.startIndex) + 1))![0];
  return { text: `${text.slice(0, open)}\n${indent}  \n${indent}${text.slice(close)}`, offset: open + 1 + indent.length + 2, body: text.slice(open, close) };
}

export { isFile };
