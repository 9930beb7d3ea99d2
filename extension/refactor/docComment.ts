// Doc comments in each language's own convention. The model writes only the comment's text;
// the markers, the indentation and the place (above the declaration, or a Python docstring
// inside it) come from here. Pure: no `vscode`, unit-tested.

export interface DocConvention {
  /** Shown to the model so it writes tags the convention knows (@param, Args:, …). */
  readonly style: string;
  readonly docstring: boolean;
  /** How the comment's lines look; an existing comment made of them is replaced, not doubled. */
  readonly linePrefixes: readonly string[];
}

const jsdoc: DocConvention = { style: 'JSDoc/TSDoc with @param and @returns', docstring: false, linePrefixes: ['/**', '*', '*/'] };
const conventions: Record<string, DocConvention> = {
  typescript: jsdoc,
  typescriptreact: jsdoc,
  javascript: jsdoc,
  javascriptreact: jsdoc,
  php: { ...jsdoc, style: 'PHPDoc' },
  java: { ...jsdoc, style: 'Javadoc with @param, @return and @throws' },
  kotlin: { ...jsdoc, style: 'KDoc' },
  scala: { ...jsdoc, style: 'Scaladoc' },
  c: { ...jsdoc, style: 'Doxygen' },
  cpp: { ...jsdoc, style: 'Doxygen' },
  python: { style: 'a PEP 257 docstring with Google-style Args:, Returns: and Raises: sections', docstring: true, linePrefixes: [] },
  go: { style: 'a Go doc comment that starts with the declared name', docstring: false, linePrefixes: ['//'] },
  rust: { style: 'rustdoc (Markdown, # Examples / # Errors sections where useful)', docstring: false, linePrefixes: ['///'] },
  csharp: { style: 'plain text (Pylot wraps it in <summary>)', docstring: false, linePrefixes: ['///'] },
  swift: { style: 'Swift Markup with - Parameters: and - Returns:', docstring: false, linePrefixes: ['///'] },
  ruby: { style: 'YARD with @param and @return', docstring: false, linePrefixes: ['#'] },
  shellscript: { style: 'plain comments', docstring: false, linePrefixes: ['#'] },
  lua: { style: 'LuaLS annotations (---@param, ---@return)', docstring: false, linePrefixes: ['---'] },
};

export function docConvention(languageId: string): DocConvention {
  return conventions[languageId] ?? jsdoc;
}

/** The comment's lines for `languageId`, indented with `indent`. */
export function formatDocComment(languageId: string, doc: string, indent: string): string[] {
  const lines = cleanDoc(doc);
  switch (languageId) {
    case 'python': {
      if (lines.length === 1) return [`${indent}"""${lines[0]!.replace(/"""/g, '\\"\\"\\"')}"""`];
      return [`${indent}"""${lines[0]}`, ...lines.slice(1).map((line) => (line ? indent + line : '')), `${indent}"""`];
    }
    case 'go':
    case 'ruby':
    case 'shellscript': {
      const mark = languageId === 'go' ? '//' : '#';
      return lines.map((line) => (line ? `${indent}${mark} ${line}` : `${indent}${mark}`));
    }
    case 'rust':
    case 'swift':
      return lines.map((line) => (line ? `${indent}/// ${line}` : `${indent}///`));
    case 'csharp':
      return [`${indent}/// <summary>`, ...lines.map((line) => `${indent}/// ${escapeXml(line)}`.trimEnd()), `${indent}/// </summary>`];
    case 'lua':
      return lines.map((line) => (line ? `${indent}--- ${line}` : `${indent}---`));
    default:
      return [`${indent}/**`, ...lines.map((line) => (line ? `${indent} * ${line}` : `${indent} *`)), `${indent} */`];
  }
}

/**
 * The declaration's lines with the doc comment added: above the first line, or for Python as the
 * docstring after the signature (which may span lines, up to the one ending in ':').
 */
export function withDocComment(languageId: string, declaration: readonly string[], doc: string, indentUnit = '    '): string[] {
  const first = declaration[0] ?? '';
  const indent = /^\s*/.exec(first)![0];
  if (!docConvention(languageId).docstring) return [...formatDocComment(languageId, doc, indent), ...declaration];
  const signatureEnd = declaration.findIndex((line) => /:\s*(#.*)?$/.test(line));
  const at = signatureEnd < 0 ? 0 : signatureEnd;
  const body = declaration.slice(at + 1).find((line) => line.trim());
  const bodyIndent = body ? /^\s*/.exec(body)![0] : indent + indentUnit;
  const rest = declaration.slice(at + 1);
  // A docstring already there is replaced.
  const existing = docstringLength(rest);
  return [...declaration.slice(0, at + 1), ...formatDocComment(languageId, doc, bodyIndent), ...rest.slice(existing)];
}

/**
 * Where the declaration starting at `start` ends, judged by indentation: its body is indented
 * deeper, and a closing line (`}`, `end`, `)`) at its own indentation ends it. For when no symbol
 * provider says so.
 */
export function declarationEnd(lines: readonly string[], start: number): number {
  const indent = (line: string) => /^\s*/.exec(line)![0].length;
  const own = indent(lines[start] ?? '');
  let end = start;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    if (indent(line) > own) {
      end = i;
      continue;
    }
    if (/^\s*(\}|\)|\]|end\b)/.test(line)) end = i;
    break;
  }
  return end;
}

/** How many lines above the declaration (`above`, nearest last) are its existing doc comment. */
export function existingCommentLines(languageId: string, above: readonly string[]): number {
  const { linePrefixes } = docConvention(languageId);
  if (!linePrefixes.length) return 0;
  let count = 0;
  for (let i = above.length - 1; i >= 0; i--) {
    const line = above[i]!.trim();
    if (!line || !linePrefixes.some((prefix) => line.startsWith(prefix))) break;
    count++;
  }
  // For /** */ comments, only a block that opens with /** counts.
  if (linePrefixes.includes('/**') && count > 0 && !above[above.length - count]!.trim().startsWith('/**')) return 0;
  return count;
}

function docstringLength(lines: readonly string[]): number {
  const first = lines.findIndex((line) => line.trim());
  if (first < 0) return 0;
  const open = /^\s*[rubRUB]?("""|''')/.exec(lines[first]!);
  if (!open) return 0;
  const quote = open[1]!;
  const afterOpen = lines[first]!.slice(lines[first]!.indexOf(quote) + 3);
  if (afterOpen.includes(quote)) return first + 1;
  for (let i = first + 1; i < lines.length; i++) if (lines[i]!.includes(quote)) return i + 1;
  return 0;
}

/** The model's text without comment markers it added anyway, trimmed, inner blank lines kept. */
function cleanDoc(doc: string): string[] {
  const lines = doc
    .replace(/^\s*("""|''')/, '')
    .replace(/("""|''')\s*$/, '')
    .replace(/^\s*\/\*\*?[ \t]*/, '')
    .replace(/[ \t]*\*\/\s*$/, '')
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(\/\/\/?|\*(?!\*)|#|---)\s?/, '').trimEnd());
  while (lines.length && !lines[0]!.trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1]!.trim()) lines.pop();
  return lines.length ? lines : [''];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
