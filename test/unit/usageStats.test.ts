// Acceptance statistics: what counts as shown, taken (whole, by word, by line) and dismissed, how
// much taken text survives its edits, and the bounds that keep the stored file small.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyStats, percentile, statsLimits, UsageStats } from '../../protocol/usageStats';
import { UsageCounters } from '../../extension/stats/usageCounters';
import { keptChars, shift, SuggestionTracker, type TextChange } from '../../extension/stats/suggestionTracker';

const ts = { language: 'typescript', model: 'coder-1.5b' };

/** A document, a tracker on it, and timers the test runs by hand. */
function rig(initial = '') {
  let text = initial;
  let changes = 0;
  const counters = new UsageCounters(emptyStats(0), () => changes++);
  const timers: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
  const tracker = new SuggestionTracker({
    counters,
    delaysMs: { kept30s: 30, kept5min: 300 },
    timer: (run, ms) => {
      const timer = { run, ms, cancelled: false };
      timers.push(timer);
      return () => (timer.cancelled = true);
    },
    textAt: (_uri, start, end) => text.slice(start, end),
  });
  const edit = (offset: number, removed: number, inserted: string) => {
    text = text.slice(0, offset) + inserted + text.slice(offset + removed);
    tracker.changed('file:///a.ts', [{ offset, removed, inserted }]);
  };
  const fire = (ms: number) => timers.filter((t) => t.ms === ms && !t.cancelled).forEach((t) => ((t.cancelled = true), t.run()));
  const row = () => counters.stats.completions[0]!;
  return { tracker, counters, edit, fire, row, text: () => text, changes: () => changes, timers };
}

describe('suggestions: shown, taken, dismissed', () => {
  it('Tab takes the whole suggestion: one shown, one accepted, its characters counted', () => {
    const r = rig('function f() {\n  \n}');
    r.tracker.shown('file:///a.ts', 17, 'return 1;', ts, 120);
    r.edit(17, 0, 'return 1;');
    assert.deepEqual(pick(r.row()), { shown: 1, accepted: 1, acceptedWhole: 1, acceptedWord: 0, acceptedLine: 0, dismissed: 0, acceptedChars: 9 });
    assert.deepEqual(r.row().latencyMs, [120]);
  });

  it('typing through a suggestion keeps it one suggestion; what is then taken counts once', () => {
    const r = rig('');
    r.tracker.shown('file:///a.ts', 0, 'return a + b;', ts, 80);
    for (const [i, ch] of [...'ret'].entries()) {
      r.edit(i, 0, ch);
      r.tracker.shown('file:///a.ts', i + 1, 'return a + b;'.slice(i + 1), ts, 1);
    }
    r.edit(3, 0, 'urn a + b;');
    assert.deepEqual(pick(r.row()), { shown: 1, accepted: 1, acceptedWhole: 1, acceptedWord: 0, acceptedLine: 0, dismissed: 0, acceptedChars: 10 });
  });

  it('word by word, then a line: one accepted suggestion, three accept actions by kind', () => {
    const r = rig('');
    const suggestion = 'const total = sum;\nreturn total;';
    r.tracker.shown('file:///a.ts', 0, suggestion, ts, 50);
    r.edit(0, 0, 'const');
    r.edit(5, 0, ' total');
    r.edit(11, 0, ' = sum;');
    r.edit(18, 0, '\nreturn total;');
    assert.equal(r.text(), suggestion);
    const row = r.row();
    assert.deepEqual(pick(row), { shown: 1, accepted: 1, acceptedWhole: 1, acceptedWord: 2, acceptedLine: 1, dismissed: 0, acceptedChars: suggestion.length });
  });

  it('typing something else dismisses it; so does a new suggestion elsewhere, or hiding it', () => {
    const r = rig('x');
    r.tracker.shown('file:///a.ts', 1, 'abc', ts, 10);
    r.edit(1, 0, 'z');
    r.tracker.shown('file:///a.ts', 2, 'def', ts, 10);
    r.tracker.shown('file:///a.ts', 0, 'ghi', ts, 10);
    r.tracker.hidden();
    assert.deepEqual(pick(r.row()), { shown: 3, accepted: 0, acceptedWhole: 0, acceptedWord: 0, acceptedLine: 0, dismissed: 3, acceptedChars: 0 });
  });

  it('a deletion, a replacement or an edit in another document is not an accept', () => {
    for (const change of [
      { offset: 0, removed: 1, inserted: '' },
      { offset: 0, removed: 1, inserted: 'ab' },
      { offset: 5, removed: 0, inserted: 'ab' },
    ] satisfies TextChange[]) {
      const r = rig('xxxxxxx');
      r.tracker.shown('file:///a.ts', 0, 'abcdef', ts, 10);
      r.tracker.changed('file:///a.ts', [change]);
      assert.equal(r.row().accepted, 0, JSON.stringify(change));
      assert.equal(r.row().dismissed, 1, JSON.stringify(change));
    }
    const r = rig('');
    r.tracker.shown('file:///a.ts', 0, 'abcdef', ts, 10);
    r.tracker.changed('file:///other.ts', [{ offset: 0, removed: 0, inserted: 'abc' }]);
    assert.equal(r.row().accepted, 0);
  });

  it('an empty suggestion is not shown', () => {
    const r = rig('');
    r.tracker.shown('file:///a.ts', 0, '', ts, 10);
    assert.equal(r.counters.stats.completions.length, 0);
  });
});

describe('survival of taken text', () => {
  it('untouched, every character is kept at 30 s and 5 min', () => {
    const r = rig('');
    r.tracker.shown('file:///a.ts', 0, 'return 1;', ts, 10);
    r.edit(0, 0, 'return 1;');
    r.fire(30);
    r.fire(300);
    assert.deepEqual(r.row().kept30s, { checkedChars: 9, keptChars: 9 });
    assert.deepEqual(r.row().kept5min, { checkedChars: 9, keptChars: 9 });
  });

  it('edits before it move it; an edit inside it costs what it replaced; deleting it keeps nothing', () => {
    const r = rig('\n');
    r.tracker.shown('file:///a.ts', 1, 'return total;', ts, 10);
    r.edit(1, 0, 'return total;');
    r.edit(0, 0, '// header\n'); // before: moves it
    r.edit(r.text().indexOf('total'), 5, 'sum'); // inside: 'total' → 'sum'
    r.edit(r.text().length, 0, ' // done'); // after: no effect
    r.fire(30);
    assert.deepEqual(r.row().kept30s, { checkedChars: 13, keptChars: 8 });
    r.edit(r.text().indexOf('return'), 'return sum;'.length, '');
    r.fire(300);
    assert.deepEqual(r.row().kept5min, { checkedChars: 13, keptChars: 0 });
  });

  it('a closed document is not counted either way', () => {
    const counters = new UsageCounters(emptyStats(0));
    const runs: Array<() => void> = [];
    const tracker = new SuggestionTracker({
      counters,
      delaysMs: { kept30s: 1, kept5min: 2 },
      timer: (run) => (runs.push(run), () => undefined),
      textAt: () => undefined,
    });
    tracker.shown('u', 0, 'abc', ts, 1);
    tracker.changed('u', [{ offset: 0, removed: 0, inserted: 'abc' }]);
    runs.forEach((run) => run());
    assert.deepEqual(counters.stats.completions[0]!.kept30s, { checkedChars: 0, keptChars: 0 });
  });

  it('many accepts: the oldest are judged early instead of piling up timers', () => {
    const r = rig('');
    for (let i = 0; i < 100; i++) {
      r.tracker.shown('file:///a.ts', r.text().length, `x${i};`, ts, 1);
      r.edit(r.text().length, 0, `x${i};`);
    }
    const live = r.timers.filter((t) => !t.cancelled).length;
    assert.ok(live <= 2 * 64, `${live} timers live`);
    assert.ok(r.row().kept30s.checkedChars > 0, 'the oldest were checked');
    r.tracker.dispose();
    assert.equal(r.timers.filter((t) => !t.cancelled).length, 0, 'dispose cancels the rest');
  });

  it('shift: every position of an edit relative to the range', () => {
    const cases: Array<[TextChange, [number, number]]> = [
      [{ offset: 0, removed: 0, inserted: 'ab' }, [12, 22]], // before
      [{ offset: 10, removed: 0, inserted: 'ab' }, [12, 22]], // at the start: before it
      [{ offset: 20, removed: 0, inserted: 'ab' }, [10, 20]], // at the end: after it
      [{ offset: 25, removed: 3, inserted: '' }, [10, 20]], // after
      [{ offset: 12, removed: 2, inserted: 'xyz' }, [10, 21]], // inside
      [{ offset: 5, removed: 10, inserted: '' }, [5, 10]], // overlapping its start
      [{ offset: 15, removed: 10, inserted: 'q' }, [10, 16]], // overlapping its end
      [{ offset: 5, removed: 20, inserted: '' }, [5, 5]], // swallowing it
    ];
    for (const [change, expected] of cases) {
      const range = { start: 10, end: 20 };
      shift(range, change);
      assert.deepEqual([range.start, range.end], expected, JSON.stringify(change));
    }
  });

  it('keptChars counts the taken characters still there, in order', () => {
    assert.equal(keptChars('return a + b;', 'return a + b;'), 13);
    assert.equal(keptChars('return a + b;', 'return a - b;'), 12);
    assert.equal(keptChars('return a + b;', ''), 0);
    assert.equal(keptChars('abc', 'xxabcxx'), 3);
  });
});

describe('counters: chat votes, proposals, bounds, reset', () => {
  it('votes per model, notes kept bounded and cut', () => {
    const counters = new UsageCounters(emptyStats(0));
    counters.vote('chat-7b', 'up');
    counters.vote('chat-7b', 'down', '  wrong API  ');
    for (let i = 0; i < statsLimits.notes + 5; i++) counters.vote('other', 'down', 'n'.repeat(statsLimits.noteChars * 2));
    assert.deepEqual(counters.stats.chat[0], { model: 'chat-7b', up: 1, down: 1 });
    assert.equal(counters.stats.notes.length, statsLimits.notes);
    assert.ok(counters.stats.notes.every((note) => note.note.length <= statsLimits.noteChars));
    assert.ok(!counters.stats.notes.some((note) => note.note === 'wrong API'), 'the oldest notes went first');
  });

  it('proposals: refactor hunks and agent proposals kept and rejected', () => {
    const counters = new UsageCounters(emptyStats(0));
    counters.proposals('refactor', 2, 1);
    counters.proposals('agent', 0, 1);
    assert.deepEqual(
      [counters.stats.refactor, counters.stats.agent],
      [
        { kept: 2, rejected: 1 },
        { kept: 0, rejected: 1 },
      ],
    );
  });

  it('rows and latency samples are bounded; the least recently used row goes', () => {
    let now = 0;
    const counters = new UsageCounters(emptyStats(0), undefined, () => ++now);
    counters.shown({ language: 'kept', model: 'm' }, 1);
    for (let i = 0; i < statsLimits.completionRows + 10; i++) {
      counters.shown({ language: `lang${i}`, model: 'm' }, 1);
      counters.shown({ language: 'kept', model: 'm' }, 1);
    }
    for (let i = 0; i < statsLimits.latencySamples * 2; i++) counters.shown({ language: 'kept', model: 'm' }, i);
    const rows = counters.stats.completions;
    assert.equal(rows.length, statsLimits.completionRows);
    assert.ok(rows.some((row) => row.language === 'kept'));
    assert.ok(!rows.some((row) => row.language === 'lang0'));
    assert.equal(rows.find((row) => row.language === 'kept')!.latencyMs.length, statsLimits.latencySamples);
    assert.ok(JSON.stringify(counters.stats).length < 200_000, 'the stored file stays small');
    assert.equal(UsageStats.safeParse(counters.stats).success, true);
  });

  it('reset starts again from now', () => {
    const counters = new UsageCounters(emptyStats(0), undefined, () => 42);
    counters.shown(ts, 1);
    counters.reset();
    assert.deepEqual(counters.stats, emptyStats(42));
  });

  it('percentile', () => {
    assert.equal(percentile([], 50), undefined);
    assert.equal(percentile([30, 10, 20], 50), 20);
    assert.equal(percentile([...Array(100).keys()], 95), 94);
  });
});

function pick(row: UsageStats['completions'][number]) {
  const { shown, accepted, acceptedWhole, acceptedWord, acceptedLine, dismissed, acceptedChars } = row;
  return { shown, accepted, acceptedWhole, acceptedWord, acceptedLine, dismissed, acceptedChars };
}
