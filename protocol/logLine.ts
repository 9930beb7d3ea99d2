// What a log line may say, for both processes: the fixed text Pylot's code writes, and user content
// (document text, prompts, completions, chat messages, file contents, tool arguments and results)
// wrapped in `code()`, which a line shows only when `pylot.trace` is on and otherwise replaces with
// its length. Every logger in Pylot renders through here, so one switch decides what reaches a log.
// Platform-free: the sidecar renders its stderr lines with it, the extension its output channel and
// the diagnostics report (which always renders redacted).

/** User content inside a log line. */
export class Code {
  constructor(readonly text: string) {}
}

/** Marks user content: shown only when the user turned `pylot.trace` on. */
export function code(value: unknown): Code {
  if (typeof value === 'string') return new Code(value);
  if (value instanceof Error) return new Code(value.message);
  return new Code(JSON.stringify(value) ?? String(value));
}

export type LogValue = string | number | boolean | bigint | null | undefined | Code;

/** One line before rendering: the fixed parts and the values between them (tagged-template shape). */
export interface LogLine {
  readonly strings: readonly string[];
  readonly values: readonly LogValue[];
}

/** A logger method takes a plain string or is used as a tag: log.warn`Failed on ${code(text)}`. */
export type LogArgs = [message: string] | [strings: TemplateStringsArray, ...values: LogValue[]];

export function toLogLine(args: LogArgs): LogLine {
  const [first, ...values] = args;
  return typeof first === 'string' ? { strings: [first], values: [] } : { strings: [...first], values: values as LogValue[] };
}

/** What stands for user content in a redacted line. */
export function redactedCode(text: string): string {
  return `‹code, ${text.length} chars›`;
}

/** The longest piece of user content a traced line shows; logs are not where whole files belong. */
export const maxTracedChars = 4_000;

function show(value: LogValue, trace: boolean, wrap: (text: string) => string): string {
  if (!(value instanceof Code)) return String(value);
  if (!trace) return redactedCode(value.text);
  const text = value.text.length > maxTracedChars ? `${value.text.slice(0, maxTracedChars)}… (${value.text.length} chars)` : value.text;
  return wrap(text);
}

/** The line as text: user content shown (trace) or replaced by its length. */
export function renderLogLine(line: LogLine, trace: boolean, wrap: (text: string) => string = (text) => text): string {
  let out = line.strings[0] ?? '';
  line.values.forEach((value, i) => (out += show(value, trace, wrap) + (line.strings[i + 1] ?? '')));
  return out;
}

// The sidecar's stderr carries rendered lines; with trace on, user content travels between these
// two characters (Unicode private use) so the extension can still redact it in the diagnostics report.
// The extension reads stderr line by line, so a span's line breaks travel as ␤ and a span never
// crosses a line.
const open = '\uE000';
const close = '\uE001';

/** A sidecar line for stderr: user content delimited when traced, replaced when not. */
export function encodeLogLine(line: LogLine, trace: boolean): string {
  return renderLogLine(line, trace, (text) => open + text.replaceAll(open, '').replaceAll(close, '').replace(/\r?\n/g, '␤') + close);
}

/** The inverse of encodeLogLine: delimited user content becomes Code again; an unterminated span, to the end. */
export function decodeLogLine(text: string): LogLine {
  const strings: string[] = [];
  const values: LogValue[] = [];
  let rest = text;
  for (let start = rest.indexOf(open); start >= 0; start = rest.indexOf(open)) {
    const end = rest.indexOf(close, start + 1);
    strings.push(rest.slice(0, start));
    values.push(new Code(rest.slice(start + 1, end < 0 ? undefined : end)));
    rest = end < 0 ? '' : rest.slice(end + 1);
  }
  strings.push(rest);
  return { strings, values };
}
