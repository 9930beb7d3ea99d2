// What the loopback OpenAI-compatible API costs over the sidecar's own IPC: the same streamed chat
// request (a ~0.5B-shaped model on the chat role) through model/generate with deltas and through
// the official `openai` client, alternating. Time to first token and tokens per second after it,
// side by side, as ratios. Each request has a prompt of its own so neither reuses the other's KV cache.
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { ConfigureLocalApi } from '../../protocol/localApi';
import { Generate, GenerateDelta, LoadModel } from '../../protocol/sidecar';
import { benchModel, fimModel } from '../fixtures/models';
import { startHarness } from '../sidecar/harness';
import { median, percentile, table } from './stats';

const threads = Number(process.env.PYLOT_BENCH_THREADS ?? 2);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 10);
const maxTokens = Number(process.env.PYLOT_BENCH_TOKENS ?? 48);
/** `tiny`: a 64-wide model, where the per-token cost of the path weighs most (a worst case for the API). */
const modelKind = process.env.PYLOT_BENCH_MODEL === 'tiny' ? 'tiny' : 'bench';

interface Run {
  readonly firstMs: number;
  readonly totalMs: number;
  readonly tokens: number;
}
const ipc: Run[] = [];
const api: Run[] = [];

const { sidecar } = startHarness({ settings: () => ({ threads }) });
try {
  await sidecar.ensureStarted();
  await sidecar.request(LoadModel, {
    role: 'chat',
    source: { kind: 'file', path: modelKind === 'tiny' ? await fimModel() : await benchModel() },
    contextSize: 2048,
  });
  const token = randomBytes(32).toString('base64url');
  const state = await sidecar.request(ConfigureLocalApi, { enabled: true, port: 0, token, maxQueue: 4 });
  const client = new OpenAI({ baseURL: state.url, apiKey: token, maxRetries: 0 });

  let serial = 0;
  const prompt = () => `${String(serial++).padStart(4, '0').split('').reverse().join('')}: write a function that adds two numbers.`;

  const runIpc = async (text: string) => {
    const streamId = `bench-${serial}`;
    const started = performance.now();
    let first: number | undefined;
    const off = sidecar.onNotification(GenerateDelta, (delta) => {
      if (delta.streamId === streamId) first ??= performance.now();
    });
    try {
      const result = await sidecar.request(Generate, { role: 'chat', messages: [{ role: 'user', content: text }], maxTokens, temperature: 0, streamId });
      const end = performance.now();
      ipc.push({ firstMs: (first ?? end) - started, totalMs: end - started, tokens: result.tokens });
    } finally {
      off();
    }
  };
  const runApi = async (text: string) => {
    const started = performance.now();
    let first: number | undefined;
    let tokens = 0;
    const stream = await client.chat.completions.create({
      model: 'pylot-chat',
      messages: [{ role: 'user', content: text }],
      max_tokens: maxTokens,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) first ??= performance.now();
      if (chunk.usage) tokens = chunk.usage.completion_tokens;
    }
    const end = performance.now();
    api.push({ firstMs: (first ?? end) - started, totalMs: end - started, tokens });
  };

  await runIpc(prompt()); // warm both paths: first allocations, the HTTP connection
  await runApi(prompt());
  ipc.length = api.length = 0;
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? [runApi, runIpc] : [runIpc, runApi];
    for (const run of order) await run(prompt());
    process.stderr.write(`round ${i + 1}/${rounds}\r`);
  }
} finally {
  await sidecar.dispose();
}

const first = (runs: Run[]) => median(runs.map((run) => run.firstMs));
const rate = (runs: Run[]) => median(runs.map((run) => ((run.tokens - 1) * 1000) / Math.max(1, run.totalMs - run.firstMs)));
const row = (name: string, runs: Run[]) => [
  name,
  first(runs).toFixed(1),
  percentile(
    runs.map((run) => run.firstMs),
    90,
  ).toFixed(1),
  rate(runs).toFixed(1),
  String(median(runs.map((run) => run.tokens))),
];

console.log(`\nPylot local API bench — chat role on the ${modelKind} model, ${threads} threads, ${rounds} prompts each way, up to ${maxTokens} tokens\n`);
console.log(
  table([
    ['path', 'first token ms (median)', 'p90', 'tokens/s after it', 'tokens'],
    row('sidecar IPC (model/generate)', ipc),
    row('loopback API (openai client, SSE)', api),
  ]),
);
const firstRatio = first(api) / first(ipc);
const rateRatio = rate(api) / rate(ipc);
console.log(
  `\nAPI ÷ IPC: first token ${firstRatio.toFixed(3)} (${((firstRatio - 1) * 100).toFixed(1)} %), tokens/s ${rateRatio.toFixed(3)} (${((1 - rateRatio) * 100).toFixed(1)} % slower); target ≤ 5 % overhead`,
);
