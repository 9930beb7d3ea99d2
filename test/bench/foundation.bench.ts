// Issue-2 numbers, measured side by side in one run (ratios; these machines are noisy):
//  1. completion through the extension→sidecar path vs the same node-llama-cpp call made directly
//     in one process, same model and prompts: overhead as a share of engine time;
//  2. sidecar RSS before a model is loaded;
//  3. extension activation time (the bundle's own cost, with a no-op `vscode`).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { getLlama, LlamaCompletion } from 'node-llama-cpp';
import { Generate, LoadModel, Ping } from '../../protocol/sidecar';
import { benchModel } from '../fixtures/models';
import { startHarness, repoRoot } from '../sidecar/harness';
import { median, percentile, table } from './stats';

const threads = Number(process.env.PYLOT_BENCH_THREADS ?? 2);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 12);
const maxTokens = 32;

const model = await benchModel();
const prompts = Array.from({ length: rounds }, (_, i) => ({
  prefix: `// file ${i}\nexport function compute${i}(values: number[]): number {\n  let total = ${i};\n  for (const value of values) {\n    `,
  suffix: `\n  }\n  return total;\n}\n`,
}));

// Direct: node-llama-cpp in this process.
const llama = await getLlama({ gpu: false, build: 'never', maxThreads: threads });
const direct = await llama.loadModel({ modelPath: model, gpuLayers: 0 });
const directContext = await direct.createContext({ contextSize: 2048, sequences: 1 });
const completion = new LlamaCompletion({ contextSequence: directContext.getSequence() });

// Through Pylot: the real sidecar process, over the extension's own supervisor and contract.
const { sidecar } = startHarness({ settings: () => ({ threads }) });
await sidecar.ensureStarted();
const idle = await sidecar.request(Ping, null);
await sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: model }, contextSize: 2048 });

const directMs: number[] = [];
const pylotMs: number[] = [];
const pylotEngineMs: number[] = [];
for (const [i, prompt] of prompts.entries()) {
  // Alternate which goes first so neither side always runs on a warmer machine.
  const runs = [runDirect, runPylot];
  if (i % 2) runs.reverse();
  for (const run of runs) await run(prompt);
}

async function runDirect(prompt: { prefix: string; suffix: string }) {
  const started = performance.now();
  await completion.generateInfillCompletion(prompt.prefix, prompt.suffix, { maxTokens, temperature: 0 });
  directMs.push(performance.now() - started);
}

async function runPylot(prompt: { prefix: string; suffix: string }) {
  const started = performance.now();
  const result = await sidecar.request(Generate, { role: 'completion', infill: { prefix: prompt.prefix, suffix: prompt.suffix }, maxTokens, temperature: 0 });
  pylotMs.push(performance.now() - started);
  pylotEngineMs.push(result.engineMs);
}

const loaded = await sidecar.request(Ping, null);
await sidecar.dispose();
await directContext.dispose();
await direct.dispose();

// Activation: evaluate the built extension and call activate() with a vscode whose every API is a no-op.
const activationMs = await measureActivation();

const overhead = (median(pylotMs) - median(directMs)) / median(directMs);
const ipcShare = median(pylotMs.map((ms, i) => (ms - pylotEngineMs[i]!) / pylotEngineMs[i]!));
console.log(`\nPylot foundation bench — ${path.basename(model)}, ${threads} threads, ${rounds} prompts, ${maxTokens} tokens each\n`);
console.log(
  table([
    ['measure', 'median', 'p90'],
    ['direct node-llama-cpp, ms', median(directMs).toFixed(1), percentile(directMs, 90).toFixed(1)],
    ['extension→sidecar, ms', median(pylotMs).toFixed(1), percentile(pylotMs, 90).toFixed(1)],
    ['  of which engine, ms', median(pylotEngineMs).toFixed(1), percentile(pylotEngineMs, 90).toFixed(1)],
  ]),
);
console.log(`\noverhead vs direct: ${(overhead * 100).toFixed(2)} % of engine time (target ≤ 5 %)`);
console.log(`IPC + validation beyond the sidecar's engine time: ${(ipcShare * 100).toFixed(2)} %`);
console.log(
  `sidecar RSS before a model: ${(idle.rssBytes / 2 ** 20).toFixed(0)} MiB (target ≤ 150 MB); with the model: ${(loaded.rssBytes / 2 ** 20).toFixed(0)} MiB`,
);
console.log(`extension activation: ${activationMs.toFixed(1)} ms (target ≤ 50 ms)`);

async function measureActivation(): Promise<number> {
  const require = createRequire(import.meta.url);
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = Module._load;
  const noop: object = new Proxy(function () {}, {
    get: (_, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : noop),
    set: () => true,
    apply: () => noop,
    construct: () => noop,
  });
  // The bundle copies the module's own keys (CommonJS interop), so list the API's top-level names.
  const typings = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  const names = [...typings.matchAll(/^\s+export (?:namespace|class|enum|const|function) (\w+)/gm)].map((m) => m[1]!);
  const api = Object.fromEntries(names.map((name) => [name, noop]));
  Module._load = (request, ...rest) => (request === 'vscode' ? api : original(request, ...rest));
  try {
    const started = performance.now();
    const extension = require(path.join(repoRoot, 'dist/extension.js')) as { activate(context: unknown): unknown };
    const context = {
      subscriptions: [],
      asAbsolutePath: (p: string) => path.join(repoRoot, p),
      extension: { packageJSON: { version: '0' } },
      extensionUri: noop,
      globalState: { get: () => true },
    };
    extension.activate(context);
    return performance.now() - started;
  } finally {
    Module._load = original;
  }
}
