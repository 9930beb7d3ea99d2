// The extension's one logger: the Pylot output channel, also kept in memory for the diagnostics
// report a user attaches to a bug. Every line is rendered by protocol/logLine.ts: user content
// (wrapped in `code()`) reaches the channel only while `pylot.trace` is on, and the report always
// gets it redacted. The sidecar's stderr lines come here too (sidecar/logForwarding.ts).
import * as vscode from 'vscode';
import { renderLogLine, toLogLine, type LogArgs, type LogLine } from '../protocol/logLine';

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

type Write = (...args: LogArgs) => void;

export interface Log extends vscode.Disposable {
  trace: Write;
  debug: Write;
  info: Write;
  warn: Write;
  error: Write;
  /** A line already split into fixed text and user content (the sidecar's, decoded). */
  line(level: Level, line: LogLine): void;
  show(): void;
  /** The last lines logged at info level or above, oldest first, user content redacted. */
  recent(): readonly string[];
  /** The last errors, oldest first, user content redacted. */
  errors(): readonly string[];
}

const keepLines = 200;
const keepErrors = 20;

/** `tracing` reads `pylot.trace` at each line, so turning it on or off applies at once. */
export function createLog(tracing: () => boolean): Log {
  const channel = vscode.window.createOutputChannel('Pylot', { log: true });
  const lines: string[] = [];
  const failures: string[] = [];
  const keep = (list: string[], line: string, limit: number) => {
    list.push(line);
    if (list.length > limit) list.splice(0, list.length - limit);
  };
  const line = (level: Level, logLine: LogLine) => {
    channel[level](renderLogLine(logLine, tracing()));
    if (level === 'trace' || level === 'debug') return;
    const redacted = `${new Date().toISOString()} [${level}] ${renderLogLine(logLine, false)}`;
    keep(lines, redacted, keepLines);
    if (level === 'error') keep(failures, redacted, keepErrors);
  };
  const write =
    (level: Level): Write =>
    (...args) =>
      line(level, toLogLine(args));
  return {
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    line,
    show: () => channel.show(true),
    recent: () => lines,
    errors: () => failures,
    dispose: () => channel.dispose(),
  };
}
