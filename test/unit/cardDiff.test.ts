// What an agent edit card shows inline: the changed lines of each hunk with +/− counts, a new file
// as all added in one change, and a bound on what one panel message carries (the diff editor has the rest).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardDiff } from '../../extension/chat/cardDiff';
import { ChatHostMessage } from '../../protocol/chat';

describe('the diff on an edit card', () => {
  it('shows each hunk with both sides and its place, and counts the lines', () => {
    const before = 'a\nb\nc\nd\ne\nf\n';
    const after = 'a\nB\nc\nd\ne\nf\ng\n';
    const diff = cardDiff('src/x.ts', before, after);
    assert.deepEqual(diff, {
      path: 'src/x.ts',
      added: 2,
      removed: 1,
      hunks: [
        { oldStart: 2, newStart: 2, removed: ['b'], added: ['B'] },
        { oldStart: 7, newStart: 7, removed: [], added: ['g'] },
      ],
    });
  });

  it('shows a new file as all added, and an unchanged file as nothing', () => {
    assert.deepEqual(cardDiff('hello.ts', undefined, 'one\ntwo'), {
      path: 'hello.ts',
      added: 2,
      removed: 0,
      hunks: [{ oldStart: 1, newStart: 1, removed: [], added: ['one', 'two'] }],
    });
    assert.deepEqual(cardDiff('same.ts', 'x\n', 'x\n'), { path: 'same.ts', added: 0, removed: 0, hunks: [] });
  });

  it('shows a new file with blank lines as one change holding every line (no per-change choice: it is created whole)', () => {
    for (const [after, lines] of [
      ['a\n\nb\n', ['a', '', 'b']],
      ['x\n\n\ny\n\nz', ['x', '', '', 'y', '', 'z']],
      ['\n', ['']],
      ['one\r\n\r\ntwo\r\n', ['one', '', 'two']],
    ] as const)
      assert.deepEqual(
        cardDiff('new.ts', undefined, after),
        { path: 'new.ts', added: lines.length, removed: 0, hunks: [{ oldStart: 1, newStart: 1, removed: [], added: lines }] },
        JSON.stringify(after),
      );
    assert.deepEqual(cardDiff('empty.ts', undefined, ''), { path: 'empty.ts', added: 0, removed: 0, hunks: [] });
  });

  it('keeps CRLF files and odd lines as text', () => {
    const diff = cardDiff('w.txt', 'a\r\n<b onclick=x>\r\n', 'a\r\n<script>alert(1)</script>\r\n');
    assert.deepEqual(diff.hunks, [{ oldStart: 2, newStart: 2, removed: ['<b onclick=x>'], added: ['<script>alert(1)</script>'] }]);
  });

  it('bounds a huge change but counts all of it, and says so', () => {
    const before = Array.from({ length: 600 }, (_, i) => `line ${i}`).join('\n');
    const after = Array.from({ length: 600 }, (_, i) => (i % 2 ? `LINE ${i}` : `line ${i}`)).join('\n');
    const diff = cardDiff('big.txt', before, after);
    assert.equal(diff.added, 300);
    assert.equal(diff.removed, 300);
    assert.equal(diff.truncated, true);
    const shown = diff.hunks.reduce((sum, hunk) => sum + hunk.added.length + hunk.removed.length, 0);
    assert.ok(shown <= 120 && shown > 0, `shown ${shown}`);
    // It fits the contract the panel checks.
    const card = { id: 'c1', turnId: 't1', tool: 'edit_file', summary: 'Edit big.txt', risk: 'write', hasDiff: true, state: 'pending', diff } as const;
    assert.ok(ChatHostMessage.safeParse({ type: 'toolCall', card }).success);
  });
});
