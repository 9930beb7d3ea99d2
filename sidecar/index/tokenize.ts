// Terms for keyword search: identifiers are split at camelCase, snake_case and digits, so
// `parseJsonFile` matches a query for "parse json", and the whole identifier is kept too, so an
// exact name ranks first. Lowercased; very short and very common words are dropped.
const stopWords = new Set([
  'the',
  'and',
  'for',
  'with',
  'this',
  'that',
  'from',
  'are',
  'not',
  'you',
  'was',
  'but',
  'has',
  'have',
  'its',
  'into',
  'how',
  'what',
  'where',
  'which',
  'does',
  'use',
]);
const word = /[A-Za-z_$][A-Za-z0-9_$]*|[0-9]+/g;
const parts = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(word)) {
    const identifier = match[0];
    const lower = identifier.toLowerCase();
    // Long numbers (ids, hashes, data) would swell the vocabulary and are rarely searched for.
    const longNumber = lower.length > 4 && /^[0-9]/.test(lower);
    if (lower.length >= 2 && lower.length <= 64 && !longNumber && !stopWords.has(lower)) terms.push(lower);
    if (identifier.length <= 3) continue;
    const pieces = identifier.match(parts);
    if (!pieces || pieces.length < 2) continue;
    for (const piece of pieces) {
      const part = piece.toLowerCase();
      if (part.length >= 2 && part !== lower && !stopWords.has(part)) terms.push(part);
    }
  }
  return terms;
}
