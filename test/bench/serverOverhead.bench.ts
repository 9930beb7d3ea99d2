// What Pylot adds on top of a llama-server: the same /infill completions sent through the
// extension→sidecar path (LoadModel with a llama-server profile, then model/generate with an infill) and straight to the
// server, alternating, on a ~0.5B-shaped model. Every request has a prompt of its own (same
// shape, same length) so neither side is served from a KV cache the other one filled.
import { Generate, LoadModel } from '../../protocol/sidecar';
import { startLlamaServer } from '../fixtures/llamaServer';
import { benchModel } from '../fixtures/models';
import { startHarness } from '../sidecar/harness';
import { median, percentile, table } from './stats';

const threads = Number(process.env.PYLOT_BENCH_THREADS ?? 2);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 12);
const maxTokens = 32;

const model = await benchModel();
const server = await startLlamaServer({ model, threads, contextSize: 2048 });
const { sidecar } = startHarness({ settings: () => ({ threads }) });

interface Run {
  readonly ms: number;
  readonly tokens: number;
  readonly promptTokens: number;
  readonly cachedTokens: number;
}
const direct: Run[] = [];
const pylot: Run[] = [];
const pylotEngineMs: number[] = [];

try {
  await sidecar.ensureStarted();
  await sidecar.request(LoadModel, { role: 'completion', source: { kind: 'server', api: 'llama-server', name: 'bench', baseUrl: server.url } });

  // A unique first token per request (digits are single tokens in this vocabulary, lowest first).
  let serial = 0;
  const prompt = () => {
    const id = String(serial++).padStart(4, '0').split('').reverse().join('');
    return {
      prefix: `// ${id}\nexport function compute(values: number[]): number {\n  let total = 0;\n  for (const value of values) {\n    `,
      suffix: `\n  }\n  return total;\n}\n`,
    };
  };

  await runDirect(prompt()); // warm both paths: first connections, first allocations
  await runPylot(prompt());
  direct.length = pylot.length = pylotEngineMs.length = 0;
  for (let i = 0; i < rounds; i++) {
    // Alternate which goes first so neither side always runs on a warmer machine.
    const order = i % 2 ? [runPylot, runDirect] : [runDirect, runPylot];
    for (const run of order) await run(prompt());
  }
} finally {
  await sidecar.dispose();
  await server.stop();
}

async function runDirect(p: { prefix: string; suffix: string }): Promise<void> {
  const started = performance.now();
  const response = await fetch(`${server.url}/infill`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      input_prefix: p.prefix,
      input_suffix: p.suffix,
      input_extra: [],
      stream: true,
      cache_prompt: true,
      n_predict: maxTokens,
      temperature: 0,
    }),
  });
  const body = await response.text();
  const ms = performance.now() - started;
  const last =
    body
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .at(-1) ?? 'data: {}';
  const { timings } = JSON.parse(last.slice(6)) as { timings?: { prompt_n: number; cache_n: number; predicted_n: number } };
  if (!timings) throw new Error(`llama-server's /infill stream ended without timings: ${last}`);
  direct.push({ ms, tokens: timings.predicted_n, promptTokens: timings.prompt_n, cachedTokens: timings.cache_n });
}

async function runPylot(p: { prefix: string; suffix: string }): Promise<void> {
  const started = performance.now();
  const result = await sidecar.request(Generate, { role: 'completion', infill: { prefix: p.prefix, suffix: p.suffix }, maxTokens, temperature: 0 });
  pylot.push({ ms: performance.now() - started, tokens: result.tokens, promptTokens: result.promptTokens ?? 0, cachedTokens: result.cachedTokens ?? 0 });
  pylotEngineMs.push(result.engineMs);
}

const ms = (runs: Run[]) => runs.map((run) => run.ms);
const overhead = (median(ms(pylot)) - median(ms(direct))) / median(ms(direct));
const paired = median(pylot.map((run, i) => (run.ms - direct[i]!.ms) / direct[i]!.ms));
const counts = (runs: Run[], key: keyof Run) => String(median(runs.map((run) => run[key])));
/** One path's row: time (median, p90) and the median token counts. */
const row = (label: string, runs: Run[]) => [
  label,
  median(ms(runs)).toFixed(1),
  percentile(ms(runs), 90).toFixed(1),
  counts(runs, 'tokens'),
  counts(runs, 'promptTokens'),
  counts(runs, 'cachedTokens'),
];

console.log(`\nPylot server overhead bench — llama-server, bench model, ${threads} threads, ${rounds} prompts, ${maxTokens} tokens each\n`);
console.log(
  table([
    ['measure', 'median', 'p90', 'tokens', 'prompt', 'cached'],
    row('direct /infill, ms', direct),
    row('extension→sidecar→server, ms', pylot),
    ['  of which engine (HTTP), ms', median(pylotEngineMs).toFixed(1), percentile(pylotEngineMs, 90).toFixed(1), '', '', ''],
  ]),
);
console.log(`\noverhead vs direct: ${(overhead * 100).toFixed(2)} % of the direct time (median of pairs: ${(paired * 100).toFixed(2)} %; target ≤ 5 %)`);
