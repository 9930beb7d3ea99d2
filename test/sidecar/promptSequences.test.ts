// The local completion engine's sequences, on real node-llama-cpp in this process (a scripted model):
// a background read goes in chunks and stops between two when a completion comes, so the completion
// waits for one chunk at most and finds its own KV cache untouched; the read resumes where it
// stopped; a file switched away from and back to is still in the KV cache; a next-edit prompt runs on
// a sequence of its own, so the completion that follows it re-reads nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LocalEngine } from '../../sidecar/engine/local/localEngine';
import { scriptedModel } from '../fixtures/models';
import { fimPrompt, loadInProcessEngine } from './inProcessEngine';

const script = 'return a + b;';

describe('completion sequences: chunked background reads and KV kept per prompt', () => {
  let engine: LocalEngine;
  const generate = (text: string) => engine.complete(text, { maxTokens: 16, temperature: 0, signal: new AbortController().signal });

  before(async () => {
    engine = await loadInProcessEngine('completion', await scriptedModel(script), 4096);
  });
  after(() => engine.dispose());

  it('a completion during a background read runs after one chunk, on its own KV cache, and the read resumes where it stopped', async () => {
    const a = fimPrompt('alpha', 60);
    const b = fimPrompt('beta', 60);
    const first = await generate(a);
    assert.equal(first.text, script);
    const tokensOfB = engine.promptCost(b).tokens;
    assert.ok(tokensOfB > 400, `prompt B: ${tokensOfB} tokens`);

    // The user types at A while B is read: the completion is queued behind the chunk being read and stops the read.
    const stop = new AbortController();
    const reading = engine.read(b, { signal: stop.signal, chunkTokens: 64 });
    const typed = generate(`${a}r`);
    stop.abort();
    const keystroke = await typed;
    const stopped = await reading;
    assert.deepEqual(stopped, { promptTokens: 64, done: false }, 'the read stopped after its first chunk');
    assert.ok(keystroke.promptTokens! <= 3, `the keystroke evaluated ${keystroke.promptTokens} prompt tokens: A's KV cache was kept`);
    assert.equal(keystroke.text, script);

    const resumed = await engine.read(b, { signal: new AbortController().signal, chunkTokens: 64 });
    assert.deepEqual(resumed, { promptTokens: tokensOfB - 1 - 64, done: true }, 'the read went on from where it stopped');
    const onB = await generate(b);
    assert.equal(onB.text, script);
    assert.ok(onB.promptTokens! <= 2, `B after its read evaluated ${onB.promptTokens} prompt tokens`);
  });

  it('a file switched away from and back to is still in the KV cache', async () => {
    const a = fimPrompt('gamma', 50);
    const b = fimPrompt('delta', 50);
    const cold = await generate(a);
    assert.ok(cold.promptTokens! > 400, `A read cold: ${cold.promptTokens}`);
    assert.ok((await generate(b)).promptTokens! > 400);
    const back = await generate(a);
    assert.equal(back.text, script);
    assert.ok(back.promptTokens! <= 2, `back at A: ${back.promptTokens} prompt tokens`);
    assert.equal(engine.promptCost(b).cached, engine.promptCost(b).tokens, 'B is held too');
  });

  it('a prompt no sequence holds replaces the one used longest ago, never the one being typed at', async () => {
    const [p, q, r, s] = ['eps', 'zeta', 'eta', 'theta'].map((id) => fimPrompt(id, 30));
    for (const text of [p, q, r]) await generate(text!);
    await generate(s!);
    const cost = (text: string) => engine.promptCost(text);
    assert.equal(cost(p!).cached < cost(p!).tokens / 2, true, 'the oldest (p) made room');
    for (const text of [q, r, s]) assert.equal(cost(text!).cached, cost(text!).tokens);
    // A read goes beside the prompt being typed at (s), never over it.
    await engine.read(fimPrompt('iota', 30), { signal: new AbortController().signal, chunkTokens: 1000 });
    assert.equal(cost(s!).cached, cost(s!).tokens);
  });

  it('a next-edit prompt runs on its own sequence: every completion prompt stays in the KV cache', async () => {
    const [a, b, c] = ['kappa', 'lambda', 'mu'].map((id) => fimPrompt(id, 40));
    const nextEdit = fimPrompt('nu', 40);
    for (const text of [a, b, c]) await generate(text!);
    const cost = (text: string) => engine.promptCost(text);
    const edit = await engine.complete(nextEdit, { maxTokens: 16, temperature: 0, signal: new AbortController().signal, nextEdit: true });
    assert.equal(edit.text, script);
    assert.ok(edit.promptTokens! > 300, `the next-edit prompt was read: ${edit.promptTokens}`);
    for (const text of [a, b, c]) assert.equal(cost(text!).cached, cost(text!).tokens, 'each completion prompt is still held');
    const after = await generate(a!);
    assert.ok(after.promptTokens! <= 2, `the completion after a next edit evaluated ${after.promptTokens} prompt tokens`);
    // The next edit's own prompt is kept too: asked again (typing at its cursor), it re-reads only the end.
    const again = await engine.complete(`${nextEdit}x`, { maxTokens: 16, temperature: 0, signal: new AbortController().signal, nextEdit: true });
    assert.ok(again.promptTokens! <= 4, `the next edit asked again evaluated ${again.promptTokens} prompt tokens`);
    // What it used to be: the same prompt on the completion sequences takes the one used longest ago (b's).
    await generate(c!);
    await generate(nextEdit);
    const evicted = await generate(b!);
    assert.ok(evicted.promptTokens! > 300, `on a shared sequence, the completion after it re-read ${evicted.promptTokens} prompt tokens`);
  });
});
