// The sidecar's one logger: lines go to stderr, which the extension host reads into the Pylot output
// channel. User content is wrapped in `code()` and written only when `pylot.trace` is on (it arrives
// in `initialize`; see protocol/logLine.ts). stdout is left to llama.cpp's native logging, which must
// never interleave with the IPC channel.
import { encodeLogLine, toLogLine, type LogArgs, type LogValue } from '../protocol/logLine';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold: LogLevel = (process.env.PYLOT_LOG_LEVEL as LogLevel | undefined) ?? 'info';
let trace = false;

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** `pylot.trace`: user content in log lines is written instead of its length. */
export function setTrace(on: boolean): void {
  trace = on;
}

export function tracing(): boolean {
  return trace;
}

/** log('warn', 'text') or log('warn')`Indexing ${path} failed: ${code(text)}`. */
export function log(level: LogLevel, message: string): void;
export function log(level: LogLevel): (strings: TemplateStringsArray, ...values: LogValue[]) => void;
export function log(level: LogLevel, message?: string): void | ((strings: TemplateStringsArray, ...values: LogValue[]) => void) {
  const write = (...args: LogArgs) => {
    if (order[level] < order[threshold]) return;
    process.stderr.write(`[${level}] ${encodeLogLine(toLogLine(args), trace).replaceAll('\n', '\n  ')}\n`);
  };
  if (message === undefined) return (strings, ...values) => write(strings, ...values);
  write(message);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
