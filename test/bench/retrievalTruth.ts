// The retrieval bench's ground truth, found without the context engine: which file an import names
// (each language's plain layout rules, given the corpus's source roots) and the line that declares a
// name there (a text search). Kept simple and separate from sidecar/context/resolve on purpose: the
// engine is scored against it, not against itself.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** What the bench knows of a corpus's layout, as its build files say. */
export interface Layout {
  /** Folders absolute Python imports start from (the project, installed local packages). */
  readonly pythonRoots: readonly string[];
  /** Folders quoted C/C++ includes are searched in after the including file's own. */
  readonly includeDirs: readonly string[];
  /** A Rust crate's root file (crate:: paths start beside it). */
  readonly rustRoot?: string;
}

export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The file a module names from `from`, by the language's usual rules; undefined when not in the corpus. */
export function moduleFile(from: string, module: string, languageId: string, layout: Layout): string | undefined {
  const dir = path.dirname(from);
  if (languageId === 'python') {
    const dots = /^\.*/.exec(module)![0].length;
    const parts = module.slice(dots).split('.').filter(Boolean);
    const bases = dots ? [Array.from({ length: dots - 1 }).reduce<string>((d) => path.dirname(d), dir)] : layout.pythonRoots;
    for (const base of bases) {
      const stem = path.join(base, ...parts);
      const found = [path.join(stem, '__init__.py'), `${stem}.py`].find(isFile);
      if (found && found !== from) return found;
    }
    return undefined;
  }
  if (languageId === 'rust') {
    const segments = module.split('::');
    let base: string | undefined;
    let i = 1;
    if (segments[0] === 'crate') base = layout.rustRoot && path.dirname(layout.rustRoot);
    else if (segments[0] === 'self' || segments[0] === 'super') {
      // A module's children live beside a root or mod.rs file, else in the folder named after it.
      base = from === layout.rustRoot || path.basename(from) === 'mod.rs' ? dir : path.join(dir, path.basename(from, '.rs'));
      for (i = 0; segments[i] === 'self' || segments[i] === 'super'; i++) if (segments[i] === 'super') base = path.dirname(base);
    }
    const rest = segments.slice(i);
    if (!base || !rest.length) return undefined;
    for (let length = rest.length; length >= 1; length--) {
      const stem = path.join(base, ...rest.slice(0, length));
      const found = [`${stem}.rs`, path.join(stem, 'mod.rs')].find(isFile);
      if (found && found !== from) return found;
    }
    return undefined;
  }
  if (languageId === 'c' || languageId === 'cpp') {
    for (const base of [dir, ...layout.includeDirs]) if (isFile(path.join(base, module))) return path.join(base, module);
    return undefined;
  }
  const stem = path.resolve(dir, module);
  const bare = stem.replace(/\.[cm]?js$/, '');
  return [stem, `${bare}.ts`, `${bare}.tsx`, `${bare}.js`, `${bare}.mjs`, `${bare}.cjs`, path.join(stem, 'index.ts'), path.join(stem, 'index.js')].find(
    (f) => isFile(f) && !/\.d\.ts$/.test(f),
  );
}

/** Headers a C/C++ file includes with quotes, and theirs in turn (depth 2), as the bench resolves them. */
export function includedHeaders(file: string, text: string, layout: Layout, languageId: string): string[] {
  const found: string[] = [];
  let level = [{ file, text }];
  for (let depth = 0; depth < 3 && level.length; depth++) {
    const next: Array<{ file: string; text: string }> = [];
    for (const { file: from, text: source } of level) {
      for (const match of source.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
        const header = moduleFile(from, match[1]!, languageId, layout);
        if (!header || header === file || found.includes(header)) continue;
        found.push(header);
        next.push({ file: header, text: readFileSync(header, 'utf8') });
      }
    }
    level = next;
  }
  return found;
}

const declarations = new Map<string, string[]>();
function linesOf(file: string): string[] {
  let lines = declarations.get(file);
  if (!lines) declarations.set(file, (lines = readFileSync(file, 'utf8').split('\n')));
  return lines;
}

/** The zero-based line declaring `name` at the top level of `file` (following Python star re-exports, JS export aliases). */
export function declarationLine(file: string, name: string, languageId: string, depth = 0): { file: string; line: number } | undefined {
  const escaped = name.replace(/\$/g, '\\$');
  const lines = linesOf(file);
  const at = (index: number) => (index >= 0 ? { file, line: index } : undefined);
  switch (languageId) {
    case 'python': {
      const own = at(lines.findIndex((line) => new RegExp(`^(?:async\\s+)?(?:def|class)\\s+${escaped}\\b|^${escaped}\\s*[:=]`).test(line)));
      if (own || depth > 1 || path.basename(file) !== '__init__.py') return own;
      // A package's __init__ offers its modules' names through `from .x import *` / `from .x import name`.
      for (const line of lines) {
        const match = /^from\s+(\.\w+)\s+import\s+(.*)$/.exec(line);
        if (!match || (match[2]!.trim() !== '*' && !new RegExp(`\\b${escaped}\\b`).test(match[2]!))) continue;
        const inner = moduleFile(file, match[1]!, 'python', { pythonRoots: [], includeDirs: [] });
        const found = inner && declarationLine(inner, name, languageId, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    case 'rust':
      return at(
        lines.findIndex((line) =>
          new RegExp(
            `^(?:pub(?:\\([^)]*\\))?\\s+)?(?:(?:unsafe|const|async|extern\\s+"C")\\s+)*(?:fn|struct|enum|trait|type|const|static|union|mod)\\s+${escaped}\\b|^macro_rules!\\s*${escaped}\\b`,
          ).test(line),
        ),
      );
    case 'c':
    case 'cpp': {
      const line = cDeclarations(file).get(name);
      return line === undefined ? undefined : { file, line };
    }
    default: {
      const declaration = new RegExp(
        `^\\s*(?:export\\s+)?(?:default\\s+)?(?:declare\\s+)?(?:abstract\\s+)?(?:async\\s+)?(?:function\\*?|class|interface|type|enum|const|let|var|namespace)\\s+${escaped}\\b`,
      );
      const assignment = new RegExp(`^\\s*(?:module\\.)?exports\\.${escaped}\\s*=\\s*(?!${escaped}\\b|void 0)`);
      const found = lines.findIndex((line) => declaration.test(line));
      if (found >= 0) return { file, line: found };
      const assigned = lines.findIndex((line) => assignment.test(line));
      if (assigned < 0) return undefined;
      // `exports.default = Reader;` declares nothing itself: the definition is Reader's.
      const alias = new RegExp(`exports\\.${escaped}\\s*=\\s*([A-Za-z_$][\\w$]*)\\s*;?\\s*$`).exec(lines[assigned]!)?.[1];
      return (alias && alias !== name && depth < 2 && declarationLine(file, alias, languageId, depth + 1)) || { file, line: assigned };
    }
  }
}

const cDeclared = new Map<string, Map<string, number>>();
/** Words the line patterns below can catch that declare nothing (`} break;`, `typedef bool (*f)(…);`). */
const cKeywords = new Set([
  'break',
  'continue',
  'return',
  'bool',
  'int',
  'void',
  'char',
  'float',
  'double',
  'long',
  'short',
  'unsigned',
  'signed',
  'const',
  'static',
  'inline',
  'struct',
  'enum',
  'union',
  'class',
  'typename',
  'template',
  'sizeof',
  'if',
  'for',
  'while',
  'switch',
  'case',
  'default',
  'else',
  'do',
  'goto',
  'auto',
  'true',
  'false',
  'nullptr',
  'NULL',
  'operator',
  'new',
  'delete',
  'this',
  'explicit',
  'virtual',
  'override',
  'public',
  'private',
  'protected',
  'namespace',
  'using',
  'extern',
  'volatile',
  'decltype',
  'static_assert',
  'alignas',
  'noexcept',
]);
/**
 * What a C/C++ file declares at a line's start, first line wins: macros, struct/union/enum/class
 * names, typedef and using names, functions (the name before the first parenthesis of a line that
 * starts with a type), enum constants (indented capitals followed by `=` or `,`).
 */
function cDeclarations(file: string): Map<string, number> {
  let found = cDeclared.get(file);
  if (found) return found;
  found = new Map();
  const add = (name: string | undefined, line: number) => {
    if (name && !found!.has(name) && !cKeywords.has(name)) found!.set(name, line);
  };
  linesOf(file).forEach((line, i) => {
    add(/^\s*#\s*define\s+(\w+)/.exec(line)?.[1], i);
    add(/^\s*(?:typedef\s+)?(?:struct|union|enum|class)\s+(?:\w+\s+)?(\w+)\s*(?:\{|:[^:]|$)/.exec(line)?.[1], i);
    add(/^\s*using\s+(\w+)\s*=/.exec(line)?.[1], i);
    add(/^\s*typedef\b.*?\b(\w+)\s*;/.exec(line)?.[1], i);
    add(/^\s*}\s*(\w+)\s*;/.exec(line)?.[1], i);
    if (/^[A-Za-z_]/.test(line) && !/^(return|if|for|while|else|case|do|switch|goto)\b/.test(line)) add(/(\w+)\s*\(/.exec(line)?.[1], i);
    add(/^\s+([A-Z][A-Z0-9_]+)\s*(?:=[^=]|,|$)/.exec(line)?.[1], i);
  });
  cDeclared.set(file, found);
  return found;
}
