// The loopback OpenAI-compatible API on the real sidecar, driven by the official `openai` client the
// way another editor or a command-line agent would: chat (streamed and not, with a tool call that
// round-trips), completions, embeddings and llama.cpp's /infill answered by the models the roles
// loaded; what an attacker on this machine or the network can do (no token, a wrong token, hostile
// bodies, another interface); 100 clients at once; a client that hangs up mid-stream.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { ConfigureLocalApi, LocalApiChanged, type LocalApiState } from '../../protocol/localApi';
import { Generate, LoadModel, Ping } from '../../protocol/sidecar';
import { demoChat, demoChatModel, embeddingModel, fimModel } from '../fixtures/models';
import { startHarness, type Harness } from './harness';

const token = randomBytes(32).toString('base64url');
const createFile = {
  type: 'function' as const,
  function: {
    name: 'create_file',
    description: 'Creates a file in the workspace.',
    parameters: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] },
  },
};

describe('the local OpenAI-compatible API', () => {
  let harness: Harness;
  let base: string;
  let port: number;
  let client: OpenAI;
  const states: LocalApiState[] = [];

  const configure = (maxQueue: number) => harness.sidecar.request(ConfigureLocalApi, { enabled: true, port, token, maxQueue });
  const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const waitForState = async (test: (state: LocalApiState) => boolean) => {
    for (let i = 0; i < 600 && !states.some(test); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(states.some(test), `no such state among ${JSON.stringify(states.slice(-5))}`);
  };

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    harness.sidecar.onNotification(LocalApiChanged, (state) => states.push(state));
    await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await demoChatModel() }, contextSize: 2048 });
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: await fimModel() }, contextSize: 2048 });
    await harness.sidecar.request(LoadModel, { role: 'embeddings', source: { kind: 'file', path: await embeddingModel() } });
    const state = await harness.sidecar.request(ConfigureLocalApi, { enabled: true, port: 0, token, maxQueue: 16 });
    assert.match(state.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    base = state.url!.replace(/\/v1$/, '');
    port = Number(new URL(base).port);
    client = new OpenAI({ baseURL: state.url, apiKey: token, maxRetries: 0 });
  });
  after(() => harness.sidecar.dispose());

  it('answers 401 and nothing else without the right token, on every route', async () => {
    const noToken = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'not-the-token', maxRetries: 0 });
    await assert.rejects(noToken.chat.completions.create({ model: 'pylot-chat', messages: [{ role: 'user', content: 'hi' }] }), OpenAI.AuthenticationError);
    const attempts: Array<[string, RequestInit]> = [
      ['/v1/models', {}],
      ['/v1/models', { headers: { authorization: `Bearer ${token.slice(0, -1)}` } }],
      ['/v1/models', { headers: { authorization: `Bearer ${token}x` } }],
      ['/v1/models', { headers: { authorization: token } }],
      ['/v1/models', { headers: { authorization: `Basic ${token}` } }],
      ['/v1/models', { headers: { 'x-api-key': token } }],
      ['/v1/chat/completions', { method: 'POST', body: '{"messages":[{"role":"user","content":"hi"}]}' }],
      ['/infill', { method: 'POST', body: 'not json' }],
      ['/no/such/route', {}],
      ['/v1/models?token=' + token, {}],
    ];
    for (const [path, init] of attempts) {
      const response = await fetch(`${base}${path}`, init);
      assert.equal(response.status, 401, `${path} ${JSON.stringify(init)}`);
      const body = await response.text();
      assert.deepEqual(JSON.parse(body), { error: { message: 'Missing or wrong API token.', type: 'authentication_error', code: 401 } });
      assert.doesNotMatch(body, /pylot-|demo|create_file/);
      assert.equal(response.headers.get('access-control-allow-origin'), null);
    }
  });

  it('lists the loaded models with their real context sizes', async () => {
    const models = await client.models.list();
    const byId = new Map(models.data.map((model) => [model.id, model as unknown as { context_length: number; capabilities: { tools: boolean } }]));
    assert.deepEqual([...byId.keys()].sort(), ['pylot-chat', 'pylot-completion', 'pylot-embeddings']);
    assert.equal(byId.get('pylot-chat')!.context_length, 2048);
    assert.equal(byId.get('pylot-chat')!.capabilities.tools, true);
  });

  it("chats: the chat model's answer, whole and streamed", async () => {
    const reply = await client.chat.completions.create({ model: 'pylot-chat', messages: [{ role: 'user', content: 'What can you do?' }], max_tokens: 512 });
    assert.equal(reply.choices[0]!.message.content, demoChat.text);
    assert.equal(reply.choices[0]!.finish_reason, 'stop');
    assert.ok(reply.usage!.completion_tokens > 10);

    const stream = await client.chat.completions.create({
      model: 'pylot-chat',
      messages: [{ role: 'user', content: 'And now?' }],
      max_tokens: 512,
      stream: true,
    });
    const deltas: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(deltas.join(''), demoChat.text);
    assert.ok(deltas.length > 3, `${deltas.length} deltas`);
    assert.equal(finish, 'stop');
  });

  it('calls a tool the client offers, and answers once its result comes back', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Create a hello file' }];
    const first = await client.chat.completions.create({ model: 'pylot-chat', messages, tools: [createFile] });
    const call = first.choices[0]!.message.tool_calls?.[0];
    assert.equal(first.choices[0]!.finish_reason, 'tool_calls');
    assert.ok(call && call.type === 'function');
    assert.equal(call.function.name, 'create_file');
    assert.deepEqual(JSON.parse(call.function.arguments), demoChat.call.args);

    const streamed = await client.chat.completions.create({ model: 'pylot-chat', messages, tools: [createFile], stream: true });
    const streamedCalls: string[] = [];
    for await (const chunk of streamed) for (const part of chunk.choices[0]?.delta.tool_calls ?? []) streamedCalls.push(part.function?.name ?? '');
    assert.deepEqual(streamedCalls, ['create_file']);

    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'Created hello.ts.' });
    const second = await client.chat.completions.create({ model: 'pylot-chat', messages, tools: [createFile] });
    assert.equal(second.choices[0]!.message.content, demoChat.answer);
    assert.equal(second.choices[0]!.message.tool_calls, undefined);
  });

  it("completes and fills in the middle with the completion model, exactly as Pylot's own IPC does", async () => {
    const prompt = 'function add(a, b) {\n  return';
    const viaIpc = await harness.sidecar.request(Generate, { role: 'completion', prompt, maxTokens: 12 });
    const viaApi = await client.completions.create({ model: 'pylot-completion', prompt, max_tokens: 12 });
    assert.equal(viaApi.choices[0]!.text, viaIpc.text);
    assert.ok(viaIpc.text.length > 0);

    const infill = { prefix: 'const x = ', suffix: ';\n' };
    const ipcInfill = await harness.sidecar.request(Generate, { role: 'completion', infill, maxTokens: 8 });
    const response = await post('/infill', { input_prefix: infill.prefix, input_suffix: infill.suffix, n_predict: 8 });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { content: string }).content, ipcInfill.text);
  });

  it('embeds with the embedding model', async () => {
    const result = await client.embeddings.create({ model: 'pylot-embeddings', input: ['function add(a, b)', 'SELECT * FROM users', 'function add(a, b)'] });
    const [a, b, again] = result.data.map((item) => item.embedding as number[]);
    assert.equal(result.data.length, 3);
    assert.equal(a!.length, 64);
    assert.ok(a!.every(Number.isFinite));
    assert.deepEqual(again, a);
    assert.notDeepEqual(b, a);
  });

  it('refuses hostile bodies with 4xx and stays up', async () => {
    const cases: Array<[string, string | unknown, number]> = [
      ['/v1/chat/completions', 'not json', 400],
      ['/v1/chat/completions', '{"messages": [', 400],
      ['/v1/chat/completions', '[]', 400],
      ['/v1/chat/completions', 'null', 400],
      ['/v1/chat/completions', { messages: [] }, 400],
      ['/v1/chat/completions', { messages: [{ role: 'root', content: 'x' }] }, 400],
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], max_tokens: 1e12 }, 400],
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }, 400],
      ['/v1/chat/completions', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 400],
      ['/v1/chat/completions', { model: 'gpt-4', messages: [{ role: 'user', content: 'x' }] }, 404],
      ['/v1/chat/completions', '['.repeat(200_000) + ']'.repeat(200_000), 400],
      ['/v1/chat/completions', `{"messages":[{"role":"user","content":"x"}],"a":${'{"b":'.repeat(1000)}1${'}'.repeat(1000)}}`, 400],
      ['/v1/chat/completions', JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(9 * 1024 * 1024) }] }), 413],
      ['/v1/embeddings', { input: Array.from({ length: 10_000 }, () => 'x') }, 400],
      ['/v1/embeddings', { input: [] }, 400],
      ['/infill', { input_prefix: 1 }, 400],
      ['/v1/completions', { prompt: ['a', 'b'] }, 400],
    ];
    for (const [path, body, status] of cases) {
      const response = await post(path, body);
      const text = await response.text();
      assert.equal(response.status, status, `${path} ${String(typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 80)} → ${text.slice(0, 200)}`);
      assert.ok((JSON.parse(text) as { error: { message: string } }).error.message.length > 0);
    }
    // Tools with schemas a grammar cannot take, or too many, or odd names: an answer or a 4xx, never a crash.
    const nested = (depth: number): unknown => (depth ? { type: 'object', properties: { a: nested(depth - 1) } } : { type: 'string' });
    const toolCases: unknown[][] = [
      [{ type: 'function', function: { name: 'weird', parameters: { type: 'object', properties: { x: { type: 'weird' } } } } }],
      [{ type: 'function', function: { name: 'ref', parameters: { $ref: '#/definitions/x', definitions: { x: { type: 'string' } } } } }],
      [{ type: 'function', function: { name: 'deep', parameters: nested(20) } }],
      [{ type: 'function', function: { name: 'quote"s\\', parameters: { type: 'object', properties: {} } } }],
      [
        {
          type: 'function',
          function: { name: 'enum', parameters: { type: 'object', properties: { x: { enum: Array.from({ length: 500 }, (_, i) => `v${i}`) } } } },
        },
      ],
      Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `t${i}` } })),
      [{ type: 'function', function: { name: '' } }],
      [{ type: 'function' }],
    ];
    for (const tools of toolCases) {
      const response = await post('/v1/chat/completions', { model: 'pylot-chat', messages: [{ role: 'user', content: 'x' }], tools, max_tokens: 64 });
      const text = await response.text();
      assert.ok([200, 400].includes(response.status), `${JSON.stringify(tools).slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`);
    }
    const ping = await harness.sidecar.request(Ping, null);
    assert.ok(ping.uptimeMs > 0);
    const reply = await client.chat.completions.create({ model: 'pylot-chat', messages: [{ role: 'user', content: 'still there?' }] });
    assert.equal(reply.choices[0]!.message.content, demoChat.text);
  });

  it('answers 100 concurrent clients or tells them 429, losing none, with memory flat', async () => {
    const rss = async () => (await harness.sidecar.request(Ping, null)).rssBytes;
    const round = async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          try {
            const reply = await client.chat.completions.create({ model: 'pylot-chat', messages: [{ role: 'user', content: `client ${i}` }] });
            return reply.choices[0]!.message.content === demoChat.text ? 'answered' : `wrong: ${reply.choices[0]!.message.content}`;
          } catch (error) {
            return error instanceof OpenAI.RateLimitError ? '429' : `failed: ${String(error)}`;
          }
        }),
      );
      const answered = outcomes.filter((o) => o === 'answered').length;
      const refused = outcomes.filter((o) => o === '429').length;
      assert.deepEqual(
        outcomes.filter((o) => o !== 'answered' && o !== '429'),
        [],
      );
      assert.equal(answered + refused, 100);
      assert.ok(answered >= 17, `${answered} answered`); // one running + 16 queued at least
      assert.ok(refused > 0, 'a bounded queue refuses some of 100 at once');
    };
    await round();
    const before = await rss();
    await round();
    await round();
    const growth = (await rss()) - before;
    assert.ok(growth < 48 * 1024 * 1024, `RSS grew ${(growth / 1024 / 1024).toFixed(1)} MiB over two more rounds`);
    await waitForState((state) => state.active === 0 && state.queued === 0);
  });

  it('frees the slot of a client that disconnects mid-stream at once', async () => {
    await configure(0); // no queue: a second client gets in only if the first one's slot is free
    const startStream = async () => {
      const abort = new AbortController();
      const response = await post('/v1/completions', { model: 'pylot-completion', prompt: 'let', max_tokens: 30_000, stream: true });
      const reader = response.body!.getReader();
      abort.signal.addEventListener('abort', () => void reader.cancel());
      const first = await reader.read();
      assert.match(new TextDecoder().decode(first.value), /^data: /);
      return abort;
    };
    // Control: while a stream runs, a second client is refused.
    const running = await startStream();
    const refused = await post('/v1/completions', { model: 'pylot-completion', prompt: 'x', max_tokens: 2 });
    assert.equal(refused.status, 429);
    await refused.text();
    running.abort();
    await waitForState((state) => state.active === 0);

    const hungUp = await startStream();
    states.length = 0;
    hungUp.abort();
    await waitForState((state) => state.active === 0);
    const next = await post('/v1/completions', { model: 'pylot-completion', prompt: 'x', max_tokens: 2 });
    assert.equal(next.status, 200, await next.clone().text());
    await configure(16);
  });

  it('listens on 127.0.0.1 only: no other address of this machine reaches it', async () => {
    const reach = (address: string) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: address, port, timeout: 2000 });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('timeout', () => {
          socket.destroy();
          resolve('timeout');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
    assert.equal(await reach('127.0.0.1'), 'connected');
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((entry) => entry && !entry.internal)
      .map((entry) => entry!.address);
    for (const address of [...others, '::1']) assert.notEqual(await reach(address), 'connected', address);
  });

  it('takes overlapping starts on one port one after the other', async () => {
    const states = await Promise.all([
      configure(16),
      configure(16),
      harness.sidecar.request(ConfigureLocalApi, { enabled: true, port, token: `${token}-new`, maxQueue: 16 }),
    ]);
    assert.deepEqual(
      states.map((state) => [state.url, state.error]),
      states.map(() => [`${base}/v1`, undefined]),
    );
    const refused = await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(refused.status, 401, 'the old token no longer works');
    await configure(16);
  });

  it('stops listening when turned off', async () => {
    const state = await harness.sidecar.request(ConfigureLocalApi, { enabled: false, port, maxQueue: 16 });
    assert.equal(state.url, undefined);
    await assert.rejects(fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${token}` } }));
  });
});
