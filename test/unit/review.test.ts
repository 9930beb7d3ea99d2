// The review flow's pure parts: what the review editor shows for hunks in each state, which hunk a
// command at the cursor acts on, a proposal still streaming, and inline edit's region, prompt and
// answer cleaning.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChanges, diffHunks, hunkChanges } from '../../extension/review/hunks';
import { nextPending, renderView, spanAt, streamedProposal, type HunkState } from '../../extension/review/reviewView';
import { blockAt, cleanAnswer, contextLines, inlineMessages } from '../../extension/inlineEdit/inlinePrompt';

const before = ['let first = 1;', 'keep();', 'let second = 2;'].join('\n');
const after = ['const first = 1;', 'keep();', 'const second = 2;', 'done();'].join('\n');

describe('review view', () => {
  const hunks = diffHunks(before, after);

  it('shows each pending hunk as its old lines above its new lines', () => {
    const view = renderView(before, hunks, ['pending', 'pending']);
    assert.deepEqual(view.text.split('\n'), ['let first = 1;', 'const first = 1;', 'keep();', 'let second = 2;', 'const second = 2;', 'done();']);
    assert.deepEqual(
      view.spans.map((s) => [s.removedStart, s.removedEnd, s.insertedStart, s.insertedEnd]),
      [
        [0, 1, 1, 2],
        [3, 4, 4, 6],
      ],
    );
  });

  it('a decided hunk shows only the lines it leaves: accepted the new, rejected the old', () => {
    for (const [states, lines] of [
      [
        ['accepted', 'rejected'],
        ['const first = 1;', 'keep();', 'let second = 2;'],
      ],
      [
        ['rejected', 'accepted'],
        ['let first = 1;', 'keep();', 'const second = 2;', 'done();'],
      ],
      [['accepted', 'accepted'], after.split('\n')],
      [['rejected', 'rejected'], before.split('\n')],
    ] as Array<[HunkState[], string[]]>) {
      const view = renderView(before, hunks, states);
      assert.deepEqual(view.text.split('\n'), lines, states.join());
      // What an all-decided view shows is exactly what applying the accepted hunks writes.
      const kept = hunks.filter((_, i) => states[i] === 'accepted');
      assert.equal(applyChanges(before, hunkChanges(before, kept)), view.text, states.join());
    }
  });

  it('keeps CRLF line breaks', () => {
    const view = renderView('a\r\nb', diffHunks('a\r\nb', 'a\r\nc'), ['pending'], '\r\n');
    assert.equal(view.text, 'a\r\nb\r\nc');
  });

  it('a pure insertion and a pure deletion each get a span', () => {
    const view = renderView('a\nb\nc', diffHunks('a\nb\nc', 'x\na\nc'), ['pending', 'pending']);
    assert.deepEqual(view.text.split('\n'), ['x', 'a', 'b', 'c']);
    assert.deepEqual(
      view.spans.map((s) => [s.removedStart, s.removedEnd, s.insertedStart, s.insertedEnd]),
      [
        [0, 0, 0, 1],
        [2, 3, 3, 3],
      ],
    );
  });

  it('a command at the cursor acts on the hunk under it, else the next pending one, else the first', () => {
    const { spans } = renderView(before, hunks, ['pending', 'pending']);
    assert.equal(spanAt(spans, 0)?.index, 0);
    assert.equal(spanAt(spans, 1)?.index, 0);
    assert.equal(spanAt(spans, 2)?.index, 1, 'between hunks: the next one');
    assert.equal(spanAt(spans, 5)?.index, 1);
    assert.equal(spanAt(spans, 99)?.index, 0, 'past the last: the first pending');
    const decided = renderView(before, hunks, ['accepted', 'pending']).spans;
    assert.equal(spanAt(decided, 0)?.index, 1, 'a decided hunk is not acted on again');
    assert.equal(spanAt(renderView(before, hunks, ['accepted', 'rejected']).spans, 0), undefined);
  });

  it('next and previous hunk wrap around the pending ones', () => {
    const { spans } = renderView(before, hunks, ['pending', 'pending']);
    assert.equal(nextPending(spans, 0), 3);
    assert.equal(nextPending(spans, 3), 0);
    assert.equal(nextPending(spans, 3, true), 0);
    assert.equal(nextPending(spans, 0, true), 3);
    assert.equal(nextPending(renderView(before, hunks, ['rejected', 'rejected']).spans, 0), undefined);
  });
});

describe('streamed proposal', () => {
  it('shows only what the model changed so far, never deleting the lines it has not reached', () => {
    const old = 'a\nb\nc\nd';
    assert.equal(streamedProposal(old, ''), old);
    assert.equal(streamedProposal(old, 'a'), old, 'a half-written line is not a change yet');
    assert.equal(streamedProposal(old, 'a\n'), old);
    assert.equal(streamedProposal(old, 'a\nX\n'), 'a\nX\nb\nc\nd', 'an inserted line, the rest still below');
    assert.equal(streamedProposal(old, 'a\nB\nc\n'), 'a\nB\nc\nd', 'b replaced once c came');
    assert.equal(streamedProposal(old, 'a\nc\n'), 'a\nc\nd', 'b deleted once c came');
  });

  it('each step diffs to hunks the final text also has or refines, ending in the final text', () => {
    const old = 'function f(x) {\n  return x;\n}';
    const final = 'function f(x) {\n  if (x === undefined) throw new Error("x");\n  return x;\n}';
    let streamed = '';
    for (const char of final) {
      streamed += char;
      const shown = streamedProposal(old, streamed);
      assert.ok(shown.split('\n').length >= old.split('\n').length - 1, 'no mass deletion while streaming');
    }
    assert.equal(streamedProposal(old, final + '\n'), final);
  });
});

describe('inline edit prompt', () => {
  const lines = ['function add(a, b) {', '  const sum = a + b;', '  return sum;', '}', '', 'add(1, 2);'];

  it('with no selection edits the block the cursor line opens, up to its closing line', () => {
    assert.deepEqual(blockAt(lines, 0), { start: 0, end: 3 });
    assert.deepEqual(blockAt(lines, 1), { start: 1, end: 1 }, 'a plain line is its own region');
    assert.deepEqual(blockAt(lines, 5), { start: 5, end: 5 });
    assert.deepEqual(blockAt(['if x:', '    y()', '', '    z()', 'w()'], 0), { start: 0, end: 3 }, 'blank lines inside a block');
    assert.deepEqual(blockAt(['a'], 3), { start: 3, end: 3 }, 'past the end');
  });

  it('sends the region and a few lines around it, not the whole file', () => {
    const file = Array.from({ length: 200 }, (_, i) => `line${i}`);
    const [system, user] = inlineMessages({
      instruction: '  rename  ',
      fileName: 'a.ts',
      language: 'TypeScript',
      before: file.slice(100 - contextLines, 100).join('\n'),
      region: 'line100',
      after: file.slice(101, 101 + contextLines).join('\n'),
    });
    assert.equal(system!.role, 'system');
    assert.match(user!.content, /<region>\nline100\n<\/region>/);
    assert.match(user!.content, /Instruction: rename$/);
    assert.doesNotMatch(user!.content, /line0\n|line150/);
  });

  it('cleans fences and region tags from the answer, also while it streams', () => {
    const cases: Array<[string, boolean, string]> = [
      ['const a = 1;\n', true, 'const a = 1;'],
      ['```ts\nconst a = 1;\n```\n', true, 'const a = 1;'],
      ['```', false, ''],
      ['```typescript\nconst a', false, 'const a'],
      ['```ts\nconst a = 1;\n`', false, 'const a = 1;\n'],
      ['<region>\nconst a = 1;\n</region>', true, 'const a = 1;'],
      ['const a = 1;\n</reg', false, 'const a = 1;\n'],
      ['a\n\nb', true, 'a\n\nb'],
      ['x ```not a fence', true, 'x ```not a fence'],
    ];
    for (const [text, final, expected] of cases) assert.equal(cleanAnswer(text, final), expected, JSON.stringify(text));
  });
});
