// The server engines against a real llama-server (built from node-llama-cpp's llama.cpp bundle) on
// generated models: exact text from a scripted model, streaming, KV-cache reuse, abort, API keys,
// embeddings, the OpenAI-compatible engine on llama-server's own /v1 routes, and the real sidecar
// loading a server profile. Misbehaving servers (down, silent, garbage, cut off, loading) are tiny
// servers of our own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '../../protocol/rpc';
import { Generate, GenerateDelta, LoadModel, type ModelSource } from '../../protocol/sidecar';
import type { Engine, GenerateOptions } from '../../sidecar/engine/engine';
import { connectServerEngine } from '../../sidecar/engine/server/connect';
import type { LlamaServerEngine } from '../../sidecar/engine/server/llamaServer';
import { PartialGenerationError } from '../../sidecar/engine/server/streaming';
import { startLlamaServer, type LlamaServer } from '../fixtures/llamaServer';
import { freePort } from '../rig/ports';
import { embeddingModel, fimModel, scriptedModel } from '../fixtures/models';
import { rejectsWithCode, startHarness, type Harness } from './harness';
import { fakeServer, fullBacklogServer, json, llamaRoutes, notHttpServer, silentServer, sse, type Fake, type Route } from './serverEngineFakes';

const script = 'return a + b;';
const apiKey = 'pylot-test-key-4c1f9e';
type Server = Extract<ModelSource, { kind: 'server' }>;

const never = new AbortController().signal;
const greedy = (extra: Partial<GenerateOptions> = {}): GenerateOptions => ({ maxTokens: 32, temperature: 0, signal: never, ...extra });

// Every engine and server a test starts is closed when the file ends, even when a test fails.
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function connect(source: Partial<Server> & Pick<Server, 'baseUrl'>, role: 'completion' | 'chat' | 'embeddings' = 'completion'): Promise<Engine> {
  const engine = await connectServerEngine(role, { kind: 'server', api: 'llama-server', name: 'test', ...source }, never, 4096);
  cleanups.push(() => engine.dispose());
  return engine;
}

async function start(options: Parameters<typeof startLlamaServer>[0]): Promise<LlamaServer> {
  const server = await startLlamaServer(options);
  cleanups.push(() => server.stop());
  return server;
}

async function fake(routes: Record<string, Route>): Promise<Fake> {
  const server = await fakeServer(routes);
  cleanups.push(() => server.close());
  return server;
}

function cosine(a: number[], b: number[]): number {
  const dot = (x: number[], y: number[]) => x.reduce((sum, value, i) => sum + value * y[i]!, 0);
  return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
}

async function failure(promise: Promise<unknown>, code: number): Promise<Error & { code: number }> {
  const started = performance.now();
  const error = await rejectsWithCode(promise, code);
  assert.doesNotMatch(error.message, new RegExp(apiKey), 'the API key must never appear in a message');
  assert.ok(performance.now() - started < 15_000, 'failures are time-boxed');
  return error;
}

let scripted: LlamaServer; // the scripted FIM model, behind an API key
let random: LlamaServer; // random weights: long generations to abort
let embedder: LlamaServer; // --embeddings with a BERT model

before(async () => {
  const [scriptedPath, fimPath, embeddingPath] = await Promise.all([scriptedModel(script), fimModel(), embeddingModel()]);
  // One at a time: each loads a model on a machine with two cores.
  scripted = await start({ model: scriptedPath, apiKey });
  random = await start({ model: fimPath });
  embedder = await start({ model: embeddingPath, args: ['--embeddings'], contextSize: 512 });
});

describe('llama-server engine', () => {
  let engine: LlamaServerEngine;
  before(async () => {
    engine = (await connect({ baseUrl: scripted.url, apiKey })) as LlamaServerEngine;
  });

  it('reads what the server can do from /props and its refusals', () => {
    assert.equal(engine.info.engine, 'llama-server');
    assert.equal(engine.info.contextSize, 2048);
    assert.equal(engine.info.trainContextSize, 4096);
    assert.equal(engine.info.quantization, 'F16');
    assert.match(engine.info.name, /^scripted-.*\.gguf$/);
    assert.equal(engine.info.location, scripted.url);
    assert.deepEqual(engine.capabilities, { infill: true, chat: true, tools: false, embeddings: false, grammar: true });
  });

  it('fills in the middle with /infill: exactly the script, with input_extra', async () => {
    const result = await engine.infill(
      { prefix: 'function add(a, b) {\n  ', suffix: '\n}\n', extra: [{ filename: 'util.ts', text: 'export const one = 1;\n' }] },
      greedy(),
    );
    assert.equal(result.text, script);
    assert.equal(result.stopReason, 'eos');
    assert.ok(result.tokens >= 5);
    assert.ok(result.promptTokens! > 0);
  });

  it('streams deltas that add up to the final text', async () => {
    const deltas: string[] = [];
    const result = await engine.infill({ prefix: 'x = ', suffix: '' }, greedy({ onText: (text) => deltas.push(text) }));
    assert.ok(deltas.length >= 5, `one delta per token, got ${deltas.length}`);
    assert.equal(deltas.join(''), script);
    assert.equal(result.text, script);
  });

  it('completes a raw prompt with /completion, FIM tokens parsed by the server', async () => {
    const result = await engine.complete('<｜fim▁begin｜>let s = <｜fim▁hole｜>;<｜fim▁end｜>', greedy());
    assert.equal(result.text, script);
  });

  it('stops at maxTokens and says so', async () => {
    const result = await engine.infill({ prefix: 'x = ', suffix: '' }, greedy({ maxTokens: 2 }));
    assert.equal(result.stopReason, 'maxTokens');
    assert.equal(result.text, 'return a');
  });

  it('reuses the KV cache for a long shared prefix', async () => {
    const prefix = Array.from({ length: 60 }, (_, i) => `const value${i} = compute(${i});\n`).join('');
    await engine.infill({ prefix: `${prefix}let first = `, suffix: '\n' }, greedy());
    const second = await engine.infill({ prefix: `${prefix}let second = `, suffix: '\n' }, greedy());
    assert.ok(second.cachedTokens! > 300, `cached ${second.cachedTokens} of the shared prefix`);
    assert.ok(second.promptTokens! < second.cachedTokens!);
  });

  it('chats through /v1/chat/completions', async () => {
    const deltas: string[] = [];
    const result = await engine.chat([{ role: 'user', content: 'Add a and b.' }], greedy({ onText: (text) => deltas.push(text) }));
    assert.equal(result.text, script);
    assert.equal(deltas.join(''), script);
    assert.equal(result.stopReason, 'eos');
  });

  it("sends jsonSchema as the server's json_schema", async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
    const result = await engine.complete('x = ', greedy({ jsonSchema: schema, maxTokens: 8 }));
    // Unconstrained, this model says `return`; the grammar allows only JSON.
    assert.match(result.text, /^\s*\{/);
  });

  it('tokenizes with /tokenize, special-token text as text', async () => {
    assert.equal((await engine.tokenize(script, never)).length, 5);
    assert.ok((await engine.tokenize('<｜fim▁begin｜>', never)).length > 1);
  });

  it('reuses a kept-alive connection after it sat idle longer than the read timeout', async () => {
    const quick = await connect({ baseUrl: scripted.url, apiKey, readTimeoutMs: 200 });
    assert.equal((await quick.infill({ prefix: 'x = ', suffix: '' }, greedy())).text, script);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal((await quick.infill({ prefix: 'y = ', suffix: '' }, greedy())).text, script);
  });

  it('survives llama-server hanging up after every stream, with no retries to spare', async () => {
    // It offers keep-alive, then closes the connection after each streamed answer; a request sent
    // on such a connection must not fail (or wait out a backoff).
    const strict = { baseUrl: scripted.url, apiKey, retries: 0 };
    const engines = [await connect(strict), await connect({ ...strict, api: 'openai-compatible' })];
    for (const next of engines) {
      for (let i = 0; i < 4; i++) assert.equal((await next.complete(`x${i} = `, greedy())).text, script);
    }
  });

  it('reports health from /health', async () => {
    assert.equal(await engine.health(never), 'ok');
  });

  it('refuses embeddings: this server was not started with --embeddings', async () => {
    await failure(engine.embed(['x'], never), ErrorCodes.Unsupported);
    const error = await failure(connect({ baseUrl: scripted.url, apiKey }, 'embeddings'), ErrorCodes.Unsupported);
    assert.match(error.message, /does not serve embeddings\. Restart it with --embeddings/);
  });
});

describe('llama-server engine: abort', () => {
  it('aborts mid-stream: the text so far, stopReason aborted, and the server stops generating', async () => {
    const engine = (await connect({ baseUrl: random.url })) as LlamaServerEngine;
    let controller = new AbortController();
    let deltas: string[] = [];
    const onText = (text: string) => {
      deltas.push(text);
      if (deltas.length === 3) controller.abort();
    };
    // Random weights sampled at temperature 1 practically never emit EOS: a long generation. Now and
    // then llama-server itself refuses what they wrote ("does not match the expected Content-only
    // format") before the abort; that is the server judging random text, not the abort under test,
    // so such a try is made again (three at most).
    const generate = () => engine.infill({ prefix: 'let s = "', suffix: '";' }, { maxTokens: 1024, temperature: 1, signal: controller.signal, onText });
    let result: Awaited<ReturnType<typeof generate>> | undefined;
    for (let attempt = 1; !result; attempt++) {
      controller = new AbortController();
      deltas = [];
      result = await generate().catch((error: unknown) => {
        if (attempt < 3 && /does not match the expected/.test(String(error))) return undefined;
        throw error;
      });
    }
    assert.equal(result.stopReason, 'aborted');
    assert.equal(result.text, deltas.join(''));
    assert.ok(result.tokens < 1024);
    // The closed connection stopped the slot: it goes idle long before 1024 tokens could be made.
    let busy = true;
    for (let i = 0; i < 40 && busy; i++) {
      const slots = (await (await fetch(`${random.url}/slots`)).json()) as Array<{ is_processing: boolean }>;
      busy = slots.some((slot) => slot.is_processing);
      if (busy) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(busy, false);
    // And the engine carries on.
    assert.ok((await engine.infill({ prefix: 'a', suffix: 'b' }, { maxTokens: 4, temperature: 1, signal: never })).tokens <= 4);
  });

  it('returns at once, empty, when aborted before the request', async () => {
    const engine = await connect({ baseUrl: random.url });
    const result = await engine.infill({ prefix: '', suffix: '' }, { signal: AbortSignal.abort() });
    assert.deepEqual([result.text, result.stopReason], ['', 'aborted']);
  });
});

describe('llama-server engine: embeddings server', () => {
  it('connects for embeddings and embeds a batch in order', async () => {
    const engine = await connect({ baseUrl: embedder.url }, 'embeddings');
    assert.deepEqual(engine.capabilities, { infill: false, chat: false, tools: false, embeddings: true, grammar: false });
    const [hello, world, again] = await engine.embed(['hello', 'world', 'hello'], never);
    assert.equal(hello!.length, 64);
    assert.ok(hello!.every(Number.isFinite));
    // A batch is not bit-for-bit order-independent; the same text is still the same direction.
    assert.ok(cosine(hello!, again!) > 0.9999);
    assert.ok(cosine(hello!, world!) < 0.99);
  });

  it('refuses to serve completions from an --embeddings server', async () => {
    const error = await failure(connect({ baseUrl: embedder.url }), ErrorCodes.Unsupported);
    assert.match(error.message, /started with --embeddings, so it serves embeddings only/);
  });
});

describe('llama-server engine: API keys', () => {
  it('names the profile, not the key, when the key is wrong', async () => {
    const error = await failure(connect({ name: 'work gpu', baseUrl: scripted.url, apiKey: `${apiKey}-wrong` }), ErrorCodes.AuthFailed);
    assert.match(error.message, /^llama-server "work gpu" at http:\/\/127\.0\.0\.1:\d+ rejected the API key \(401\)\. Set the right key for "work gpu"/);
    assert.ok(!error.message.includes('wrong'));
  });

  it('says a key is needed when none was set', async () => {
    const error = await failure(connect({ baseUrl: scripted.url }), ErrorCodes.AuthFailed);
    assert.match(error.message, /requires an API key \(401\)/);
  });

  it('keeps the key out of messages even when a server echoes it', async () => {
    const echo = await fake({ 'GET /props': (req, res) => json(res, 500, { error: { message: `bad header ${req.headers.authorization}` } }) });
    const error = await failure(connect({ baseUrl: echo.url, apiKey }), ErrorCodes.ModelLoadFailed);
    assert.match(error.message, /answered 500 to GET \/props: bad header Bearer \*\*\*/);
  });
});

describe('llama-server engine: failures', () => {
  it('says a server that is down cannot be reached, after its retries', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const started = performance.now();
    const error = await failure(connect({ name: 'laptop', baseUrl: url, retries: 2 }), ErrorCodes.ModelLoadFailed);
    assert.equal(error.message, `Cannot reach llama-server "laptop" at ${url}: connection refused (3 attempts). Is it running?`);
    // Backoff 250 + 500 ms between the three attempts.
    assert.ok(performance.now() - started >= 700);
  });

  it('times out a connection that never completes, after its retries', async () => {
    const stuck = await fullBacklogServer();
    cleanups.push(() => stuck.close());
    const started = performance.now();
    const error = await failure(connect({ baseUrl: stuck.url, connectTimeoutMs: 200, retries: 1 }), ErrorCodes.ModelLoadFailed);
    assert.equal(
      error.message,
      `Cannot reach llama-server "test" at ${stuck.url}: no connection within 200 ms (2 attempts). Is it running, and is the address right?`,
    );
    assert.ok(performance.now() - started < 2000);
  });

  it('times out a server that accepts and never answers, without retrying', async () => {
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const started = performance.now();
    const error = await failure(connect({ baseUrl: silent.url, readTimeoutMs: 300 }), ErrorCodes.ModelLoadFailed);
    assert.match(error.message, /did not answer GET \/props within 300 ms\. .* raise readTimeoutMs/);
    assert.ok(performance.now() - started < 2000);
  });

  it('refuses answers that are not JSON, not the right shape, or not HTTP', async () => {
    const html = await fake({ 'GET /props': (_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Welcome to nginx!</html>') });
    let error = await failure(connect({ baseUrl: html.url }), ErrorCodes.ModelLoadFailed);
    assert.match(
      error.message,
      /sent an answer Pylot cannot read \(GET \/props: not JSON: "<html>Welcome to nginx!<\/html>"\)\. Check that baseUrl points at a llama-server/,
    );

    const shape = await fake({ 'GET /props': (_, res) => json(res, 200, { default_generation_settings: { n_ctx: 'big' } }) });
    error = await failure(connect({ baseUrl: shape.url }), ErrorCodes.ModelLoadFailed);
    assert.match(error.message, /GET \/props: unexpected JSON — default_generation_settings\.n_ctx: /);

    const raw = await notHttpServer('SSH-2.0-OpenSSH_9.2\r\n');
    cleanups.push(() => raw.close());
    error = await failure(connect({ baseUrl: raw.url }), ErrorCodes.ModelLoadFailed);
    assert.match(error.message, /did not answer in HTTP \(HPE_\w+\)\. Is baseUrl the right port\?/);

    error = await failure(connect({ baseUrl: 'localhost:8080' }), ErrorCodes.ModelLoadFailed);
    assert.match(error.message, /is not an http\(s\) URL: "localhost:8080"/);
  });

  it('retries while the server is loading (503), then connects', async () => {
    let loading = 2;
    const server = await fake(
      llamaRoutes({
        'GET /props': (_, res) =>
          loading-- > 0 ? json(res, 503, { error: { code: 503, message: 'Loading model' } }) : json(res, 200, { default_generation_settings: { n_ctx: 1024 } }),
      }),
    );
    const engine = await connect({ baseUrl: server.url, retries: 2 });
    assert.equal(engine.info.contextSize, 1024);
    assert.equal(server.requests.filter((r) => r === 'GET /props').length, 3);
  });

  it('gives up on a server that stays loading, and says so', async () => {
    const server = await fake({ 'GET /props': (_, res) => json(res, 503, { error: { message: 'Loading model' } }) });
    const error = await failure(connect({ baseUrl: server.url, retries: 1 }), ErrorCodes.ModelLoadFailed);
    assert.match(error.message, /is still loading its model \(503, 2 attempts\)\. Try again when it is ready\./);
  });

  /** A llama-server whose /infill streams `events` and then ends as `end` says. */
  const streaming = (events: unknown[], end: (res: import('node:http').ServerResponse) => void) =>
    fake(
      llamaRoutes({
        'POST /infill': (_, res, body) => {
          if ((JSON.parse(body) as { input_extra: unknown }).input_extra === 'probe') return json(res, 400, { error: { message: 'probe' } });
          sse(res, events);
          end(res);
        },
      }),
    );
  const pieces = [
    { content: 'return', stop: false },
    { content: ' a', stop: false },
  ];

  it('keeps the partial text when the server closes mid-stream, and says what happened', async () => {
    // Hanging up the socket (after the events are flushed) leaves the chunked body unfinished.
    const server = await streaming(pieces, (res) => res.socket?.end());
    const engine = await connect({ baseUrl: server.url });
    const deltas: string[] = [];
    const error = (await failure(
      engine.infill({ prefix: 'x', suffix: '' }, greedy({ onText: (t) => deltas.push(t) })),
      ErrorCodes.EngineFailed,
    )) as PartialGenerationError;
    assert.ok(error instanceof PartialGenerationError);
    assert.equal(error.partial.text, 'return a');
    assert.equal(deltas.join(''), 'return a');
    assert.match(error.message, /closed the connection mid-stream \(POST \/infill\)\. .*The 8 characters that arrived before are kept\./);
  });

  it('treats a stream that ends without its last event as cut short', async () => {
    const server = await streaming(pieces, (res) => res.end());
    const engine = await connect({ baseUrl: server.url });
    const error = (await failure(engine.infill({ prefix: 'x', suffix: '' }, greedy()), ErrorCodes.EngineFailed)) as PartialGenerationError;
    assert.equal(error.partial.text, 'return a');
  });

  it('times out a stream that stalls, keeping what arrived', async () => {
    const server = await streaming(pieces, () => undefined);
    const engine = await connect({ baseUrl: server.url, readTimeoutMs: 300 });
    const error = (await failure(engine.infill({ prefix: 'x', suffix: '' }, greedy()), ErrorCodes.EngineFailed)) as PartialGenerationError;
    assert.equal(error.partial.text, 'return a');
    assert.match(error.message, /stopped sending for 300 ms in the middle of its answer/);
  });

  it('reports an error event in the stream', async () => {
    const server = await streaming([...pieces, { error: { code: 500, message: 'out of KV slots' } }], (res) => res.end());
    const engine = await connect({ baseUrl: server.url });
    const error = (await failure(engine.infill({ prefix: 'x', suffix: '' }, greedy()), ErrorCodes.EngineFailed)) as PartialGenerationError;
    assert.match(error.message, /stopped with an error \(POST \/infill\): out of KV slots/);
    assert.equal(error.partial.text, 'return a');
  });

  it('maps a model without FIM tokens to Unsupported, from the probe or from /infill itself', async () => {
    const noFim = await fake(
      llamaRoutes({ 'POST /infill': (_, res) => json(res, 501, { error: { code: 501, message: 'Infill is not supported by this model' } }) }),
    );
    const engine = await connect({ baseUrl: noFim.url });
    assert.equal(engine.capabilities.infill, false);
    let error = await failure(engine.infill({ prefix: 'x', suffix: '' }, greedy()), ErrorCodes.Unsupported);
    assert.match(error.message, /has no fill-in-the-middle tokens, so it cannot complete code inline/);

    let probed = false;
    const late = await fake(
      llamaRoutes({
        'POST /infill': (_, res) => (probed ? json(res, 501, { error: { message: 'Infill is not supported' } }) : ((probed = true), json(res, 400, {}))),
      }),
    );
    error = await failure((await connect({ baseUrl: late.url })).infill({ prefix: 'x', suffix: '' }, greedy()), ErrorCodes.Unsupported);
    assert.match(error.message, /no fill-in-the-middle tokens/);
  });
});

describe("openai-compatible engine on llama-server's /v1 routes", () => {
  const openai = (source: Partial<Server> & Pick<Server, 'baseUrl'>, role: 'completion' | 'chat' | 'embeddings' = 'chat') =>
    connect({ api: 'openai-compatible', ...source }, role);

  it('picks the first listed model when none is set, and describes it', async () => {
    const engine = await openai({ baseUrl: `${scripted.url}/v1`, apiKey });
    assert.equal(engine.info.engine, 'openai-compatible');
    assert.match(engine.info.name, /scripted-.*\.gguf$/);
    assert.equal(engine.info.contextSize, 2048);
    assert.deepEqual(engine.capabilities, { infill: false, chat: true, tools: true, embeddings: false, grammar: true });
  });

  it('chats and completes, streaming', async () => {
    const engine = await openai({ baseUrl: scripted.url, apiKey });
    const deltas: string[] = [];
    const chat = await engine.chat(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Add.' },
      ],
      greedy({ onText: (t) => deltas.push(t) }),
    );
    assert.equal(chat.text, script);
    assert.equal(deltas.join(''), script);
    assert.equal(chat.stopReason, 'eos');
    assert.ok(chat.tokens >= 5);
    const completion = await engine.complete('x = ', greedy());
    assert.equal(completion.text, script);
    assert.equal((await engine.complete('x = ', greedy({ maxTokens: 2 }))).stopReason, 'maxTokens');
  });

  it('has no fill-in-the-middle, and says what does', async () => {
    const engine = await openai({ baseUrl: scripted.url, apiKey });
    const error = await failure(engine.infill({ prefix: 'a', suffix: 'b' }, greedy()), ErrorCodes.Unsupported);
    assert.match(error.message, /FIM needs llama-server .* or a local model/);
  });

  it('tokenizes where the server has /tokenize, and says so where it has not', async () => {
    const engine = await openai({ baseUrl: scripted.url, apiKey });
    assert.equal((await engine.tokenize(script, never)).length, 5);
    const bare = await fake({ 'GET /v1/models': (_, res) => json(res, 200, { data: [{ id: 'm' }] }) });
    const error = await failure((await openai({ baseUrl: bare.url })).tokenize('x', never), ErrorCodes.Unsupported);
    assert.match(error.message, /has no \/tokenize endpoint/);
  });

  it('embeds through /v1/embeddings', async () => {
    const engine = await openai({ baseUrl: embedder.url }, 'embeddings');
    assert.equal(engine.capabilities.embeddings, true);
    const vectors = await engine.embed(['a', 'b'], never);
    assert.deepEqual(
      vectors.map((v) => v.length),
      [64, 64],
    );
  });

  it('refuses a model the server does not list, naming those it does', async () => {
    const error = await failure(openai({ baseUrl: scripted.url, apiKey, model: 'gpt-5' }), ErrorCodes.ModelNotFound);
    assert.match(error.message, /has no model "gpt-5"\. It lists ".*scripted-.*\.gguf"; set "model" in the profile/);
  });

  it('aborts a streamed chat and keeps what arrived', async () => {
    const engine = await openai({ baseUrl: random.url });
    const controller = new AbortController();
    let streamed = '';
    const result = await engine.chat([{ role: 'user', content: 'Talk.' }], {
      maxTokens: 1024,
      temperature: 1,
      signal: controller.signal,
      onText: (text) => {
        streamed += text;
        controller.abort();
      },
    });
    assert.equal(result.stopReason, 'aborted');
    assert.equal(result.text, streamed);
    assert.ok(result.text.length > 0);
  });
});

describe('server profiles in the real sidecar', () => {
  let harness: Harness;
  before(() => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    cleanups.push(() => harness.sidecar.dispose());
  });

  it('loads a llama-server profile and fills in the middle through it', async () => {
    const source: Server = { kind: 'server', api: 'llama-server', name: 'local', baseUrl: scripted.url, apiKey };
    const info = await harness.sidecar.request(LoadModel, { role: 'completion', source });
    assert.equal(info.engine, 'llama-server');
    assert.equal(info.fim, true);
    assert.equal(info.key, `llama-server:local@${scripted.url}`);
    const deltas: string[] = [];
    harness.sidecar.onNotification(GenerateDelta, (delta) => delta.streamId === 'srv' && deltas.push(delta.text));
    const result = await harness.sidecar.request(Generate, {
      role: 'completion',
      infill: { prefix: 'function add(a, b) {\n  ', suffix: '\n}\n' },
      streamId: 'srv',
    });
    assert.equal(result.text, script);
    assert.equal(deltas.join(''), script);
    assert.ok(!harness.logs.some((line) => line.includes(apiKey)), 'the API key must never be logged');
  });

  it('falls back to a local model when the server is down, and says why', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const info = await harness.sidecar.request(LoadModel, {
      role: 'completion',
      source: { kind: 'server', api: 'llama-server', name: 'office', baseUrl: down, retries: 1 },
      fallback: { kind: 'file', path: await scriptedModel(script) },
      contextSize: 2048,
    });
    assert.equal(info.engine, 'local');
    assert.equal(info.key, `llama-server:office@${down}`);
    assert.match(info.fallbackFrom?.reason ?? '', /^Cannot reach llama-server "office" at .*: connection refused \(2 attempts\)\. Is it running\?$/);
    const result = await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: 'x = ', suffix: '' } });
    assert.equal(result.text, script);
  });
});
