// Cuts a completion where it starts writing what is already there: the rest of the line, the lines
// below, or its own last line again.
import type { CursorContext } from './context';

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
