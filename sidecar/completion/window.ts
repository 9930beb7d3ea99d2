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
