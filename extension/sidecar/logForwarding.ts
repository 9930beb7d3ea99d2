// The sidecar writes "[level] message" lines to stderr (user content delimited, see
// protocol/logLine.ts); llama.cpp's own native output has no prefix. Both go through the one Log.
import { decodeLogLine } from '../../protocol/logLine';
import type { Log } from '../log';

export function forwardSidecarLog(log: Log, text: string): void {
  const match = /^\[(debug|info|warn|error)\] (.*)$/s.exec(text);
  const level = (match?.[1] ?? 'info') as 'debug' | 'info' | 'warn' | 'error';
  const line = decodeLogLine(match ? match[2]! : text);
  log.line(level, { strings: [`sidecar: ${line.strings[0]}`, ...line.strings.slice(1)], values: line.values });
}
