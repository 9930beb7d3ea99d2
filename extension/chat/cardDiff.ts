// The change an agent edit card shows inline while it waits: the file's changed lines as hunks with
// their +/− counts, from the refactor review's own line diff (refactor/hunks.ts). Bounded, because
// the card travels to the panel in one message; the diff editor has the whole change.
import type { CardDiff } from '../../protocol/chat';
import { diffHunks, splitLines } from '../review/hunks';

const maxHunks = 20;
const maxLines = 120;

/** `before` undefined is a new file: every line is added, as one change (it is created whole or not at all). */
export function cardDiff(path: string, before: string | undefined, after: string): CardDiff {
  const hunks =
    before === undefined
      ? newFile(after)
      : diffHunks(before, after).map((hunk) => ({
          oldStart: hunk.oldStart + 1,
          newStart: hunk.newStart + 1,
          removed: [...hunk.oldLines],
          added: [...hunk.newLines],
        }));
  const added = hunks.reduce((sum, hunk) => sum + hunk.added.length, 0);
  const removed = hunks.reduce((sum, hunk) => sum + hunk.removed.length, 0);
  const shown: CardDiff['hunks'] = [];
  let lines = 0;
  for (const hunk of hunks.slice(0, maxHunks)) {
    const room = maxLines - lines;
    if (room <= 0) break;
    const removedShown = hunk.removed.slice(0, room);
    const addedShown = hunk.added.slice(0, room - removedShown.length);
    shown.push({ ...hunk, removed: removedShown, added: addedShown });
    lines += removedShown.length + addedShown.length;
  }
  const truncated = lines < added + removed;
  return { path, added, removed, hunks: shown, ...(truncated ? { truncated } : {}) };
}

/** A new file's lines (a diff against nothing would match its blank lines with the empty old text and split it). */
function newFile(after: string): CardDiff['hunks'] {
  const lines = splitLines(after);
  if (lines.at(-1) === '') lines.pop(); // the end of the last line, not a line
  return lines.length ? [{ oldStart: 1, newStart: 1, removed: [], added: lines }] : [];
}
