// Which part of a document goes into a completion prompt. The prefix's start moves in large,
// line-aligned steps, not with every keystroke, so consecutive prompts share their beginning and
// the engine's KV cache stays valid.

export interface CompletionWindow {
  readonly start: number;
  readonly offset: number;
  readonly end: number;
  readonly prefix: string;
  readonly suffix: string;
}

export const prefixBudgetChars = 6_000;
export const suffixBudgetChars = 1_500;
const startStep = 1_024;

export function cutWindow(text: string, offset: number, prefixChars = prefixBudgetChars, suffixChars = suffixBudgetChars): CompletionWindow {
  let start = 0;
  if (offset > prefixChars) {
    // Snap to a step boundary at least a whole budget back, then to the next line start.
    const snapped = Math.floor((offset - prefixChars) / startStep) * startStep + startStep;
    const lineStart = text.indexOf('\n', snapped);
    start = lineStart >= 0 && lineStart < offset ? lineStart + 1 : snapped;
  }
  let end = Math.min(text.length, offset + suffixChars);
  if (end < text.length) {
    const lineEnd = text.lastIndexOf('\n', end);
    if (lineEnd > offset) end = lineEnd + 1;
  }
  return { start, offset, end, prefix: text.slice(start, offset), suffix: text.slice(offset, end) };
}

/**
 * The whole lines nearest the cursor inside `window`: about `prefixChars` before it and
 * `suffixChars` after it, never less than the cursor's own line.
 */
export function nearestLines(window: CompletionWindow, prefixChars: number, suffixChars: number): { prefix: string; suffix: string } {
  const { prefix, suffix } = window;
  const lineStart = prefix.lastIndexOf('\n') + 1;
  let from = Math.max(0, prefix.length - Math.floor(prefixChars));
  if (from > 0) from = Math.min(lineStart, prefix.indexOf('\n', from - 1) + 1 || lineStart);
  const lineEnd = suffix.indexOf('\n') + 1 || suffix.length;
  const to = Math.max(lineEnd, suffix.lastIndexOf('\n', Math.floor(suffixChars) - 1) + 1);
  return { prefix: prefix.slice(from), suffix: suffix.slice(0, Math.min(to, suffix.length)) };
}
