// What inline edit (Ctrl+I) sends and how it reads the answer: the lines to edit (the selection's
// whole lines, or the block that starts at the cursor's line), a few lines around them as context
// — never the whole file — and the model's plain-text answer cleaned of Markdown fences as it
// streams. Pure: no `vscode`, unit-tested.
import type { ChatMessage } from '../refactor/ask';

/** Lines of context above and below the region: enough to see the surroundings, cheap to evaluate. */
export const contextLines = 12;

/**
 * The lines an edit with no selection works on (0-based, inclusive): the cursor's line, and when it
 * opens a block (the lines below are indented deeper), the block up to its closing line.
 */
export function blockAt(lines: readonly string[], line: number): { start: number; end: number } {
  const indent = (text: string) => /^[ \t]*/.exec(text)![0].length;
  const own = indent(lines[line] ?? '');
  let end = line;
  for (let next = line + 1; next < lines.length; next++) {
    const text = lines[next]!;
    if (!text.trim()) continue;
    if (indent(text) > own) {
      end = next;
      continue;
    }
    // The block's closing line (`}`, `)`, `end`…) at the opener's indentation belongs to it.
    if (end > line && indent(text) === own && /^[ \t]*([}\])]|end\b)/.test(text)) end = next;
    break;
  }
  return { start: line, end };
}

export interface InlineRequest {
  readonly instruction: string;
  readonly fileName: string;
  readonly language: string;
  readonly before: string;
  readonly region: string;
  readonly after: string;
}

const system =
  'You are Pylot, a careful coding assistant inside VS Code. You rewrite one region of a file as the user asks. ' +
  'Reply with the complete new text of the region only: every line of it, indented as in the file, with no explanation and no Markdown fences.';

export function inlineMessages(request: InlineRequest): ChatMessage[] {
  const parts = [`File: ${request.fileName} (${request.language})`];
  if (request.before) parts.push(`Lines above the region (do not repeat them):\n${request.before}`);
  parts.push(`The region to rewrite:\n<region>\n${request.region}\n</region>`);
  if (request.after) parts.push(`Lines below the region (do not repeat them):\n${request.after}`);
  parts.push(`Instruction: ${request.instruction.trim()}`);
  return [
    { role: 'system', content: system },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/**
 * The region's new text in what the model wrote so far (`final`: all of it). Small models wrap
 * code in a fence or the prompt's <region> tags even when told not to; neither is code.
 */
export function cleanAnswer(text: string, final: boolean): string {
  let code = text.replace(/^\s*<region>\r?\n?/, '');
  if (/^\s*```/.test(code)) {
    const lineEnd = code.indexOf('\n');
    code = lineEnd < 0 ? '' : code.slice(lineEnd + 1);
  }
  // A closing fence or tag ends the code; while streaming, so does a line that may become one.
  const closing = /(^|\r?\n)[ \t]*(```|<\/region>)/.exec(code);
  if (closing) code = code.slice(0, closing.index);
  else if (!final) {
    const lastLine = code.slice(code.lastIndexOf('\n') + 1);
    if (/^[ \t]*(`{1,2}|<\/?r?e?g?i?o?n?)$/.test(lastLine) && lastLine.trim()) code = code.slice(0, code.length - lastLine.length);
  }
  return final ? code.replace(/\r?\n$/, '') : code;
}
