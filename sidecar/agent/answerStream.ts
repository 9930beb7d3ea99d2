// The user-facing text of a reply, streamed while it is generated: the model's plain text (its own
// tool format keeps calls apart from text), or the "answer" string of a JSON reply, decoded as it
// arrives. A reply that turns out to be a call shows nothing.

export class AnswerStream {
  private raw = '';
  private shown = '';

  constructor(
    private readonly kind: 'plain' | 'json',
    private readonly emit: (text: string) => void,
  ) {}

  /** What has been shown so far. */
  get streamed(): string {
    return this.shown;
  }

  push(delta: string): void {
    this.raw += delta;
    const visible = this.kind === 'plain' ? plainText(this.raw) : jsonAnswer(this.raw);
    if (visible.length > this.shown.length && visible.startsWith(this.shown)) {
      this.emit(visible.slice(this.shown.length));
      this.shown = visible;
    }
  }
}

/** Plain text, unless it starts like a call written as text (then it is not for the user). */
function plainText(raw: string): string {
  const start = raw.trimStart();
  if (!start) return '';
  return /^(?:[{[`<]|>>>|functools|\w+\()/.test(start) ? '' : raw;
}

/** The decoded prefix of the "answer" string in `{"answer": "…`, escapes included; '' for anything else. */
function jsonAnswer(raw: string): string {
  const opening = /^\s*\{\s*"answer"\s*:\s*"/.exec(raw);
  if (!opening) return '';
  let text = '';
  for (let i = opening[0].length; i < raw.length; i++) {
    const char = raw[i]!;
    if (char === '"') break;
    if (char !== '\\') {
      text += char;
      continue;
    }
    const next = raw[i + 1];
    if (next === undefined) break; // the escape is not complete yet
    if (next === 'u') {
      const hex = raw.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) break;
      text += String.fromCharCode(parseInt(hex, 16));
      i += 5;
    } else {
      text += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[next] ?? next;
      i++;
    }
  }
  return text;
}
