// The GPU benchmark, for whoever is lent a machine with an NVIDIA GPU: one command, nothing built.
// It checks that node-llama-cpp's prebuilt CUDA backend loads, then for a 0.5B-shaped and a
// 7B-shaped Q4_K_M model (generated, zero weights: the work per token of the real ones) prints the
// prefill and decode rates measured directly, the rates Pylot measured at load, the context and GPU
// layers Pylot's memory-adaptive load chose, and through-Pylot vs direct time for the same prompts.
// Without a GPU it says so and runs the 0.5B shape on the CPU. Not a test (CI has no GPU), and not
// among the *.bench files run.ts runs: `node esbuild.mjs --tests && node out/test/bench/gpu.mjs`.
// PYLOT_GPU_SHAPES=0.5B,7B picks the shapes; PYLOT_BENCH_THREADS, PYLOT_BENCH_ROUNDS.
import { getLlama, LlamaCompletion, type Llama, type Token } from 'node-llama-cpp';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Generate, LoadModel } from '../../protocol/sidecar';
import { speedModel, speedShapes } from '../fixtures/models';
import { startHarness } from '../sidecar/harness';
import { median, table } from './stats';

const threads = Number(process.env.PYLOT_BENCH_THREADS ?? Math.min(8, os.availableParallelism()));
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 4);

async function cudaBackend(): Promise<{ llama: Llama; found: true } | { llama: Llama; found: false; why: string }> {
  try {
    const llama = await getLlama({ gpu: 'cuda', build: 'never', maxThreads: threads });
    return { llama, found: true };
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { llama: await getLlama({ gpu: false, build: 'never', maxThreads: threads }), found: false, why };
  }
}

const backend = await cudaBackend();
const gpu = backend.found;
if (backend.found) {
  const vram = await backend.llama.getVramState();
  console.log(
    `CUDA backend loaded: ${(await backend.llama.getGpuDeviceNames()).join(', ')}, ${(vram.total / 2 ** 30).toFixed(1)} GiB VRAM (${(vram.free / 2 ** 30).toFixed(1)} free)`,
  );
} else {
  console.log(`No GPU found: the CUDA backend did not load (${backend.why}). CPU-only mode: the 0.5B shape on ${threads} threads.`);
}
// The CPU-only mode only shows the script works: small enough for a busy 2-core machine.
const promptTokens = gpu ? 2048 : 256;
const maxTokens = gpu ? 64 : 8;
const decodeSteps = gpu ? 64 : 8;
const shapes = (process.env.PYLOT_GPU_SHAPES?.split(',') ?? (gpu ? ['0.5B', '7B'] : ['0.5B'])) as Array<keyof typeof speedShapes>;
const rows: string[][] = [['model', 'prefill t/s (direct)', 'decode t/s (direct)', 'Pylot measured p/d', 'context chosen', 'GPU layers', 'Pylot/direct time']];

for (const shape of shapes) {
  if (!(shape in speedShapes)) throw new Error(`unknown shape ${shape}; one of ${Object.keys(speedShapes).join(', ')}`);
  const modelPath = await speedModel(shape);
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'pylot-gpu-bench-'));
  const { sidecar } = startHarness({ settings: () => ({ threads, gpu: gpu ? 'cuda' : 'cpu' }), cacheDir });
  try {
    // Memory-adaptive: ask for the whole trained context and see what the load plan keeps.
    const info = await sidecar.request(LoadModel, {
      role: 'completion',
      source: { kind: 'file', path: modelPath },
      contextSize: speedShapes[shape].contextLength,
    });
    const pylotSpeed = Object.values(JSON.parse(readFileSync(path.join(cacheDir, 'speed.json'), 'utf8')) as Record<string, Record<string, number>>)[0]!;

    const model = await backend.llama.loadModel({ modelPath, gpuLayers: gpu ? 'max' : 0 });
    const context = await model.createContext({ contextSize: 4096, sequences: 1 });
    const sequence = context.getSequence();
    const text = (id: number) => `// request ${id}\n` + Array.from({ length: 800 }, (_, i) => `const value${i} = compute(${i} * ${id});`).join('\n');
    const tokens = model.tokenize(text(0)).slice(0, promptTokens) as Token[];
    await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(0, 8));
    await sequence.clearHistory();
    let started = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(tokens);
    const prefill = tokens.length / ((performance.now() - started) / 1000);
    started = performance.now();
    for (let i = 0; i < decodeSteps; i++) await sequence.evaluateWithoutGeneratingNewTokens([tokens[i]!]);
    const decode = decodeSteps / ((performance.now() - started) / 1000);
    await sequence.clearHistory();

    // The same raw completions, a fresh prompt each (no KV reuse on either side), alternating first.
    const completion = new LlamaCompletion({ contextSequence: sequence });
    const direct: number[] = [];
    const pylot: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const prompt = model.detokenize(model.tokenize(text(round)).slice(0, promptTokens));
      const runDirect = async () => {
        const t = performance.now();
        await completion.generateCompletion(prompt, { maxTokens, temperature: 0 });
        direct.push(performance.now() - t);
      };
      const runPylot = async () => {
        const t = performance.now();
        await sidecar.request(Generate, { role: 'completion', prompt: `${prompt} `, maxTokens, temperature: 0 });
        pylot.push(performance.now() - t);
      };
      for (const run of round % 2 ? [runPylot, runDirect] : [runDirect, runPylot]) await run();
    }
    rows.push([
      `${shape} Q4_K_M`,
      prefill.toFixed(0),
      decode.toFixed(1),
      `${pylotSpeed.prefillTokensPerSecond} / ${pylotSpeed.decodeTokensPerSecond}`,
      `${info.contextSize} of ${speedShapes[shape].contextLength}`,
      String(info.gpuLayers ?? 0),
      `${(median(pylot) / median(direct)).toFixed(3)} (${median(pylot).toFixed(0)} / ${median(direct).toFixed(0)} ms)`,
    ]);
    await context.dispose();
    await model.dispose();
  } finally {
    await sidecar.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
console.log(`\nPylot GPU bench — ${gpu ? 'CUDA' : 'CPU only'}, ${threads} threads, ${promptTokens}-token prompts, ${maxTokens} tokens, ${rounds} rounds\n`);
console.log(table(rows));
await backend.llama.dispose();
