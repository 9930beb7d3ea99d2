// Inline edit: how soon the first changed line shows, against the model's own first token. The real
// sidecar streams a chat answer from a scripted GGUF (real node-llama-cpp, real chat template, plain
// text, no grammar) through model/generate's deltas; each delta goes through what the extension does
// with it (cleanAnswer → fitCode → streamedProposal → diffHunks → renderView) and the first view with
// a hunk is "shown". Ratios side by side, one run: first change / first token, and the answer's end
// / first token (what a non-streaming edit would wait for).
import { Generate, GenerateDelta, LoadModel } from '../../protocol/sidecar';
import { fitCode } from '../../extension/chat/placeCode';
import { cleanAnswer, inlineMessages } from '../../extension/inlineEdit/inlinePrompt';
import { diffHunks } from '../../extension/review/hunks';
import { renderView, streamedProposal } from '../../extension/review/reviewView';
import { scriptedModel } from '../fixtures/models';
import { script } from '../integration/suite/fixtureScripts';
import { startHarness } from '../sidecar/harness';
import { median, table } from './stats';

const threads = Number(process.env.PYLOT_BENCH_THREADS ?? 2);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 10);
const region = '  return a;';
/**
 * StarCoder's vocabulary has the line break and the next line's indentation as one token, which is
 * not the chat prompt's last "\n": a scripted model continues from the prompt's last token, so a
 * script holding that token would start there and skip its first line.
 */
const twoLines = 'const x = a * b;\n  log(x)';
const vocabs: Record<string, string | undefined> = { 'two lines': 'starcoder' };

interface Run {
  readonly firstTokenMs: number;
  readonly firstChangeMs: number;
  readonly endMs: number;
  /** The extension-side work per delta (clean, fit, diff, render). */
  readonly pipelineMs: number;
}

const { sidecar } = startHarness({ settings: () => ({ threads }) });
const rows = [['answer', 'first token ms', 'first change ms', 'end ms', 'first change / first token', 'end / first token', 'pipeline ms per delta']];
try {
  await sidecar.ensureStarted();
  for (const [name, text] of [
    ['one line', script],
    ['two lines', twoLines],
  ] as const) {
    await sidecar.request(LoadModel, {
      role: 'chat',
      source: { kind: 'file', path: await scriptedModel(text, { name: `bench-inline-${name.replace(' ', '-')}`, vocab: vocabs[name] }) },
      contextSize: 2048,
    });
    const runs: Run[] = [];
    for (let round = 0; round <= rounds; round++) {
      const run = await once(round);
      if (round > 0) runs.push(run); // the first warms the model up
    }
    const first = median(runs.map((r) => r.firstTokenMs));
    const change = median(runs.map((r) => r.firstChangeMs));
    const end = median(runs.map((r) => r.endMs));
    rows.push([
      name,
      first.toFixed(1),
      change.toFixed(1),
      end.toFixed(1),
      `${(change / first).toFixed(2)}x`,
      `${(end / first).toFixed(2)}x`,
      median(runs.map((r) => r.pipelineMs)).toFixed(3),
    ]);
  }
  console.log(`inline edit, scripted chat models, ${rounds} rounds each, median`);
  console.log(table(rows));
} finally {
  await sidecar.dispose();
}

async function once(round: number): Promise<Run> {
  const messages = inlineMessages({
    instruction: `round ${round}: add them`,
    fileName: 'math.ts',
    language: 'TypeScript',
    before: 'function f(a, b) {',
    region,
    after: '}',
  });
  const streamId = `bench-inline-${round}`;
  const started = performance.now();
  let firstToken: number | undefined;
  let firstChange: number | undefined;
  let streamed = '';
  let pipeline = 0;
  let deltas = 0;
  const shows = (code: string) => {
    const at = performance.now();
    const proposal = streamedProposal(region, fitCode(code, { text: region, before: '', eol: '\n' }));
    const hunks = diffHunks(region, proposal);
    renderView(
      region,
      hunks,
      hunks.map(() => 'pending'),
    );
    pipeline += performance.now() - at;
    deltas++;
    return hunks.length > 0;
  };
  const off = sidecar.onNotification(GenerateDelta, (delta) => {
    if (delta.streamId !== streamId) return;
    firstToken ??= performance.now();
    streamed += delta.text;
    if (firstChange === undefined && shows(cleanAnswer(streamed, false))) firstChange = performance.now();
  });
  try {
    const result = await sidecar.request(Generate, { role: 'chat', messages, maxTokens: 64, temperature: 0, streamId });
    const end = performance.now();
    if (firstChange === undefined && diffHunks(region, fitCode(cleanAnswer(result.text, true), { text: region, before: '', eol: '\n' })).length)
      firstChange = end;
    return {
      firstTokenMs: (firstToken ?? end) - started,
      firstChangeMs: (firstChange ?? end) - started,
      endMs: end - started,
      pipelineMs: pipeline / Math.max(1, deltas),
    };
  } finally {
    off();
  }
}
