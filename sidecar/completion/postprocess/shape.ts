// How much of a raw completion to keep: one line mid-line and in comments, more only while the
// structure says a block is open — lines indented deeper than the cursor's line, and the line
// that closes the block unless the suffix already closes it.
import { indentOf, type CursorContext } from './context';

const maxLines = 12;
const closers = /^\s*([}\])]|end\b|fi\b|done\b|esac\b)/;
const openers = /([{([]|=>|:|\bdo|\bthen)\s*$/;

export function shapeToStructure(text: string, context: CursorContext): string {
  const lines = text.split('\n');
  if (lines.length === 1) return text;
  const first = lines[0]!;
  if (context.inComment || isMidLine(context)) return first;
  const atLineStart = !context.linePrefix.trim();
  const opensBlock = openers.test(context.linePrefix + first) || (atLineStart && openers.test(context.previousLine));
  if (!opensBlock && !atLineStart) return first;

  const base = context.indent;
  const kept = [first];
  for (const line of lines.slice(1, maxLines)) {
    if (!line.trim()) {
      kept.push(line);
      continue;
    }
    const indent = indentOf(line);
    if (indent > base || (atLineStart && indent === base && !closers.test(line))) {
      kept.push(line);
      continue;
    }
    if (indent === base && closers.test(line) && !suffixCloses(context, line)) kept.push(line);
    break;
  }
  while (kept.length > 1 && !kept.at(-1)!.trim()) kept.pop();
  return kept.join('\n');
}

/** Code after the cursor on its line (closing brackets and punctuation do not count). */
export function isMidLine(context: CursorContext): boolean {
  return /[^\s)\]}>"'`;,.]/.test(context.lineSuffix);
}

function suffixCloses(context: CursorContext, line: string): boolean {
  const next = [context.lineSuffix, ...context.nextLines].find((candidate) => candidate.trim());
  return next !== undefined && next.trim().startsWith(line.trim()[0]!);
}
