// What the loopback OpenAI-compatible API costs over the sidecar's own IPC: the same streamed
// request through model/generate with deltas and through the official `openai` client, alternating,
// for a plain completion on a ~0.5B-shaped model (realistic speed) and for a chat turn on the
// scripted demo chat model (a real chat template; so fast that the path's own cost weighs most).
// Time to first token and tokens per second after it, side by side, as ratios. Each request has a
// prompt of its own so neither path reuses the other's KV cache.
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { ConfigureLocalApi } from '../../protocol/localApi';
import type { ParamsOf } from '../../protocol/rpc';
import { Generate, GenerateDelta, LoadModel } from '../../protocol/sidecar';
import { benchModel, demoChatModel, fimModel } from '../fixtures/models';
import { startHarness } from '../sidecar/harness';
import { median, percentile, table } from './stats';

const threads = Number(process.env.PYLOT_BENCH_THREADS ?? 2);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 8);
const maxTokens = 32;
/** PYLOT_BENCH_MODEL=tiny: a 64-wide random model for the completion case, where the path's own cost weighs most (and a loaded machine finishes). */
const tiny = process.env.PYLOT_BENCH_MODEL === 'tiny';

interface Run {
  readonly firstMs: number;
  readonly totalMs: number;
  readonly tokens: number;
}
type Case = 'completion' | 'chat';
const runs: Record<Case, { ipc: Run[]; api: Run[] }> = { completion: { ipc: [], api: [] }, chat: { ipc: [], api: [] } };

const { sidecar } = startHarness({ settings: () => ({ threads }) });
try {
  await sidecar.ensureStarted();
  await sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: tiny ? await fimModel() : await benchModel() }, contextSize: 2048 });
  await sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await demoChatModel() }, contextSize: 2048 });
  const token = randomBytes(32).toString('base64url');
  const state = await sidecar.request(ConfigureLocalApi, { enabled: true, port: 0, token, maxQueue: 4 });
  const client = new OpenAI({ baseURL: state.url, apiKey: token, maxRetries: 0 });

  let serial = 0;
  const text = () => `${String(serial++).padStart(4, '0').split('').reverse().join('')}: write a function that adds two numbers.`;

  const timed = async (stream: (onText: () => void) => Promise<number>): Promise<Run> => {
    const started = performance.now();
    let first: number | undefined;
    const tokens = await stream(() => (first ??= performance.now()));
    const end = performance.now();
    return { firstMs: (first ?? end) - started, totalMs: end - started, tokens };
  };
  const viaIpc = (params: ParamsOf<typeof Generate>) =>
    timed(async (onText) => {
      const streamId = `bench-${serial}`;
      const off = sidecar.onNotification(GenerateDelta, (delta) => delta.streamId === streamId && onText());
      try {
        return (await sidecar.request(Generate, { ...params, streamId })).tokens;
      } finally {
        off();
      }
    });
  const cases: Record<Case, { ipc: () => Promise<Run>; api: () => Promise<Run> }> = {
    completion: {
      ipc: () => viaIpc({ role: 'completion', prompt: text(), maxTokens, temperature: 0 }),
      api: () =>
        timed(async (onText) => {
          const stream = await client.completions.create({
            model: 'pylot-completion',
            prompt: text(),
            max_tokens: maxTokens,
            temperature: 0,
            stream: true,
            stream_options: { include_usage: true },
          });
          let tokens = 0;
          for await (const chunk of stream) {
            if (chunk.choices[0]?.text) onText();
            if (chunk.usage) tokens = chunk.usage.completion_tokens;
          }
          return tokens;
        }),
    },
    chat: {
      ipc: () => viaIpc({ role: 'chat', messages: [{ role: 'user', content: text() }], maxTokens: 256, temperature: 0 }),
      api: () =>
        timed(async (onText) => {
          const stream = await client.chat.completions.create({
            model: 'pylot-chat',
            messages: [{ role: 'user', content: text() }],
            max_tokens: 256,
            temperature: 0,
            stream: true,
            stream_options: { include_usage: true },
          });
          let tokens = 0;
          for await (const chunk of stream) {
            if (chunk.choices[0]?.delta.content) onText();
            if (chunk.usage) tokens = chunk.usage.completion_tokens;
          }
          return tokens;
        }),
    },
  };

  for (const kind of ['completion', 'chat'] as const) {
    await cases[kind].ipc(); // warm both paths: first allocations, the HTTP connection
    await cases[kind].api();
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first so neither side always runs on a warmer machine.
      for (const path of i % 2 ? (['api', 'ipc'] as const) : (['ipc', 'api'] as const)) runs[kind][path].push(await cases[kind][path]());
      process.stderr.write(`${kind} ${i + 1}/${rounds}\n`);
    }
  }
} finally {
  await sidecar.dispose();
}

const first = (list: Run[]) => median(list.map((run) => run.firstMs));
const total = (list: Run[]) => median(list.map((run) => run.totalMs));
// Over the whole request: IPC deltas come in 25 ms batches, so a rate "after the first token" would
// time one batch, not the generation.
const rate = (list: Run[]) => median(list.map((run) => (run.tokens * 1000) / run.totalMs));
const row = (name: string, list: Run[]) => [
  name,
  first(list).toFixed(1),
  percentile(
    list.map((run) => run.firstMs),
    90,
  ).toFixed(1),
  total(list).toFixed(1),
  rate(list).toFixed(1),
  String(median(list.map((run) => run.tokens))),
];

console.log(`\nPylot local API bench — ${threads} threads, ${rounds} requests each way per case\n`);
console.log(
  table([
    ['path', 'first token ms (median)', 'p90', 'whole request ms', 'tokens/s', 'tokens'],
    row(`completion, ${tiny ? 'tiny' : '0.5B-shaped'}: sidecar IPC`, runs.completion.ipc),
    row(`completion, ${tiny ? 'tiny' : '0.5B-shaped'}: loopback API`, runs.completion.api),
    row('chat, scripted demo model: sidecar IPC', runs.chat.ipc),
    row('chat, scripted demo model: loopback API', runs.chat.api),
  ]),
);
console.log('\nAPI ÷ IPC (target: ≤ 5 % overhead)');
for (const kind of ['completion', 'chat'] as const) {
  const { ipc, api } = runs[kind];
  console.log(
    `  ${kind}: first token ${(first(api) / first(ipc)).toFixed(3)}, whole request ${(total(api) / total(ipc)).toFixed(3)}, tokens/s ${(rate(api) / rate(ipc)).toFixed(3)}`,
  );
}
