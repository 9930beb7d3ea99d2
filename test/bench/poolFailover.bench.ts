// What a dead server costs a request: a pool of two real llama-servers whose first server was just
// killed (the pool still thinks it is up, as it does between health checks) answers from the
// second, against a single-server profile on the same dead server, which can only fail. Each round
// starts the first server again on its port, waits until both sides see it up, kills it, then sends
// the pool's request and the single server's in alternating order; a healthy pool's answer is the
// baseline. Chat requests, so the pool picks the first server (least busy, listed first) each time.
import { poolCheckIntervalMs, connectServerPool } from '../../sidecar/engine/server/serverPool';
import { connectServerEngine } from '../../sidecar/engine/server/connect';
import { startLlamaServer, type LlamaServer } from '../fixtures/llamaServer';
import { scriptedModel } from '../fixtures/models';
import { median, percentile, table } from './stats';

const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 8);
const script = 'return a + b;';
const never = new AbortController().signal;
const messages = [{ role: 'user' as const, content: 'Add a and b.' }];
const options = { maxTokens: 16, temperature: 0, signal: never };

const model = await scriptedModel(script);
let first: LlamaServer = await startLlamaServer({ model });
const second = await startLlamaServer({ model });
const port = Number(new URL(first.url).port);
const profile = (name: string, baseUrl: string) => ({ kind: 'server' as const, api: 'llama-server' as const, name, baseUrl });

const pool = await connectServerPool('chat', { kind: 'pool', servers: [profile('first', first.url), profile('second', second.url)] }, never, 4096);
// The profile as a user writes it: the default retries (2) with their backoff.
const single = await connectServerEngine('chat', profile('single', first.url), never, 4096);
// And one that gives up at once, as pool members do: the floor of any error.
const impatient = await connectServerEngine('chat', { ...profile('impatient', first.url), retries: 0 }, never, 4096);

const healthy: number[] = [];
const failover: number[] = [];
const singleError: number[] = [];
const impatientError: number[] = [];
let wrongServer = 0;

const time = async (work: () => Promise<unknown>): Promise<{ ms: number; value?: unknown; error?: unknown }> => {
  const started = performance.now();
  try {
    const value = await work();
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
};

try {
  for (let round = 0; round < rounds; round++) {
    if (round > 0) first = await startLlamaServer({ model, port });
    // The pool looks at a server marked down every poolCheckIntervalMs; wait until it uses the first again.
    for (let i = 0; i < 40 && pool.servers()[0]!.state !== 'ok'; i++) await new Promise((resolve) => setTimeout(resolve, poolCheckIntervalMs / 4));
    const warm = await time(() => pool.chat(messages, options));
    if ((warm.value as { server?: string } | undefined)?.server !== 'first') throw new Error(`round ${round}: the pool did not use the first server again`);
    healthy.push(warm.ms);
    // Their connections are open, as they are between a user's requests.
    await single.chat(messages, options);
    await impatient.chat(messages, options);
    process.kill(first.pid, 'SIGKILL');
    await first.stop();
    const order = round % 2 ? ['single', 'impatient', 'pool'] : ['pool', 'impatient', 'single'];
    for (const side of order) {
      if (side === 'pool') {
        const result = await time(() => pool.chat(messages, options));
        if (result.error) throw result.error;
        if ((result.value as { server?: string }).server !== 'second') wrongServer++;
        failover.push(result.ms);
      } else {
        const result = await time(() => (side === 'single' ? single : impatient).chat(messages, options));
        if (!result.error) throw new Error('the single server answered although it was killed');
        (side === 'single' ? singleError : impatientError).push(result.ms);
      }
    }
  }
} finally {
  await pool.dispose();
  await single.dispose();
  await impatient.dispose();
  await first.stop();
  await second.stop();
}

const row = (label: string, values: number[]) => [label, median(values).toFixed(1), percentile(values, 90).toFixed(1)];
console.log(`\nPylot pool failover bench — two llama-servers, a scripted model, ${rounds} rounds, the first server killed before each request\n`);
console.log(
  table([
    ['request', 'median ms', 'p90 ms'],
    row('pool, both servers up: answer', healthy),
    row('pool, first server dead: answer from the second', failover),
    row('single profile, server dead: error (default retries: 2)', singleError),
    row('single profile, server dead: error (retries: 0)', impatientError),
  ]),
);
console.log(
  `\nfailover answer / single server's error: ${(median(failover) / median(singleError)).toFixed(3)}× (retries: 0, ${(median(failover) / median(impatientError)).toFixed(1)}×); failover answer / healthy answer: ${(median(failover) / median(healthy)).toFixed(2)}×${wrongServer ? ` (${wrongServer} answers not from the second server!)` : ''}`,
);
