// Tool output is cut by tokens, not characters, keeping its head and its tail: a test run's
// first lines say what ran and its last lines say how it ended.

export type Tokenize = (text: string) => Promise<number>;

export async function truncateByTokens(text: string, budget: number, countTokens: Tokenize): Promise<string> {
  let tokens = await countTokens(text);
  if (tokens <= budget) return text;
  const total = tokens;
  // Characters per token, measured on this text; shrink until the cut text fits.
  let keepChars = Math.floor((text.length / tokens) * budget * 0.9);
  for (let attempt = 0; attempt < 6; attempt++) {
    const cut = cutMiddle(text, keepChars, total);
    tokens = await countTokens(cut);
    if (tokens <= budget) return cut;
    keepChars = Math.floor(keepChars * (budget / tokens) * 0.9);
  }
  return cutMiddle(text, Math.max(0, keepChars), total);
}

function cutMiddle(text: string, keepChars: number, totalTokens: number): string {
  const half = Math.max(0, Math.floor(keepChars / 2));
  let head = text.slice(0, half);
  let tail = text.slice(text.length - half);
  // Whole lines read better; give up a partial line at each edge when there is a line to cut at.
  const headEnd = head.lastIndexOf('\n');
  if (headEnd > half / 2) head = head.slice(0, headEnd + 1);
  const tailStart = tail.indexOf('\n');
  if (tailStart >= 0 && tailStart < half / 2) tail = tail.slice(tailStart + 1);
  const omitted = text.length - head.length - tail.length;
  return `${head}\n[… ${omitted} characters of ${text.length} (${totalTokens} tokens) cut …]\n${tail}`;
}
