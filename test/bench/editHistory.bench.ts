// Edit-history upkeep per keystroke in the sidecar: the same typing session (a 3,000-line file,
// words typed and deleted at places across it, another file now and then) applied to a document
// store alone and to one that also records the history. The history's own time is taken inside its
// listener (the store's update is far bigger than the difference, so a difference would be noise)
// and printed against the store's update in one run. Also the cost of printing the
// history as diffs (done once per next-edit request, not per keystroke).
//   PYLOT_BENCH_KEYS (default 20000)
import { DocumentStore } from '../../sidecar/documents/store';
import { EditHistory } from '../../sidecar/nextEdit/editHistory';
import { historyDiffs } from '../../sidecar/nextEdit/historyDiffs';
import { median, table } from './stats';

const keys = Number(process.env.PYLOT_BENCH_KEYS ?? 20_000);
const lines = Array.from({ length: 3_000 }, (_, i) => `  const value${i} = compute(input.id * ${i}, options); // line ${i}`);
const text = `export function big(input: Input, options: Options) {\n${lines.join('\n')}\n}\n`;

let seed = 7;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

interface Keystroke {
  readonly uri: string;
  readonly line: number;
  readonly character: number;
  readonly deleting: boolean;
  readonly char: string;
}

/** Bursts of typing at a random place: a word typed, then half of it deleted. */
function session(): Keystroke[] {
  const strokes: Keystroke[] = [];
  while (strokes.length < keys) {
    const uri = random() < 0.2 ? 'file:///ws/other.ts' : 'file:///ws/big.ts';
    const line = 1 + Math.floor(random() * 2_999);
    const word = 'renamedValue'.slice(0, 3 + Math.floor(random() * 9));
    for (let i = 0; i < word.length; i++) strokes.push({ uri, line, character: 8 + i, deleting: false, char: word[i]! });
    for (let i = word.length; i > word.length / 2; i--) strokes.push({ uri, line, character: 8 + i - 1, deleting: true, char: '' });
  }
  return strokes;
}

function store(): { documents: DocumentStore; version: number } {
  const documents = new DocumentStore();
  for (const uri of ['file:///ws/big.ts', 'file:///ws/other.ts']) documents.open({ uri, languageId: 'typescript', version: 1, text });
  return { documents, version: 1 };
}

function run(target: { documents: DocumentStore; version: number }, strokes: readonly Keystroke[]): number {
  const started = performance.now();
  for (const key of strokes) {
    const { line, character } = key;
    const range = key.deleting
      ? { start: { line, character }, end: { line, character: character + 1 } }
      : { start: { line, character }, end: { line, character } };
    target.documents.change({ uri: key.uri, version: ++target.version, changes: [{ range, text: key.char }] });
  }
  return ((performance.now() - started) * 1_000) / strokes.length;
}

const strokes = session();
const plainTimes: number[] = [];
const historyTimes: number[] = [];
const recordTimes: number[] = [];
let history: EditHistory | undefined;
let withHistory: ReturnType<typeof store> | undefined;
for (let round = 0; round < 7; round++) {
  plainTimes.push(run(store(), strokes));
  withHistory = store();
  const h = new EditHistory({ textOf: (uri) => withHistory!.documents.peek(uri)?.text });
  let recording = 0;
  withHistory.documents.onEdit((uri, edit) => {
    const started = performance.now();
    h.record(uri, edit);
    recording += performance.now() - started;
  });
  history = h;
  historyTimes.push(run(withHistory, strokes));
  recordTimes.push((recording * 1_000) / strokes.length);
}

const printTimes: number[] = [];
let diffChars = 0;
for (let i = 0; i < 50; i++) {
  const started = performance.now();
  const diffs = historyDiffs(history!, { maxTokens: 1_500, allows: () => true, filenameOf: (uri) => uri.slice('file:///ws/'.length) });
  printTimes.push((performance.now() - started) * 1_000);
  diffChars = diffs.reduce((sum, d) => sum + d.diff.length, 0);
}

const plain = median(plainTimes);
const recorded = median(historyTimes);
console.log(`edit history upkeep: ${strokes.length} keystrokes on a ${lines.length}-line file, median of ${plainTimes.length} rounds (µs per keystroke)`);
console.log(
  table([
    ['', 'µs/keystroke', 'vs store'],
    ['document store alone', plain.toFixed(2), '1.00'],
    ['store + edit history', recorded.toFixed(2), (recorded / plain).toFixed(2)],
    ['edit history alone (its listener)', median(recordTimes).toFixed(2), (median(recordTimes) / plain).toFixed(4)],
  ]),
);
console.log(`history: ${history!.groups.length} groups; printed as diffs (${diffChars} chars) in ${median(printTimes).toFixed(0)} µs per request`);
