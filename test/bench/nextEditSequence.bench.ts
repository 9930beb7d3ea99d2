// Prompt tokens a completion re-evaluates right after a next-edit request, with the next-edit prompt
// on the completion model's sequences (as it was) against its own sequence (now). The user works in
// three of this repository's files in turn; in each, a key typed asks for a completion, then a rename
// asks the next-edit model (the real ModelNextEdits path, Zeta's format) before the next completion.
// Real node-llama-cpp, a scripted Zeta-named model on the Qwen2 vocabulary (the next-edit family's).
// Also the memory the extra sequence costs: node-llama-cpp's context estimate for 4 sequences against 3
// (a 0.5B-shaped model, Qwen2.5-Coder 0.5B's dimensions).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DocumentStore } from '../../sidecar/documents/store';
import type { Engine, GenerateOptions } from '../../sidecar/engine/engine';
import { inspectModel } from '../../sidecar/engine/local/inspect';
import { loadLocalEngine, type LocalEngine } from '../../sidecar/engine/local/localEngine';
import { ModelPool } from '../../sidecar/engine/local/modelPool';
import { completionSequences, nextEditSequences } from '../../sidecar/engine/local/promptSequences';
import { createRuntime, type Runtime } from '../../sidecar/engine/runtime';
import { EditHistory } from '../../sidecar/nextEdit/editHistory';
import { ModelNextEdits } from '../../sidecar/nextEdit/modelEdits';
import { nextEditScript } from '../integration/suite/fixtureScripts';
import { benchModel, scriptedModel } from '../fixtures/models';
import { median, table } from './stats';

const root = path.resolve(import.meta.dirname, '../../..');
const files = ['sidecar/nextEdit/nextEdits.ts', 'sidecar/nextEdit/modelEdits.ts', 'sidecar/engine/local/promptSequences.ts'];
const rounds = 6;
/** Characters of the file before the cursor that a completion prompt holds. */
const prefixChars = 3_000;

const runtime = await createRuntime({ threads: 2, gpu: 'cpu' });
const model = await scriptedModel(nextEditScript, { name: 'zeta-next-edit', vocab: 'qwen2' });

interface Run {
  /** Prompt tokens each completion right after a next edit evaluated. */
  readonly completionAfter: number[];
  /** Prompt tokens each next-edit request evaluated. */
  readonly nextEdit: number[];
}

async function run(runtime: Runtime, ownSequence: boolean): Promise<Run> {
  const engine = await loadLocalEngine({
    runtime,
    pool: new ModelPool(),
    role: 'completion',
    path: model,
    contextSize: 4096,
    signal: new AbortController().signal,
    onProgress: () => undefined,
  });
  try {
    // As it was: the next-edit prompt went to the completion sequences like any other prompt.
    const asked: Engine = ownSequence ? engine : withoutOwnSequence(engine);
    const documents = new DocumentStore();
    const history = new EditHistory({ textOf: (uri) => documents.peek(uri)?.text });
    documents.onEdit((uri, edit) => history.record(uri, edit));
    const edits = new ModelNextEdits({ engineFor: () => asked, history, allows: () => true, filenameOf: (uri) => path.relative(root, new URL(uri).pathname) });
    const texts = files.map((file) => readFileSync(path.join(root, file), 'utf8'));
    const uris = files.map((file) => `file://${path.join(root, file)}`);
    texts.forEach((text, i) => documents.open({ uri: uris[i]!, languageId: 'typescript', version: 1, text }));
    const result: Run = { completionAfter: [], nextEdit: [] };
    const complete = (i: number, round: number) =>
      engine.complete(texts[i]!.slice(0, prefixChars) + 'x'.repeat(round), { maxTokens: 8, temperature: 0, signal: new AbortController().signal });
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < files.length; i++) {
        await complete(i, round);
        // A rename in this file (a word on line `10 + round` typed over), then the next-edit request.
        const text = documents.peek(uris[i]!)!.text;
        const lineStart = nthLine(text, 10 + round);
        const word = /[A-Za-z_]\w+/.exec(text.slice(lineStart))!;
        const start = lineStart + word.index;
        documents.change({
          uri: uris[i]!,
          version: documents.peek(uris[i]!)!.version + 1,
          changes: [{ range: rangeOf(text, start, start + word[0].length), text: `${word[0]}Renamed` }],
        });
        const current = documents.peek(uris[i]!)!;
        const stats = edits.stats.promptTokens;
        await edits.suggest(current, start + word[0].length + 7, 'auto', (signal, task) => task(signal), new AbortController().signal);
        result.nextEdit.push(edits.stats.promptTokens - stats);
        const next = (i + 1) % files.length;
        const after = await complete(next, round + (next === 0 ? 1 : 0));
        result.completionAfter.push(after.promptTokens ?? 0);
      }
    }
    return result;
  } finally {
    await engine.dispose();
  }
}

/** The engine as it was before the next-edit sequence: a next-edit prompt chooses among the completion sequences. */
function withoutOwnSequence(engine: LocalEngine): Engine {
  return new Proxy(engine, {
    get(target, key, receiver) {
      if (key === 'complete') return (prompt: string, options: GenerateOptions) => target.complete(prompt, { ...options, nextEdit: false });
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function nthLine(text: string, line: number): number {
  let at = 0;
  for (let i = 0; i < line; i++) at = text.indexOf('\n', at) + 1;
  return at;
}

function rangeOf(text: string, start: number, end: number) {
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    return { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1 };
  };
  return { start: position(start), end: position(end) };
}

const shared = await run(runtime, false);
const own = await run(runtime, true);
const rows = [
  ['next-edit prompt on', 'completion after a next edit: tokens (median)', 'next-edit request: tokens (median)'],
  ['the completion sequences (before)', String(median(shared.completionAfter)), String(median(shared.nextEdit))],
  ['its own sequence (now)', String(median(own.completionAfter)), String(median(own.nextEdit))],
];
console.log(`Prompt tokens re-evaluated, ${rounds} rounds × ${files.length} files, a completion then a next edit in each (Qwen2 vocabulary)`);
console.log(table(rows));
console.log(
  `completion after a next edit, own ÷ shared: ${(median(own.completionAfter) / median(shared.completionAfter)).toFixed(3)}; ` +
    `next-edit request, own ÷ shared: ${(median(own.nextEdit) / median(shared.nextEdit)).toFixed(3)}`,
);

// The memory the sequence set aside costs: the context estimate with it against without it, for a 0.5B-shaped model.
const inspected = await inspectModel(runtime, await benchModel());
const kv = async (sequences: number) =>
  (await inspected.insights.estimateContextResourceRequirementsV2({ contextSize: 4096, modelGpuLayers: 0, sequences })).cpuRam;
const [without, withIt] = [await kv(completionSequences), await kv(completionSequences + nextEditSequences)];
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
console.log(
  `context memory estimate (0.5B shape, 4,096 tokens a sequence): ${completionSequences} sequences ${mib(without)}, ` +
    `${completionSequences + nextEditSequences} sequences ${mib(withIt)}, ratio ${(withIt / without).toFixed(3)}`,
);
