// Kotlin outlines without a grammar (none ships for tree-sitter here): read from the text by the
// language's layout conventions — `import a.b.C [as D]` and `import a.b.*` lines, and top-level
// declarations starting at column 0 (class, interface, object, fun, val, var, typealias, with
// their modifiers and annotations), each running to the line before the next column-0 line.
import { emptyOutline, type Outline } from './outline';

const importLine = /^import\s+([\w.`]+?)(\.\*)?(?:\s+as\s+(\w+))?\s*;?\s*$/;
const declaration =
  /^(?:@[\w.]+(?:\([^)]*\))?\s+)*(?:(?:public|internal|private|protected|expect|actual|sealed|data|enum|abstract|open|inline|value|annotation|inner|const|suspend|operator|infix|tailrec|override|lateinit|external|fun)\s+)*(class|interface|object|fun|val|var|typealias)\s+(?:<[^>]*>\s*)?(?:[\w.<>?, ]+\.)?`?(\w+)`?/;

/** Languages outlined from their text alone. */
export function hasTextOutline(languageId: string): boolean {
  return languageId === 'kotlin';
}

export function kotlinOutline(text: string): Outline {
  const outline = emptyOutline();
  const lines = text.split('\n');
  const starts: number[] = [];
  for (let i = 0, at = 0; i < lines.length; at += lines[i]!.length + 1, i++) starts.push(at);
  let open: { name: string; line: number } | undefined;
  const close = (endLine: number) => {
    if (!open) return;
    let last = endLine;
    while (last > open.line && !lines[last]!.trim()) last--;
    outline.definitions.push({ name: open.name, start: starts[open.line]!, end: starts[last]! + lines[last]!.length, startLine: open.line, endLine: last });
    open = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line || /^[\s})\]]/.test(line) || line.startsWith('//') || line.startsWith('*') || line.startsWith('/*')) continue;
    close(i - 1);
    const imported = importLine.exec(line);
    if (imported) {
      const parts = imported[1]!.replaceAll('`', '').split('.');
      if (imported[2]) outline.imports.push({ local: '', imported: '*', module: parts.join('.'), kind: 'wildcard', startLine: i, endLine: i });
      else
        outline.imports.push({
          local: imported[3] ?? parts.at(-1)!,
          imported: parts.at(-1)!,
          module: parts.slice(0, -1).join('.'),
          kind: 'named',
          startLine: i,
          endLine: i,
        });
      continue;
    }
    const declared = declaration.exec(line);
    if (declared) open = { name: declared[2]!, line: i };
  }
  close(lines.length - 1);
  return outline;
}
