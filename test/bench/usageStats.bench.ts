// Issue-18 number: what the usage statistics add to each keystroke. Side by side in one run:
//  - the keystroke path without them: the extension serialises the didChange notification and the
//    sidecar's document mirror applies the edit (DocumentStore, in process; IPC and tree-sitter left
//    out, which makes the base smaller and the ratio an upper bound);
//  - the statistics' upkeep: the tracker follows the edit and the cursor (a suggestion typed through)
//    and moves every watched range of taken text (the most it keeps, 64, all in this document).
// Prints µs per keystroke and the ratio; no assertions on time.
import { performance } from 'node:perf_hooks';
import { emptyStats } from '../../protocol/usageStats';
import { DocumentStore } from '../../sidecar/documents/store';
import { SuggestionTracker } from '../../extension/stats/suggestionTracker';
import { UsageCounters } from '../../extension/stats/usageCounters';
import { median, table } from './stats';

const keystrokes = Number(process.env.PYLOT_BENCH_KEYSTROKES ?? 20_000);
const rounds = 7;
const uri = 'file:///bench/big.ts';
const line = (i: number) => `export function compute${i}(values: number[]): number { return values.reduce((a, b) => a + b, ${i}); }\n`;
const initial = Array.from({ length: 2_000 }, (_, i) => line(i)).join('');
const typed = 'const total = compute42(values) + compute7(values);\n';

function baseline(): number {
  const store = new DocumentStore();
  store.open({ uri, languageId: 'typescript', version: 1, text: initial });
  let offsetLine = 1_000;
  let character = 0;
  let sink = 0;
  const started = performance.now();
  for (let k = 0; k < keystrokes; k++) {
    const ch = typed[k % typed.length]!;
    const params = { uri, version: k + 2, changes: [{ range: { start: { line: offsetLine, character }, end: { line: offsetLine, character } }, text: ch }] };
    sink += JSON.stringify(params).length;
    store.change(params);
    if (ch === '\n') {
      offsetLine++;
      character = 0;
    } else character++;
  }
  const elapsed = performance.now() - started;
  if (sink < 0) console.log(sink);
  return (elapsed * 1000) / keystrokes;
}

function upkeep(): number {
  const counters = new UsageCounters(emptyStats(0));
  const tracker = new SuggestionTracker({
    counters,
    delaysMs: { kept30s: 1e9, kept5min: 1e9 },
    timer: () => () => undefined,
    textAt: () => '',
  });
  const key = { language: 'typescript', model: 'bench' };
  // 64 taken suggestions watched earlier in the document (the most the tracker keeps).
  for (let i = 0; i < 64; i++) {
    tracker.shown(uri, i * 100, 'return a + b;', key, 50);
    tracker.changed(uri, [{ offset: i * 100, removed: 0, inserted: 'return a + b;' }]);
  }
  let offset = initial.length / 2;
  const started = performance.now();
  for (let k = 0; k < keystrokes; k++) {
    const at = k % typed.length;
    // The suggestion on screen is the rest of the line; each keystroke types through it.
    if (at === 0) tracker.shown(uri, offset, typed, key, 80);
    tracker.changed(uri, [{ offset, removed: 0, inserted: typed[at]! }]);
    offset++;
    tracker.cursorAt(uri, offset);
    tracker.shown(uri, offset, typed.slice(at + 1), key, 1);
  }
  const elapsed = performance.now() - started;
  tracker.dispose();
  return (elapsed * 1000) / keystrokes;
}

// Warm both up, then alternate so drift hits both.
baseline();
upkeep();
const base: number[] = [];
const stats: number[] = [];
for (let r = 0; r < rounds; r++) {
  base.push(baseline());
  stats.push(upkeep());
}
const b = median(base);
const s = median(stats);
console.log(`Usage statistics upkeep per keystroke (${keystrokes} keystrokes × ${rounds} rounds, 2,000-line file, 64 watched ranges; medians)`);
console.log(
  table([
    ['path', 'µs / keystroke', 'vs keystroke path'],
    ['keystroke path (serialise didChange + mirror edit)', b.toFixed(2), '1.00'],
    ['statistics upkeep (tracker: edit, cursor, typed-through)', s.toFixed(2), (s / b).toFixed(3)],
  ]),
);
