// The Pylot output channel, also kept in memory: the last lines and errors go into the
// diagnostics report a user attaches to a bug.
import * as vscode from 'vscode';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Log extends vscode.Disposable {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(): void;
  /** The last lines logged at info level or above, oldest first. */
  recent(): readonly string[];
  /** The last errors, oldest first. */
  errors(): readonly string[];
}

const keepLines = 200;
const keepErrors = 20;

export function createLog(): Log {
  const channel = vscode.window.createOutputChannel('Pylot', { log: true });
  const lines: string[] = [];
  const failures: string[] = [];
  const keep = (list: string[], line: string, limit: number) => {
    list.push(line);
    if (list.length > limit) list.splice(0, list.length - limit);
  };
  const write = (level: Level) => (message: string) => {
    channel[level](message);
    if (level === 'trace' || level === 'debug') return;
    const line = `${new Date().toISOString()} [${level}] ${message}`;
    keep(lines, line, keepLines);
    if (level === 'error') keep(failures, line, keepErrors);
  };
  return {
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    show: () => channel.show(true),
    recent: () => lines,
    errors: () => failures,
    dispose: () => channel.dispose(),
  };
}
