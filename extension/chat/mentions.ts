// Context mentions typed in a chat message: `@file:src/a.ts`, `@symbol:Stack`, `@selection`,
// `@codebase`, `@problems`, `@git`. Pure (no `vscode`), so the rules are unit-tested; chatContext.ts resolves them.

export type Mention =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'symbol'; readonly name: string }
  | { readonly kind: 'selection' | 'codebase' | 'problems' | 'git' };

export interface ParsedMessage {
  readonly mentions: readonly Mention[];
  /** The message without its mentions: what `@codebase` searches for. */
  readonly query: string;
}

export const mentionKinds = ['file', 'symbol', 'selection', 'codebase', 'problems', 'git'] as const;

// At the start or after whitespace/brackets, so `a@b.com` and `x@file` are left alone. A file path may
// be quoted to hold spaces: @file:"my notes.md".
const mentionPattern = /(^|[\s([{])@(file|symbol):(?:"([^"\n]+)"|([^\s"'`)\]}]+))|(^|[\s([{])@(selection|codebase|problems|git)\b/g;
const codePattern = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;

export function parseMentions(text: string): ParsedMessage {
  // Mentions inside code (fenced or inline) are code, not requests for context.
  const visible = text.replace(codePattern, (code) => ' '.repeat(code.length));
  const mentions: Mention[] = [];
  const seen = new Set<string>();
  const spans: Array<[number, number]> = [];
  for (const match of visible.matchAll(mentionPattern)) {
    const lead = match[1] ?? match[5] ?? '';
    const start = match.index + lead.length;
    spans.push([start, match.index + match[0].length]);
    const mention: Mention = match[2]
      ? match[2] === 'file'
        ? { kind: 'file', path: trimPunctuation(match[3] ?? match[4]!) }
        : { kind: 'symbol', name: trimPunctuation(match[3] ?? match[4]!) }
      : { kind: match[6] as 'selection' | 'codebase' | 'problems' | 'git' };
    const key = JSON.stringify(mention);
    if (!seen.has(key)) mentions.push(mention);
    seen.add(key);
  }
  let query = '';
  let from = 0;
  for (const [start, end] of spans) {
    query += text.slice(from, start);
    from = end;
  }
  query += text.slice(from);
  return { mentions, query: query.replace(/\s+/g, ' ').trim() };
}

/** A sentence's full stop or comma after a mention is not part of the path. */
function trimPunctuation(value: string): string {
  return value.replace(/[.,;:!?]+$/, '');
}
