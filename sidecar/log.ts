// The sidecar logs to stderr; the extension host shows it in the Pylot output channel.
// stdout is left to llama.cpp's native logging, which must never interleave with the IPC channel.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold: LogLevel = (process.env.PYLOT_LOG_LEVEL as LogLevel | undefined) ?? 'info';

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

export function log(level: LogLevel, message: string): void {
  if (order[level] < order[threshold]) return;
  process.stderr.write(`[${level}] ${message}\n`);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
