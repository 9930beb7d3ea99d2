// The text an edit_file call asks for, computed before anyone is asked to approve it: an exact,
// unique match of oldText; else the same lines ignoring indentation and trailing spaces (small
// models rarely copy whitespace exactly); or a line range. A match that is missing or ambiguous is
// an error for the model, never a guess, so nothing is ever written on a failed match.

export interface EditRequest {
  readonly oldText?: string;
  readonly newText: string;
  readonly startLine?: number;
  readonly endLine?: number;
}

export type EditResult =
  { readonly ok: true; readonly text: string; readonly how: 'exact' | 'fuzzy' | 'lines' } | { readonly ok: false; readonly error: string };

export function computeEdit(original: string, request: EditRequest): EditResult {
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const newText = request.newText.replace(/\r?\n/g, eol);
  const result = request.oldText ? replaceText(original, request.oldText.replace(/\r?\n/g, eol), newText, eol) : replaceLines(original, request, newText, eol);
  if (result.ok && result.text === original) return { ok: false, error: 'The edit changes nothing.' };
  return result;
}

function replaceText(original: string, oldText: string, newText: string, eol: string): EditResult {
  const exact = occurrences(original, oldText);
  if (exact.length === 1) return { ok: true, text: original.slice(0, exact[0]) + newText + original.slice(exact[0]! + oldText.length), how: 'exact' };
  if (exact.length > 1) return { ok: false, error: `oldText appears ${exact.length} times; include more of the surrounding lines so it is unique.` };

  const lines = original.split(eol);
  const wanted = trimEmptyEdges(oldText.split(eol)).map(normalizeLine);
  if (wanted.length === 0) return { ok: false, error: 'oldText is blank.' };
  const starts: number[] = [];
  for (let start = 0; start + wanted.length <= lines.length; start++) {
    if (wanted.every((line, i) => normalizeLine(lines[start + i]!) === line)) starts.push(start);
  }
  if (starts.length === 1) {
    const start = starts[0]!;
    const replaced = [...lines.slice(0, start), ...newText.split(eol), ...lines.slice(start + wanted.length)];
    return { ok: true, text: replaced.join(eol), how: 'fuzzy' };
  }
  if (starts.length > 1) return { ok: false, error: `oldText matches ${starts.length} places (ignoring whitespace); include more of the surrounding lines.` };
  return { ok: false, error: 'oldText was not found in the file. Read the file again and copy the lines to replace exactly.' };
}

function replaceLines(original: string, request: EditRequest, newText: string, eol: string): EditResult {
  const { startLine } = request;
  if (startLine === undefined) return { ok: false, error: 'Give oldText, or startLine (and endLine) for the lines to replace.' };
  const lines = original.split(eol);
  const endLine = request.endLine ?? startLine;
  // endLine = startLine - 1 inserts before startLine; startLine = line count + 1 appends.
  if (startLine < 1 || startLine > lines.length + 1 || endLine < startLine - 1 || endLine > lines.length) {
    return { ok: false, error: `Lines ${startLine}-${endLine} are not in the file (it has ${lines.length} lines).` };
  }
  const replaced = [...lines.slice(0, startLine - 1), ...newText.split(eol), ...lines.slice(endLine)];
  return { ok: true, text: replaced.join(eol), how: 'lines' };
}

function occurrences(text: string, part: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(part); at >= 0 && found.length < 10; at = text.indexOf(part, at + 1)) found.push(at);
  return found;
}

function normalizeLine(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

function trimEmptyEdges(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start]!.trim()) start++;
  while (end > start && !lines[end - 1]!.trim()) end--;
  return lines.slice(start, end);
}
