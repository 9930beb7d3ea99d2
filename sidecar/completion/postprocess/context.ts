// What post-processing needs to know about where the cursor is, read from the text around it.
export interface CursorContext {
  /** Text of the cursor's line before the cursor. */
  readonly linePrefix: string;
  /** Text of the cursor's line after the cursor. */
  readonly lineSuffix: string;
  /** The lines after the cursor's line, up to a few. */
  readonly nextLines: readonly string[];
  /** The last non-empty line before the cursor's line. */
  readonly previousLine: string;
  /** Indentation (columns) of the cursor's line, or of the cursor itself when only whitespace precedes it. */
  readonly indent: number;
  /** The cursor is inside a comment. */
  readonly inComment: boolean;
  readonly languageId: string;
}

const hashComments = /^(python|ruby|shellscript|perl|r|yaml|toml|elixir|julia|makefile|dockerfile|powershell|coffeescript|nim|crystal)$/;

export function cursorContext(prefix: string, suffix: string, languageId = ''): CursorContext {
  const lineStart = prefix.lastIndexOf('\n') + 1;
  const linePrefix = prefix.slice(lineStart);
  const lineEnd = suffix.indexOf('\n');
  const lineSuffix = lineEnd < 0 ? suffix : suffix.slice(0, lineEnd);
  const nextLines =
    lineEnd < 0
      ? []
      : suffix
          .slice(lineEnd + 1)
          .split('\n')
          .slice(0, 8);
  const before = prefix.slice(0, lineStart).split('\n');
  const previousLine = [...before].reverse().find((line) => line.trim()) ?? '';
  return {
    linePrefix,
    lineSuffix,
    nextLines,
    previousLine,
    indent: indentOf(linePrefix),
    inComment: inComment(prefix, linePrefix, languageId),
    languageId,
  };
}

export function indentOf(line: string): number {
  let columns = 0;
  for (const char of line) {
    if (char === ' ') columns++;
    else if (char === '\t') columns += 4;
    else break;
  }
  return columns;
}

/** A line comment on the cursor's line, or an unclosed block comment before it (strings aside: a heuristic). */
function inComment(prefix: string, linePrefix: string, languageId: string): boolean {
  const code = linePrefix.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""');
  if (hashComments.test(languageId) ? code.includes('#') : code.includes('//')) return true;
  const lastOpen = prefix.lastIndexOf('/*');
  return lastOpen >= 0 && prefix.indexOf('*/', lastOpen) < 0;
}
