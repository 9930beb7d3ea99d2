// The sidecar writes "[level] message" lines to stderr; llama.cpp's own native output has no prefix.
import type { Log } from '../log';

export function forwardSidecarLog(log: Log, line: string): void {
  const match = /^\[(debug|info|warn|error)\] (.*)$/.exec(line);
  if (!match) return log.info(`sidecar: ${line}`);
  const level = match[1] as 'debug' | 'info' | 'warn' | 'error';
  log[level](`sidecar: ${match[2]}`);
}
