// What Pylot: Run Agent's approval QuickPick says of an edit made of several changes: one item per
// change (its lines in the file as it is now, its −/+ counts, its first changed lines), from the
// review's own line diff (review/hunks.ts), so an item's index is the one executeCall's keepHunks
// leaves out. Pure: no `vscode`, unit-tested.
import { diffHunks, partLineEnding, type Hunk } from '../review/hunks';

export interface ChangeItem {
  readonly label: string;
  readonly description: string;
  readonly detail: string;
}

/** Past this a changed line is cut in an item's detail (VS Code cuts it again to the widget's width). */
const maxShownChars = 120;

/**
 * One item per change, or undefined where the edit is allowed whole or not at all, as on the chat's
 * card: a single change, a new file, or a file mixing CRLF and LF (a part cannot be placed exactly).
 */
export function changeItems(before: string | undefined, after: string): ChangeItem[] | undefined {
  if (before === undefined || partLineEnding(before) === undefined) return undefined;
  const hunks = diffHunks(before, after);
  if (hunks.length < 2) return undefined;
  return hunks.map((hunk, index) => ({
    label: `${index + 1}. ${where(hunk)}`,
    description: `−${hunk.oldLines.length} +${hunk.newLines.length}`,
    detail: firstLines(hunk),
  }));
}

/** What the prompt says once some changes are left out: the card's own words. */
export function keptSummary(kept: number, total: number): string {
  return `Allow writes ${kept} of the ${total} changes.`;
}

/** The change's lines in the file as it is (1-based); an insertion by the line it follows. */
function where(hunk: Hunk): string {
  const first = hunk.oldStart + 1;
  const count = hunk.oldLines.length;
  if (count === 0) return hunk.oldStart === 0 ? 'Before line 1' : `After line ${hunk.oldStart}`;
  return count === 1 ? `Line ${first}` : `Lines ${first}–${first + count - 1}`;
}

/** The first removed and the first added line that say something (not blank). */
function firstLines(hunk: Hunk): string {
  const shown = (sign: string, lines: readonly string[]) => {
    if (!lines.length) return undefined;
    const line = (lines.find((text) => text.trim()) ?? '').trim();
    if (!line) return `${sign} (blank line${lines.length > 1 ? 's' : ''})`;
    return `${sign} ${line.length > maxShownChars ? `${line.slice(0, maxShownChars)}…` : line}`;
  };
  return [shown('−', hunk.oldLines), shown('+', hunk.newLines)].filter(Boolean).join('   ');
}
