// What Pylot: Run Agent's "Choose changes…" QuickPick lists for an edit: one item per change of the
// review's own diff (so an item's index is the hunk executeCall leaves out), its lines in the file as
// it is, its −/+ counts and first changed lines; no choice where the card offers none or where a
// part could not be written (one change, a new file, mixed line endings).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changeItems, keptSummary } from '../../extension/agent/hunkChoice';
import { diffHunks, keepHunks } from '../../extension/review/hunks';

const old = 'let first = 1;\nkeep();\nlet second = 2;\nend();\n';
const next = 'const first = 1;\nkeep();\nconst second = 2;\nend();\n';

describe("the Run Agent command's per-change choice", () => {
  it('lists each change with its lines, counts and first changed lines, in the diff order', () => {
    assert.deepEqual(changeItems(old, next), [
      { label: '1. Line 1', description: '−1 +1', detail: '− let first = 1;   + const first = 1;' },
      { label: '2. Line 3', description: '−1 +1', detail: '− let second = 2;   + const second = 2;' },
    ]);
  });

  it("an item's index is the hunk that keepHunks leaves out", () => {
    const items = changeItems(old, next)!;
    assert.equal(items.length, diffHunks(old, next).length);
    // Unpicking item 1 ("Line 1") keeps the first line as it was.
    assert.equal(keepHunks(old, next, [0])!.text, 'let first = 1;\nkeep();\nconst second = 2;\nend();\n');
  });

  it('names insertions by the line they follow, deletions and ranges by their lines', () => {
    const before = 'a\nb\nc\nd\ne\n';
    const after = 'top\na\nB1\nB2\nc\ne\nbottom\n';
    assert.deepEqual(
      changeItems(before, after)!.map(({ label, description, detail }) => [label, description, detail]),
      [
        ['1. Before line 1', '−0 +1', '+ top'],
        ['2. Line 2', '−1 +2', '− b   + B1'],
        ['3. Line 4', '−1 +0', '− d'],
        ['4. After line 5', '−0 +1', '+ bottom'],
      ],
    );
    assert.deepEqual(
      changeItems('one\ntwo\nthree\nfour\nfive\n', 'ONE\ntwo\nthree\nFOUR\nFIVE\nSIX\n')!.map((item) => item.label),
      ['1. Line 1', '2. Lines 4–5'],
    );
  });

  it('shows the first line that says something, trimmed and cut, or says it is blank', () => {
    const long = 'x'.repeat(500);
    const items = changeItems('keep\n    indented();\nmid\nz\nend\n', `keep\n\n  ${long}\nmid\n\n\nend\n`)!;
    assert.equal(items[0]!.detail, `− indented();   + ${'x'.repeat(120)}…`);
    assert.equal(items[1]!.detail, '− z   + (blank lines)');
  });

  it('offers no choice for one change, no change, a new file, or a file mixing line endings', () => {
    assert.equal(changeItems('a\nb\n', 'a\nB\n'), undefined, 'one change: Allow or Deny is the choice');
    assert.equal(changeItems(old, old), undefined);
    assert.equal(changeItems(undefined, 'a\n\nb\n'), undefined, 'a new file is created whole or not at all');
    assert.equal(changeItems('a\r\nb\nc\r\n', 'A\r\nb\nC\r\n'), undefined, 'CRLF and LF mixed: a part cannot be placed exactly');
  });

  it('keeps CRLF files choosable, as a whole CRLF file can be written in part', () => {
    const crlf = old.replaceAll('\n', '\r\n');
    assert.equal(changeItems(crlf, next.replaceAll('\n', '\r\n'))?.length, 2);
  });

  it("says what Allow writes in the card's words", () => {
    assert.equal(keptSummary(1, 2), 'Allow writes 1 of the 2 changes.');
  });
});
