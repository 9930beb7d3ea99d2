// Prompt tokens a next-edit model re-evaluates per keystroke while a suggestion is showing: the user
// renames a variable in one of this repository's files, then types a word at the cursor, a key at a
// time, and each key asks again. Anchored (modelEdits.ts keeps the prompt built at the cursor and
// puts the typed text in at the cursor) against rebuilt (a new prompt each key: the live history and
// the region cut again), per format, counted with a real tokenizer (the Qwen2 vocabulary, Zeta's,
// Instinct's and Sweep's family): tokens after the prefix shared with the previous prompt.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { DocumentStore } from '../../sidecar/documents/store';
import type { Engine } from '../../sidecar/engine/engine';
import { EditHistory } from '../../sidecar/nextEdit/editHistory';
import { detectNextEditFormat, instructFormat, type NextEditFormat } from '../../sidecar/nextEdit/formats';
import { ModelNextEdits } from '../../sidecar/nextEdit/modelEdits';
import { vocabFile } from '../fixtures/vocab';
import { median, table } from './stats';

const root = path.resolve(import.meta.dirname, '../../..');
const file = path.join(root, 'sidecar/nextEdit/nextEdits.ts');
const uri = `file://${file}`;
const typedWord = 'const nearest = suggestions.at(0);';

const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 2, logLevel: LlamaLogLevel.disabled });
const vocab = await llama.loadModel({ modelPath: await vocabFile('qwen2'), vocabOnly: true });
const tokenize = (text: string) => vocab.tokenize(text, true);

function shared(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Re-evaluated tokens per keystroke for one format, anchored or rebuilt each time. */
function run(format: NextEditFormat, anchored: boolean): { perKey: number[]; promptTokens: number } {
  const documents = new DocumentStore();
  const history = new EditHistory({ textOf: (u) => documents.peek(u)?.text });
  documents.onEdit((u, edit) => history.record(u, edit));
  const text = readFileSync(file, 'utf8');
  let version = 1;
  documents.open({ uri, languageId: 'typescript', version, text });
  const positionAt = (offset: number) => {
    const before = documents.peek(uri)!.text.slice(0, offset);
    return { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1 };
  };
  const edit = (start: number, end: number, insert: string) =>
    documents.change({ uri, version: ++version, changes: [{ range: { start: positionAt(start), end: positionAt(end) }, text: insert }] });
  // The rename the suggestion follows, then a new line to type on, below it.
  const renameAt = text.indexOf('const kept');
  edit(renameAt + 6, renameAt + 10, 'offered');
  const lineEnd = documents.peek(uri)!.text.indexOf('\n', renameAt);
  edit(lineEnd, lineEnd, '\n  ');
  const engine = {} as Engine; // the anchor's key only: no generation here
  const deps = { engineFor: () => undefined, history, allows: () => true, filenameOf: () => 'sidecar/nextEdit/nextEdits.ts' };
  const anchoredEdits = new ModelNextEdits(deps);
  let cursor = lineEnd + 3;
  let previous: number[] | undefined;
  const perKey: number[] = [];
  let promptTokens = 0;
  for (const key of typedWord) {
    const current = documents.peek(uri)!.text;
    const edits = anchored ? anchoredEdits : new ModelNextEdits(deps);
    const { prompt } = edits.prompt(engine, format, uri, current, cursor);
    const tokens = tokenize(prompt.head + prompt.tail);
    promptTokens = tokens.length;
    if (previous) perKey.push(tokens.length - shared(previous, tokens));
    previous = tokens;
    edit(cursor, cursor, key);
    cursor++;
  }
  return { perKey, promptTokens };
}

const formats: NextEditFormat[] = [
  detectNextEditFormat({ name: 'zeta', has: () => false })!,
  detectNextEditFormat({ name: 'instinct', has: () => false })!,
  detectNextEditFormat({ name: 'sweep-next-edit', has: () => false })!,
  instructFormat,
];
const rows = [['format', 'prompt tokens', 'rebuilt: tokens/key', 'anchored: tokens/key', 'anchored ÷ rebuilt']];
for (const format of formats) {
  const rebuilt = run(format, false);
  const anchored = run(format, true);
  const [r, a] = [median(rebuilt.perKey), median(anchored.perKey)];
  rows.push([format.family, String(anchored.promptTokens), r.toFixed(0), a.toFixed(0), (a / r).toFixed(3)]);
}
console.log(`Next-edit prompt tokens re-evaluated per keystroke (median of ${typedWord.length - 1} keys typed at the cursor, Qwen2 tokenizer)`);
console.log(table(rows));
await vocab.dispose();
await llama.dispose();
