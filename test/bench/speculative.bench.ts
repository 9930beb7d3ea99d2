// Speculative decoding on the 0.5B-shaped bench model, side by side in one run (ratios; these
// machines are noisy): decode tokens/s of the same greedy generation without a predictor, with a
// predictor switched off (what every chat-role sequence carries), with scripted drafts that always
// agree with the model (the upper bound) and never agree (the overhead), one that agrees on 90 % of
// its guesses, and node-llama-cpp's InputLookupTokenPredictor looking up an input that holds 90 %
// of the answer (a refactor that copies most of its code); then the scripted drafts again behind Pylot's
// chat predictor (promptLookup.ts with its speculation gate). Each output is checked against the plain one.
// `node out/test/bench/run.mjs speculative`; PYLOT_BENCH_THREADS, PYLOT_BENCH_ROUNDS, PYLOT_BENCH_TOKENS.
import * as lib from 'node-llama-cpp';
import { getLlama, InputLookupTokenPredictor, LlamaCompletion, TokenPredictor, type Token } from 'node-llama-cpp';
import { switchablePromptLookup } from '../../sidecar/engine/local/promptLookup';
import { benchModel } from '../fixtures/models';
import { median, table } from './stats';

const threads = Number(process.env.PYLOT_BENCH_THREADS ?? 2);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 3);
const tokens = Number(process.env.PYLOT_BENCH_TOKENS ?? 24);
/** Tokens a draft guesses per step (node-llama-cpp's InputLookupTokenPredictor's default too). */
const guesses = 3;

/** Guesses the plain run's next tokens from where the state is; `wrong(i)` says which answer-token guesses it spoils. */
class ScriptedDraft extends TokenPredictor {
  private state: Token[] = [];
  constructor(
    private readonly promptLength: number,
    private readonly answer: readonly Token[],
    private readonly wrong: (index: number) => boolean,
    private readonly silent = false,
  ) {
    super();
  }
  reset({ stateTokens }: { stateTokens: Token[] }) {
    this.state = stateTokens.slice();
  }
  pushTokens(pushed: Token[]) {
    this.state.push(...pushed);
  }
  predictTokens(): Token[] {
    if (this.silent) return [];
    const at = this.state.length - this.promptLength;
    return this.answer.slice(at, at + guesses).map((token, i) => (this.wrong(at + i) ? (((token + 1) % 32_000) as Token) : token));
  }
}

/** Prompt lookup whose input is the prompt and a copy of the answer with every 10th token changed. */
class LookupIn90PercentCopy extends InputLookupTokenPredictor {
  constructor(private readonly input: readonly Token[]) {
    super();
  }
  override updateInputTokens() {
    super.updateInputTokens(this.input.slice());
  }
  override reset(params: { stateTokens: Token[] }) {
    super.reset(params);
    super.updateInputTokens(this.input.slice());
  }
}

const llama = await getLlama({ gpu: false, build: 'never', maxThreads: threads });
const model = await llama.loadModel({ modelPath: await benchModel() });
const prompt = model.tokenize(
  '// Rename `total` to `sum` in this function and return the whole function.\nfunction add(values: number[]) {\n  let total = 0;\n',
);

/** Decode rate (tokens after the first / the time after the first) and the generated tokens. */
async function run(predictor?: TokenPredictor): Promise<{ rate: number; out: Token[]; kept: number }> {
  const context = await model.createContext({ contextSize: 512, sequences: 1, threads });
  try {
    const sequence = context.getSequence(predictor ? { tokenPredictor: predictor } : undefined);
    const completion = new LlamaCompletion({ contextSequence: sequence });
    const out: Token[] = [];
    const times: number[] = [];
    await completion.generateCompletion(prompt, {
      maxTokens: tokens,
      temperature: 0,
      onToken: (chunk) => {
        for (const token of chunk) {
          out.push(token);
          times.push(performance.now());
        }
      },
    });
    const rate = (out.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
    return { rate, out, kept: sequence.tokenPredictions.used };
  } finally {
    await context.dispose();
  }
}

const plainRun = await run();
const answer = plainRun.out;
const copy = [...prompt, ...answer.map((token, i) => (i % 10 === 9 ? (((token + 7) % 32_000) as Token) : token))];
const variants: Record<string, () => TokenPredictor | undefined> = {
  'no predictor': () => undefined,
  'predictor switched off': () => new ScriptedDraft(prompt.length, answer, () => false, true),
  'draft always agrees': () => new ScriptedDraft(prompt.length, answer, () => false),
  'draft never agrees': () => new ScriptedDraft(prompt.length, answer, () => true),
  'draft agrees on 90 %': () => new ScriptedDraft(prompt.length, answer, (i) => i % 10 === 9),
  'prompt lookup, 90 % copy': () => new LookupIn90PercentCopy(copy),
  // The same drafts behind Pylot's chat predictor, whose gate stops asking one the model keeps refusing.
  'gated: draft always agrees': () => switchablePromptLookup(lib, new ScriptedDraft(prompt.length, answer, () => false)),
  'gated: draft never agrees': () => switchablePromptLookup(lib, new ScriptedDraft(prompt.length, answer, () => true)),
  'gated: draft agrees on 90 %': () => switchablePromptLookup(lib, new ScriptedDraft(prompt.length, answer, (i) => i % 10 === 9)),
};
const rates = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
const kept = new Map<string, number>();
let mismatches = 0;
for (let round = 0; round < rounds; round++) {
  // Rotate the order: no variant always runs first on a cooler machine.
  const names = Object.keys(variants);
  for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
    const result = await run(variants[name]!());
    if (result.out.join() !== answer.join()) mismatches++;
    rates.get(name)!.push(result.rate);
    kept.set(name, result.kept);
  }
}
const base = median(rates.get('no predictor')!);
console.log(
  `\nPylot speculative-decoding bench — 0.5B-shaped Q8_0, ${threads} threads, ${tokens} greedy tokens, ${guesses} guesses per step, ${rounds} rounds\n`,
);
console.log(
  table([
    ['variant', 'decode tokens/s (median)', 'vs no predictor', 'guesses kept (last run)'],
    ...[...rates].map(([name, values]) => [name, median(values).toFixed(2), (median(values) / base).toFixed(2), String(kept.get(name) ?? 0)]),
  ]),
);
console.log(`outputs different from the plain run: ${mismatches} (must be 0: greedy output does not change)`);
await model.dispose();
process.exit(mismatches ? 1 : 0);
