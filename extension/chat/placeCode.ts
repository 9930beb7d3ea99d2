// Fits a chat code block to the text it replaces, the way a person would paste it: a block that
// replaces whole lines takes their indentation and keeps their final line break. Models write
// snippets flush left and without a trailing newline; pasted raw over an indented line with its
// line break, `return a + b;` became `return a + b;}` at column 0.

export interface Replaced {
  /** The text being replaced (empty for an insertion at the cursor). */
  readonly text: string;
  /** What stands on the first replaced line before the replaced text. */
  readonly before: string;
  /** The document's line break. */
  readonly eol: '\n' | '\r\n';
}

export function fitCode(code: string, replaced: Replaced): string {
  if (!replaced.text) return code;
  let lines = code.split(/\r?\n/);
  const indentInside = leadingSpace(replaced.text);
  // A selection starting at or before the line's first character replaces whole lines; mid-line, the
  // code goes in as written.
  if (/^[ \t]*$/.test(replaced.before) && minIndent(lines) === 0) {
    const lineIndent = replaced.before + indentInside;
    lines = lines.map((line, i) => (line.trim() ? (i === 0 ? indentInside : lineIndent) + line : line));
  }
  const fitted = lines.join(replaced.eol);
  return /\n$/.test(replaced.text) && !fitted.endsWith('\n') ? fitted + replaced.eol : fitted;
}

function leadingSpace(text: string): string {
  return /^[ \t]*/.exec(text)![0];
}

function minIndent(lines: readonly string[]): number {
  const indents = lines.filter((line) => line.trim()).map((line) => leadingSpace(line).length);
  return indents.length ? Math.min(...indents) : 0;
}
