// Three suggestions for one spot (a greedy one and two sampled alternatives), side by side in one run
// on the 0.5B-shaped bench model, locally (the sidecar's node-llama-cpp engine) and through a real
// llama-server (--parallel 3): three separate runs (each prompt evaluated anew), today's way (one
// after another on the same evaluated prompt), and one pass (the prompt evaluated once, the
// alternatives decoded together: forked sequences locally, n_cmpl on the server). Every round has a
// prompt of its own, so no way is served from a KV cache another one filled. Ratios only.
// `node out/test/bench/run.mjs alternatives`; PYLOT_BENCH_THREADS, PYLOT_BENCH_ROUNDS,
// PYLOT_BENCH_TOKENS (tokens each suggestion generates), PYLOT_BENCH_LINES (prompt ≈ 12 tokens a line),
// PYLOT_BENCH_ONLY (local or server), PYLOT_BENCH_VERBOSE (each generation's counts and time).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AlternativeOptions, Engine, GenerateOptions, Generation } from '../../sidecar/engine/engine';
import { loadLocalEngine } from '../../sidecar/engine/local/localEngine';
import { ModelPool } from '../../sidecar/engine/local/modelPool';
import { createRuntime } from '../../sidecar/engine/runtime';
import { connectServerEngine } from '../../sidecar/engine/server/connect';
import { startLlamaServer } from '../fixtures/llamaServer';
import { benchModel } from '../fixtures/models';
import { median, table } from './stats';

const threads = Number(process.env.PYLOT_BENCH_THREADS ?? 2);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 2);
const maxTokens = Number(process.env.PYLOT_BENCH_TOKENS ?? 16);
const lines = Number(process.env.PYLOT_BENCH_LINES ?? 40);
const never = new AbortController().signal;
const greedy: GenerateOptions = { maxTokens, temperature: 0, signal: never };
const more: AlternativeOptions = { count: 2, temperature: 0.6 };
const sampled: GenerateOptions = { ...greedy, temperature: more.temperature };

let serial = 0;
/** A FIM prompt that no other shares from its first line on. */
function prompt(): string {
  const id = `r${serial++}x`;
  const body = Array.from({ length: lines }, (_, i) => `  const ${id}${i} = input[${i}] * ${i};`).join('\n');
  return `<｜fim▁begin｜>// ${id}\nfunction ${id}(input: number[]) {\n${body}\n  <｜fim▁hole｜>\n}\n<｜fim▁end｜>`;
}

interface Sample {
  readonly ms: number;
  readonly promptTokens: number;
  readonly tokens: number;
}
type Way = (engine: Engine) => Promise<Generation[]>;

const ways: Record<string, Way> = {
  'three separate runs': async (engine) => [
    await engine.complete(prompt(), greedy),
    await engine.complete(prompt(), sampled),
    await engine.complete(prompt(), sampled),
  ],
  'one after another (before)': async (engine) => {
    const p = prompt();
    return [await engine.complete(p, greedy), await engine.complete(p, sampled), await engine.complete(p, sampled)];
  },
  'one pass (now)': (engine) => engine.completeAlternatives!(prompt(), greedy, more),
};

async function measure(engine: Engine): Promise<Map<string, Sample[]>> {
  const samples = new Map(Object.keys(ways).map((name) => [name, [] as Sample[]]));
  const names = Object.keys(ways);
  // A warm-up round first (first allocations, first connections), not counted.
  for (let round = -1; round < rounds; round++) {
    // Rotate the order so no way always runs on a warmer (or busier) machine.
    const shift = Math.max(0, round) % names.length;
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
      let started = performance.now();
      let generations: Generation[] | undefined;
      for (let tries = 1; !generations; tries++) {
        started = performance.now();
        // llama-server now and then refuses what random weights wrote ("does not match the expected
        // Content-only format"): that try is made again, on new prompts (ten at most).
        generations = await ways[name]!(engine).catch((error: unknown) => {
          if (tries < 10 && /does not match the expected/.test(String(error))) return undefined;
          throw error;
        });
      }
      const ms = performance.now() - started;
      if (round < 0) continue;
      if (process.env.PYLOT_BENCH_VERBOSE)
        console.log(
          `${name}: ${(ms / 1000).toFixed(2)} s — ${generations.map((g) => `${g.promptTokens} + ${g.tokens} in ${(g.engineMs / 1000).toFixed(2)} s`).join(', ')}`,
        );
      const sum = (pick: (g: Generation) => number) => generations.reduce((total, g) => total + pick(g), 0);
      samples.get(name)!.push({ ms, promptTokens: sum((g) => g.promptTokens ?? 0), tokens: sum((g) => g.tokens) });
    }
  }
  return samples;
}

function report(title: string, samples: Map<string, Sample[]>): void {
  const ms = (name: string) => median(samples.get(name)!.map((s) => s.ms));
  const rows = [['3 suggestions', 'time (median)', 'prompt tokens', 'tokens generated', 'time / one pass']];
  for (const [name, list] of samples) {
    rows.push([
      name,
      `${(ms(name) / 1000).toFixed(2)} s`,
      String(median(list.map((s) => s.promptTokens))),
      String(median(list.map((s) => s.tokens))),
      (ms(name) / ms('one pass (now)')).toFixed(2),
    ]);
  }
  console.log(`\n${title} (${rounds} rounds, ${threads} threads, ${maxTokens} tokens each, ~${lines * 12}-token prompts)\n${table(rows)}`);
  console.log(
    `one pass / three separate runs: ${(ms('one pass (now)') / ms('three separate runs')).toFixed(2)}; one pass / one after another: ${(ms('one pass (now)') / ms('one after another (before)')).toFixed(2)}`,
  );
}

const model = await benchModel();
const only = process.env.PYLOT_BENCH_ONLY; // 'local' or 'server'
if (only !== 'server') await benchLocal();
if (only !== 'local') await benchServer();

async function benchLocal(): Promise<void> {
  const runtime = await createRuntime({ threads, gpu: 'cpu' });
  const local = await loadLocalEngine({
    runtime,
    pool: new ModelPool(),
    role: 'completion',
    path: model,
    contextSize: 4096,
    signal: never,
    onProgress: () => undefined,
  });
  try {
    report('Local (node-llama-cpp, forked sequences)', await measure(local));
  } finally {
    await local.dispose();
  }

  await measureCopy();
}

async function benchServer(): Promise<void> {
  const server = await startLlamaServer({ model, threads, contextSize: 3 * 4096, args: ['--parallel', '3'] });
  try {
    const engine = await connectServerEngine('completion', { kind: 'server', api: 'llama-server', name: 'bench', baseUrl: server.url }, never, 4096);
    try {
      report('llama-server (n_cmpl)', await measure(engine));
    } finally {
      await engine.dispose();
    }
  } finally {
    await server.stop();
  }
}

/** What the local fork costs: the prompt's state written to a file and read into another sequence (node-llama-cpp directly). */
async function measureCopy(): Promise<void> {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: threads, logLevel: LlamaLogLevel.disabled });
  const loaded = await llama.loadModel({ modelPath: model });
  const context = await loaded.createContext({ contextSize: 4096, sequences: 2, threads });
  const folder = await mkdtemp(path.join(tmpdir(), 'pylot-bench-kv-'));
  try {
    const [from, to] = [context.getSequence(), context.getSequence()];
    const tokens = loaded.tokenize(prompt(), true);
    await from.evaluateWithoutGeneratingNewTokens(tokens);
    const file = path.join(folder, 'state');
    const started = performance.now();
    const { fileSize } = await from.saveStateToFile(file);
    const saved = performance.now();
    await to.loadStateFromFile(file, { acceptRisk: true });
    const loadedMs = performance.now() - saved;
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    console.log(
      `KV copy of a ${tokens.length}-token prompt: ${mb(fileSize)} MiB (${Math.round(fileSize / tokens.length)} bytes a token), ` +
        `save ${(saved - started).toFixed(0)} ms + load ${loadedMs.toFixed(0)} ms; the copy holds ${to.contextTokens.length} tokens`,
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
    await context.dispose();
    await loaded.dispose();
    await llama.dispose();
  }
}
