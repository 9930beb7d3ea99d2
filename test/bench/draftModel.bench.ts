// A draft model for local chat, through Pylot's own chat engine (sidecar/engine/local), side by side
// in one run (ratios; these machines are noisy). The chat model is shaped like the 0.5B bench model
// and scripted (real inference at its real cost, an answer known in advance), so a tiny scripted
// draft can agree with it: decode tokens/s without a draft, with a draft that always agrees (the
// upper bound of what a draft brings) and one that never agrees (what a useless draft costs), the
// guesses kept, and the memory the draft adds (RSS of loading it, beside loading a chat context).
// Every answer is checked against the plain one. `node out/test/bench/run.mjs draftModel`;
// PYLOT_BENCH_THREADS, PYLOT_BENCH_ROUNDS.
import { drafting } from '../../sidecar/engine/local/draftModel';
import { loadLocalEngine, type LocalEngine } from '../../sidecar/engine/local/localEngine';
import { ModelPool } from '../../sidecar/engine/local/modelPool';
import { createRuntime } from '../../sidecar/engine/runtime';
import { scriptedModel } from '../fixtures/models';
import { median, table } from './stats';

const threads = Number(process.env.PYLOT_BENCH_THREADS ?? 2);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 3);
/** Distinct tokens (a scripted model's token has one successor): 18 tokens on the code vocabulary. */
const answer = 'export async function loadUserProfile(id: string): Promise<Account | undefined> {';
const contextSize = 2048;
const MiB = 2 ** 20;

const runtime = await createRuntime({ threads, gpu: 'cpu' });
const pool = new ModelPool();
const target = await scriptedModel(answer, { name: 'draft-bench-target', benchShape: true });
const load = (draft?: string) =>
  loadLocalEngine({
    runtime,
    pool,
    role: 'chat',
    path: target,
    contextSize,
    signal: new AbortController().signal,
    onProgress: () => undefined,
    ...(draft && { draft: { kind: 'file' as const, path: draft } }),
  });
const rss = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
};

const plain = await load();
// What a chat context alone costs (the weights are shared), to set beside what a draft adds.
let before = rss();
const second = await load();
const contextBytes = rss() - before;
await second.dispose();
before = rss();
const agrees = await load(await scriptedModel(answer, { name: 'draft-bench-agrees' }));
const draftBytes = rss() - before - contextBytes;
const disagrees = await load(await scriptedModel('let other = value - 1;', { name: 'draft-bench-disagrees' }));
for (const engine of [agrees, disagrees]) if (engine.info.draftUnused) throw new Error(engine.info.draftUnused);

/**
 * Tokens/s of the whole answer (text arrives in bursts with a draft, so the first text is no clock);
 * the prompt is the same each time and stays in the KV cache, so this is decoding.
 */
async function run(engine: LocalEngine): Promise<{ rate: number; text: string; kept: number }> {
  const result = await engine.complete('Write the signature.\n', { maxTokens: 64, temperature: 0, signal: new AbortController().signal });
  const rate = result.tokens / (result.engineMs / 1000);
  return { rate, text: result.text, kept: result.predictions?.accepted ?? 0 };
}

const variants: Record<string, LocalEngine> = {
  'no draft': plain,
  // The same engine again: how far two identical runs differ on this machine right now.
  'no draft, again (the noise)': plain,
  'draft always agrees': agrees,
  'draft never agrees': disagrees,
};
const rates = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
const kept = new Map<string, number>();
const expected = (await run(plain)).text;
let mismatches = 0;
for (let round = 0; round < rounds; round++) {
  // Rotate the order: no variant always runs first on a cooler machine.
  const names = Object.keys(variants);
  for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
    const result = await run(variants[name]!);
    if (result.text !== expected) mismatches++;
    rates.get(name)!.push(result.rate);
    kept.set(name, result.kept);
  }
}
const base = median(rates.get('no draft')!);
console.log(
  `\nPylot draft-model bench — chat model 0.5B-shaped Q8_0 (scripted), draft 64-d scripted, ${threads} threads, ${contextSize}-token contexts, ` +
    `${drafting.minTokens}–${drafting.maxTokens} guesses per step, ${rounds} rounds\n`,
);
console.log(
  table([
    ['variant', 'tokens/s (median)', 'vs no draft', 'guesses kept (last run)'],
    ...[...rates].map(([name, values]) => [name, median(values).toFixed(2), (median(values) / base).toFixed(2), String(kept.get(name) ?? 0)]),
  ]),
);
console.log(
  `memory: the draft added ${(draftBytes / MiB).toFixed(1)} MiB RSS (its weights ${((agrees.info.draft?.sizeBytes ?? 0) / MiB).toFixed(1)} MiB on disk, ` +
    `and its ${contextSize}-token context); a chat context alone ${(contextBytes / MiB).toFixed(1)} MiB; the chat model ${((plain.info.sizeBytes ?? 0) / MiB).toFixed(0)} MiB on disk`,
);
console.log(`answers different from the plain run: ${mismatches} (must be 0: greedy output does not change)`);
for (const engine of [plain, agrees, disagrees]) await engine.dispose();
await runtime.llama.dispose();
process.exit(mismatches ? 1 : 0);
