// A role served by a pool of real llama-servers on loopback, plus one server that accepts
// connections and never answers: the load does not wait for the silent one, completions stay on one
// server while the user types (its KV cache), a server killed mid-typing costs no completion (the
// same request is answered by another), chat fails over the same way, the least busy server gets
// the next request, a server that comes back is used again, and a pool with nobody answering says
// so for each server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '../../protocol/rpc';
import {
  DidChangeDocument,
  DidOpenDocument,
  Generate,
  GenerateDelta,
  InlineCompletion,
  LoadModel,
  ModelHealth,
  type ModelSource,
} from '../../protocol/sidecar';
import type { GenerateOptions } from '../../sidecar/engine/engine';
import { connectServerPool } from '../../sidecar/engine/server/serverPool';
import { startLlamaServer, type LlamaServer } from '../fixtures/llamaServer';
import { freePort } from '../rig/ports';
import { scriptedModel } from '../fixtures/models';
import { openTypingDocument, rejectsWithCode, startHarness, waitForExit, type Harness } from './harness';
import { silentServer, type Fake } from './serverEngineFakes';

const script = 'return a + b;';
const uri = 'file:///work/pool.ts';
type Server = Extract<ModelSource, { kind: 'server' }>;
type Pool = Extract<ModelSource, { kind: 'pool' }>;

const never = new AbortController().signal;
const greedy = (extra: Partial<GenerateOptions> = {}): GenerateOptions => ({ maxTokens: 32, temperature: 0, signal: never, ...extra });
const profile = (name: string, baseUrl: string): Server => ({ kind: 'server', api: 'llama-server', name, baseUrl });

const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

let model: string;
const servers = new Map<string, LlamaServer>();
let silent: Fake;

/** Starts (or starts again, on the port it had) the llama-server called `name`. */
async function start(name: string, port?: number): Promise<LlamaServer> {
  const server = await startLlamaServer({ model, port });
  servers.set(name, server);
  cleanups.push(() => server.stop());
  return server;
}

/** Kills the server the way a crash or a pulled cable does: no goodbye. */
async function kill(name: string): Promise<void> {
  const server = servers.get(name)!;
  process.kill(server.pid, 'SIGKILL');
  await waitForExit(server.pid);
}

before(async () => {
  model = await scriptedModel(script);
  // One at a time: each loads a model on a machine with two cores.
  await start('a');
  await start('b');
  silent = await silentServer();
  cleanups.push(() => silent.close());
});

describe('a pool of servers in the real sidecar', () => {
  let harness: Harness;
  let version = 1;
  const notify = async (def: typeof DidOpenDocument | typeof DidChangeDocument, params: object) => {
    const session = await harness.sidecar.ensureStarted();
    await session.rpc.sendNotification(def.method, params);
  };
  let typed = '';
  /** Types one more character on line 1 and asks for the completion there, as the editor does. */
  const typeAndComplete = async (char: string) => {
    await notify(DidChangeDocument, {
      uri,
      version: ++version,
      changes: [{ range: { start: { line: 1, character: 2 + typed.length }, end: { line: 1, character: 2 + typed.length } }, text: char }],
    });
    typed += char;
    return harness.sidecar.request(InlineCompletion, { uri, version, position: { line: 1, character: 2 + typed.length } });
  };
  const health = (role: 'completion' | 'chat') => harness.sidecar.request(ModelHealth, { role });
  /** Asks for the role's health until `name` is in `state` (the pool looks at servers marked down every 2 s). */
  const until = async (role: 'completion' | 'chat', name: string, state: 'ok' | 'down') => {
    for (let i = 0; i < 60; i++) {
      const seen = await health(role);
      if (seen.servers?.find((server) => server.name === name)?.state === state) return seen;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.fail(`${name} never became ${state}: ${JSON.stringify((await health(role)).servers)}`);
  };
  let completionPool: Pool;

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    cleanups.push(() => harness.sidecar.dispose());
    completionPool = { kind: 'pool', servers: [profile('a', servers.get('a')!.url), profile('silent', silent.url), profile('b', servers.get('b')!.url)] };
    await openTypingDocument(harness, uri, version);
  });

  it('loads once one server answers, without waiting for the one that never does', async () => {
    const info = await harness.sidecar.request(LoadModel, { role: 'completion', source: completionPool });
    assert.equal(info.engine, 'llama-server');
    assert.equal(info.fim, true);
    assert.match(info.key, /^pool:llama-server:a@.*,llama-server:silent@.*,llama-server:b@/);
    assert.match(info.location, /^a \(http:\/\/127\.0\.0\.1:\d+\), silent \(.*\), b \(.*\)$/);
    const seen = await until('completion', 'b', 'ok');
    assert.equal(seen.state, 'ok');
    assert.deepEqual(
      seen.servers?.map((server) => [server.name, server.state]),
      [
        ['a', 'ok'],
        ['silent', 'down'],
        ['b', 'ok'],
      ],
    );
  });

  it('keeps completions on one server while the user types, so its KV cache is reused', async () => {
    const first = await typeAndComplete('c');
    assert.deepEqual(first.items, [script]);
    assert.equal(first.server, 'a', 'a quiet pool starts on the server listed first');
    for (const char of 'ons') {
      const result = await typeAndComplete(char);
      assert.equal(result.server, 'a');
      assert.equal(result.anchored, true);
      assert.ok(result.cachedTokens! > 100, `the server reused its cache (${result.cachedTokens} tokens)`);
    }
  });

  it('answers the next completion from another server when the one in use is killed mid-typing', async () => {
    await kill('a');
    const result = await typeAndComplete('t');
    assert.deepEqual(result.items, [script], 'the same request was answered: the user loses no suggestion');
    assert.equal(result.server, 'b');
    assert.equal(result.stopReason, 'eos', 'whole, within the time the request allows');
    const next = await typeAndComplete(' ');
    assert.equal(next.server, 'b', 'completions now stay on b');
    assert.ok(next.cachedTokens! > 100, `b keeps the prompt in its cache from the first answer on (${next.cachedTokens} tokens)`);
    const seen = await health('completion');
    assert.equal(seen.state, 'ok');
    const a = seen.servers?.find((server) => server.name === 'a');
    assert.equal(a?.state, 'down');
    assert.match(a?.reason ?? '', /connection refused|closed the connection/);
  });

  it('uses a server again once it answers again', async () => {
    await start('a', Number(new URL(completionPool.servers[0]!.baseUrl).port));
    await until('completion', 'a', 'ok');
    // b still answers, so completions stay there; when b goes, the server that came back takes over.
    await kill('b');
    const result = await typeAndComplete('=');
    assert.deepEqual(result.items, [script]);
    assert.equal(result.server, 'a');
  });

  it('fails a chat over to another server within the same request, streaming only the answer that came', async () => {
    await start('b');
    const chatPool: Pool = { kind: 'pool', servers: [profile('b', servers.get('b')!.url), profile('a', servers.get('a')!.url)] };
    await harness.sidecar.request(LoadModel, { role: 'chat', source: chatPool });
    await until('chat', 'a', 'ok');
    const warm = await harness.sidecar.request(Generate, { role: 'chat', messages: [{ role: 'user', content: 'Add a and b.' }] });
    assert.equal(warm.server, 'b', 'b is listed first');
    await kill('b');
    const deltas: string[] = [];
    harness.sidecar.onNotification(GenerateDelta, (delta) => delta.streamId === 'pool-chat' && deltas.push(delta.text));
    const result = await harness.sidecar.request(Generate, { role: 'chat', messages: [{ role: 'user', content: 'Add a and b.' }], streamId: 'pool-chat' });
    assert.equal(result.text, script);
    assert.equal(result.server, 'a');
    assert.equal(deltas.join(''), script, 'the failed attempt streamed nothing, so nothing is shown twice');
  });

  it('says, for each server, why none answers when the whole pool is down', async () => {
    await kill('a');
    const error = await rejectsWithCode(
      harness.sidecar.request(Generate, { role: 'chat', messages: [{ role: 'user', content: 'Hi.' }] }),
      ErrorCodes.EngineFailed,
    );
    assert.match(error.message, /^None of the servers of the pool "b", "a" is answering \(b: .+; a: .+\)\.$/);
    assert.equal((await health('chat')).state, 'down');
    assert.equal(harness.sidecar.status.status, 'ready', 'the sidecar is still there');
  });
});

describe('a pool in process', () => {
  it('sends each request to the least busy server', async () => {
    const a = await start('quiet-a');
    const b = await start('quiet-b');
    const pool = await connectServerPool('chat', { kind: 'pool', servers: [profile('qa', a.url), profile('qb', b.url)] }, never, 4096);
    cleanups.push(() => pool.dispose());
    for (let i = 0; i < 40 && pool.servers().some((server) => server.state !== 'ok'); i++) await pool.health(never);
    const messages = [{ role: 'user' as const, content: 'Add a and b.' }];
    const both = await Promise.all([pool.chat(messages, greedy()), pool.chat(messages, greedy())]);
    assert.deepEqual(both.map((generation) => [generation.server, generation.text]).sort(), [
      ['qa', script],
      ['qb', script],
    ]);
    assert.equal((await pool.chat(messages, greedy())).server, 'qa', 'with both idle, the server listed first');
  });

  it('refuses to load, naming each server and its reason, when none can be reached', async () => {
    const [one, two] = [`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`];
    const error = await rejectsWithCode(
      connectServerPool('completion', { kind: 'pool', servers: [profile('one', one), profile('two', two)] }, never, 4096),
      ErrorCodes.ModelLoadFailed,
    );
    assert.match(error.message, /^None of the servers of the pool "one", "two" is answering \(one: .*connection refused.*; two: .*connection refused.*\)\.$/);
  });

  it('stops connecting when the load is cancelled', async () => {
    const controller = new AbortController();
    const loading = connectServerPool('completion', { kind: 'pool', servers: [profile('s1', silent.url), profile('s2', silent.url)] }, controller.signal, 4096);
    controller.abort();
    await rejectsWithCode(loading, ErrorCodes.Cancelled);
  });
});
