// Half of completion quality: what the model wrote, cut to what belongs at the cursor. Each step
// is a small filter with golden cases in test/unit/golden/postprocess/.
export interface PostprocessInput {
  readonly prefix: string;
  readonly suffix: string;
  readonly languageId?: string;
  /** The model's raw output. */
  readonly text: string;
}

/** The completion to show, or undefined when nothing useful is left. */
export function postprocess(input: PostprocessInput): string | undefined {
  const context = cursorContext(input.prefix, input.suffix, input.languageId);
  let text = input.text.replace(/\r\n/g, '\n');
  text = stopAtExistingLines(text, context);
  text = shapeToStructure(text, context);
  text = balanceBrackets(text, context);
  text = trimSuffixOverlap(text, context);
  text = text.replace(/[ \t]+$/gm, '');
  if (!text.trim()) return undefined;
  // Already there: the completion only repeats the rest of the line.
  if (text.trim() === context.lineSuffix.trim()) return undefined;
  return text;
}

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

// How much of a raw completion to keep: one line mid-line and in comments, more only while the
// structure says a block is open — lines indented deeper than the cursor's line, and the line
// that closes the block unless the suffix already closes it.

const maxLines = 12;
const closers = /^\s*([}\])]|end\b|fi\b|done\b|esac\b)/;
const openers = /([{([]|=>|:|\bdo|\bthen)\s*$/;

export function shapeToStructure(text: string, context: CursorContext): string {
  const lines = text.split('\n');
  if (lines.length === 1) return text;
  const first = lines[0]!;
  if (context.inComment || isMidLine(context)) return first;
  const atLineStart = !context.linePrefix.trim();
  const opensBlock = openers.test(context.linePrefix + first) || (atLineStart && openers.test(context.previousLine));
  if (!opensBlock && !atLineStart) return first;

  const base = context.indent;
  const kept = [first];
  for (const line of lines.slice(1, maxLines)) {
    if (!line.trim()) {
      kept.push(line);
      continue;
    }
    const indent = indentOf(line);
    if (indent > base || (atLineStart && indent === base && !closers.test(line))) {
      kept.push(line);
      continue;
    }
    if (indent === base && closers.test(line) && !suffixCloses(context, line)) kept.push(line);
    break;
  }
  while (kept.length > 1 && !kept.at(-1)!.trim()) kept.pop();
  return kept.join('\n');
}

/** Code after the cursor on its line (closing brackets and punctuation do not count). */
export function isMidLine(context: CursorContext): boolean {
  return /[^\s)\]}>"'`;,.]/.test(context.lineSuffix);
}

function suffixCloses(context: CursorContext, line: string): boolean {
  const next = [context.lineSuffix, ...context.nextLines].find((candidate) => candidate.trim());
  return next !== undefined && next.trim().startsWith(line.trim()[0]!);
}

// Cuts a completion where it starts writing what is already there: the rest of the line, the lines
// below, or its own last line again.

/** Drops the completion's tail that the text after the cursor already has (e.g. a closing ")"). */
export function trimSuffixOverlap(text: string, context: CursorContext): string {
  const after = context.lineSuffix.trim();
  if (!after || text.includes('\n')) return text;
  for (let length = Math.min(after.length, text.length); length > 0; length--) {
    if (text.trimEnd().endsWith(after.slice(0, length))) return text.trimEnd().slice(0, -length);
  }
  return text;
}

/** Stops before a line that repeats the code below the cursor, or the line above it. */
export function stopAtExistingLines(text: string, context: CursorContext): string {
  const lines = text.split('\n');
  const below = context.nextLines
    .map((line) => line.trim())
    .filter((line) => line.length > 3)
    .slice(0, 3);
  const above = context.previousLine.trim();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.length <= 3) continue;
    const repeatsAbove = i > 0 && line === above;
    const repeatsPrevious = i > 0 && line === lines[i - 1]!.trim();
    if (below.includes(line) || repeatsAbove || repeatsPrevious) return lines.slice(0, i).join('\n').trimEnd();
  }
  return text;
}

/** Cuts at the first closing bracket that has no opener in the completion and is not expected by the line. */
export function balanceBrackets(text: string, context: CursorContext): string {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  // Openers left open before the cursor on this line may be closed by the completion.
  const open: string[] = [];
  for (const char of stripStrings(context.linePrefix)) {
    if ('([{'.includes(char)) open.push(char);
    else if (char in pairs && open.at(-1) === pairs[char]) open.pop();
  }
  let inString: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      if (char === '\\') i++;
      else if (char === inString) inString = undefined;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') inString = char;
    else if ('([{'.includes(char)) open.push(char);
    else if (char in pairs) {
      if (open.at(-1) === pairs[char]) open.pop();
      else if (text.slice(0, i).includes('\n') || !context.lineSuffix.trim()) return text.slice(0, i).trimEnd();
    }
  }
  return text;
}

function stripStrings(code: string): string {
  return code.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '');
}
