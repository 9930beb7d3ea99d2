// chat/warm on the real sidecar and real node-llama-cpp (a generated random-weight llama): the
// user's draft read into the chat sequence ahead of Enter. The answer after a warm is the answer
// without one (greedy), for the draft as read and for a draft changed afterwards; the turn then
// evaluates fewer prompt tokens; a newer draft, Stop and a completion each end a warm in flight;
// bad requests get a clear error and leave the next answer right.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '../../protocol/rpc';
import { Generate, LoadModel, UnloadModel, WarmChat } from '../../protocol/sidecar';
import { fimModel } from '../fixtures/models';
import { rejectsWithCode, startHarness, type Harness } from './harness';
import { fakeServer, json, llamaRoutes, type Route } from './serverEngineFakes';

type Message = { role: 'system' | 'user' | 'assistant'; content: string };

const system = 'You are Pylot, a coding assistant. Answer briefly and show code in fenced blocks.';
const earlier: Message[] = [
  { role: 'user', content: 'What does reduce do in JavaScript?' },
  { role: 'assistant', content: 'It folds an array into one value: `[1, 2, 3].reduce((a, b) => a + b, 0)` is 6.' },
];
const chatOf = (draft: string): Message[] => [{ role: 'system', content: system }, ...earlier, { role: 'user', content: draft }];
const replyTokens = 24;

describe('chat/warm: the draft read ahead of Enter', () => {
  let harness: Harness;
  const answer = (draft: string) =>
    harness.sidecar.request(Generate, { role: 'chat', messages: chatOf(draft), fitToContext: true, maxTokens: replyTokens, temperature: 0 });
  /** Another conversation, so the chat sequence holds nothing of the one under test. */
  const clobber = () =>
    harness.sidecar.request(Generate, { role: 'chat', messages: [{ role: 'user', content: 'Unrelated: list three prime numbers.' }], maxTokens: 4 });
  const warm = (draft: string, signal?: AbortSignal) => harness.sidecar.request(WarmChat, { messages: chatOf(draft), maxTokens: replyTokens }, { signal });

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await fimModel() }, contextSize: 2048 });
  });
  after(() => harness.sidecar.dispose());

  it('gives the same answer as without it, and the turn evaluates only the tail', async () => {
    const draft = 'How do I sum the numbers of an array with reduce?';
    await clobber();
    const cold = await answer(draft);
    await clobber();
    const read = await warm(draft);
    assert.equal(read.warmed, true);
    assert.ok((read.promptTokens ?? 0) > 20, `the warm read the chat: ${read.promptTokens} tokens`);
    const warmed = await answer(draft);
    assert.ok(cold.text.length > 0, 'the model said something');
    assert.equal(warmed.text, cold.text);
    assert.equal(warmed.tokens, cold.tokens);
    assert.ok(
      (warmed.promptTokens ?? Infinity) * 3 < (cold.promptTokens ?? 0),
      `warm turn read ${warmed.promptTokens} prompt tokens, the cold one ${cold.promptTokens}`,
    );
  });

  it('still gives the right answer when the draft changed after the warm (typed on, or edited in the middle)', async () => {
    for (const [read, sent] of [
      ['How do I sum the numbers of an arr', 'How do I sum the numbers of an array with reduce, starting from zero?'],
      ['How do I sum the numbers of an array with reduce?', 'How do I multiply the numbers of an array with reduce?'],
      ['How do I sum the numbers of an array with reduce? Also explain the initial value', 'How do I sum'],
    ]) {
      await clobber();
      const cold = await answer(sent!);
      await clobber();
      assert.equal((await warm(read!)).warmed, true);
      const warmed = await answer(sent!);
      assert.equal(warmed.text, cold.text, `read ${JSON.stringify(read)}, sent ${JSON.stringify(sent)}`);
    }
  });

  it('a newer draft cancels the one in flight; Stop cancels it too; the next answer is right', async () => {
    const long = `Review this code: ${'const total = values.reduce((sum, value) => sum + value, 0);\n'.repeat(40)}`;
    await clobber();
    const cold = await answer('Why is this slow?');
    await clobber();
    const first = warm(long);
    const second = warm('Why is this slow?');
    const outcome = await first.then(
      (result) => result.warmed,
      (error: Error & { code: number }) => error.code,
    );
    // Either it had finished before the second arrived, or the second cancelled it.
    assert.ok(outcome === true || outcome === ErrorCodes.Cancelled, `first warm: ${String(outcome)}`);
    assert.equal((await second).warmed, true);
    const stop = new AbortController();
    const stopped = warm(long, stop.signal);
    stop.abort();
    await assert.rejects(stopped);
    assert.equal((await answer('Why is this slow?')).text, cold.text);
  });

  it('a completion pre-empts a warm (or runs first and the warm waits), and both stay right', async () => {
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: await fimModel() }, contextSize: 2048 });
    const prompt = 'function add(a, b) {\n  return';
    const alone = await harness.sidecar.request(Generate, { role: 'completion', prompt, maxTokens: 8 });
    const long = `Review this code: ${'const total = values.reduce((sum, value) => sum + value, 0);\n'.repeat(60)}`;
    const warming = warm(long).then(
      (result) => result.warmed,
      (error: Error & { code: number }) => error.code,
    );
    const beside = await harness.sidecar.request(Generate, { role: 'completion', prompt, maxTokens: 8 });
    assert.equal(beside.text, alone.text);
    const outcome = await warming;
    assert.ok(outcome === true || outcome === ErrorCodes.Preempted, `warm: ${String(outcome)}`);
    await harness.sidecar.request(UnloadModel, { role: 'completion' });
  });

  it('refuses a chat that does not end with the draft, and an empty one, clearly', async () => {
    const endsWithReply = [...chatOf('Hi'), { role: 'assistant' as const, content: 'Hello!' }];
    const refused = await rejectsWithCode(harness.sidecar.request(WarmChat, { messages: endsWithReply, maxTokens: 8 }), ErrorCodes.InvalidParams);
    assert.match(refused.message, /end with the user's draft/);
    await rejectsWithCode(harness.sidecar.request(WarmChat, { messages: [], maxTokens: 8 }), ErrorCodes.InvalidParams);
    await rejectsWithCode(harness.sidecar.request(WarmChat, { messages: chatOf('Hi'), maxTokens: 0 }), ErrorCodes.InvalidParams);
    await rejectsWithCode(harness.sidecar.request(WarmChat, { messages: [{ role: 'tool', content: 'x' }] as never, maxTokens: 8 }), ErrorCodes.InvalidParams);
  });

  it('sends a server chat model nothing: its draft never leaves the machine', async () => {
    // Every body the server is sent (the load's own probes included), to look for the draft in.
    const bodies: string[] = [];
    const seeing =
      (route: Route): Route =>
      (req, res, body) => (bodies.push(body), route(req, res, body));
    const routes = llamaRoutes({
      'POST /tokenize': (_, res) => json(res, 200, { tokens: [1] }),
      'POST /v1/chat/completions': (_, res) => json(res, 200, { choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] }),
    });
    const server = await fakeServer(Object.fromEntries(Object.entries(routes).map(([key, route]) => [key, seeing(route)])));
    try {
      const info = await harness.sidecar.request(LoadModel, {
        role: 'chat',
        source: { kind: 'server', api: 'llama-server', name: 'team', baseUrl: server.url },
      });
      assert.equal(info.engine, 'llama-server');
      assert.deepEqual(await warm('SECRET-DRAFT do not send me'), { warmed: false });
      // The load's own probes may still be arriving (/tokenize, /infill, /v1/embeddings): never a chat, never the draft.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(
        server.requests.filter((request) => /chat|completion/.test(request)),
        [],
      );
      assert.ok(!bodies.some((body) => body.includes('SECRET-DRAFT')), 'the draft reached the server');
    } finally {
      await server.close();
      await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await fimModel() }, contextSize: 2048 });
    }
  });

  it('reads nothing and loads nothing when no chat model is loaded', async () => {
    await harness.sidecar.request(UnloadModel, { role: 'chat' });
    assert.deepEqual(await warm('Hello'), { warmed: false });
    await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await fimModel() }, contextSize: 2048 });
  });
});
