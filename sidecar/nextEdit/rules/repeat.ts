// After the user makes the same textual change twice (`log(` → `logger.info(` at two places), the
// same change at the remaining matches of the document. Both changes are widened to whole words and
// must agree on the characters just outside them too, so `(a)` → `(a, b)` is offered at `(a)`, not
// at every `a`, and `log(` at a line's start is not offered at `catalog.log(`.
import { isIdentifierChar, widenToWords, type Rule, type Suggestion, type WordChange } from '../suggestion';

const maxMatches = 50;

export const repeatRule: Rule = ({ text, last, previous }) => {
  if (!previous) return [];
  const latest = widenToWords(last);
  const earlier = widenToWords(previous);
  if (!same(latest, earlier) || !latest.removed.trim()) return [];
  const { removed, inserted, charBefore, charAfter } = latest;
  const suggestions: Suggestion[] = [];
  for (let at = text.indexOf(removed); at >= 0 && suggestions.length < maxMatches; at = text.indexOf(removed, at + 1)) {
    const end = at + removed.length;
    if ((text[at - 1] ?? '\n') !== charBefore || (text[end] ?? '\n') !== charAfter) continue;
    // Whole words only: a match must not continue a word the change did not start or end with.
    if (isIdentifierChar(removed[0]) && isIdentifierChar(text[at - 1])) continue;
    if (isIdentifierChar(removed.at(-1)) && isIdentifierChar(text[end])) continue;
    suggestions.push({ rule: 'repeat', start: at, end, text: inserted, label: `Change ${quote(removed)} to ${quote(inserted)} here too` });
  }
  return suggestions;
};

function same(a: WordChange, b: WordChange): boolean {
  return a.removed === b.removed && a.inserted === b.inserted && a.charBefore === b.charBefore && a.charAfter === b.charAfter;
}

function quote(text: string): string {
  const line = text.split('\n')[0]!;
  return `“${line.length > 30 ? `${line.slice(0, 30)}…` : line}${line !== text ? '…' : ''}”`;
}
