// The sidecar writes "[level] message" lines to stderr; llama.cpp's own native output has no prefix.
import type * as vscode from 'vscode';

export function forwardSidecarLog(log: vscode.LogOutputChannel, line: string): void {
  const match = /^\[(debug|info|warn|error)\] (.*)$/.exec(line);
  if (!match) return log.info(`sidecar: ${line}`);
  const level = match[1] as 'debug' | 'info' | 'warn' | 'error';
  log[level](`sidecar: ${match[2]}`);
}
