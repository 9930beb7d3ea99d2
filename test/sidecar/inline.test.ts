// completion/inline on the real sidecar: mirrored documents, the FIM template chosen from the
// GGUF's tokens, a prompt that stays anchored while the user types (so only new tokens are
// evaluated), suggestions reused while the user types them, the debounce, post-processing, the
// wall-time cap, and stale versions refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '../../protocol/rpc';
import { DidChangeDocument, DidCloseDocument, DidOpenDocument, InlineCompletion, LoadModel, Ping, WarmCompletion } from '../../protocol/sidecar';
import { startLlamaServer, type LlamaServer } from '../fixtures/llamaServer';
import { fimModel, scriptedModel } from '../fixtures/models';
import { openTypingDocument, rejectsWithCode, startHarness, type Harness } from './harness';

const script = 'return a + b;';
const uri = 'file:///work/math.ts';

describe('inline completions in the sidecar', () => {
  let harness: Harness;
  let version = 1;
  const notify = async (def: typeof DidOpenDocument | typeof DidChangeDocument | typeof DidCloseDocument, params: object) => {
    // Notifications ride the same session as requests; start it first.
    const session = await harness.sidecar.ensureStarted();
    await session.rpc.sendNotification(def.method, params);
  };
  const type = (line: number, character: number, text: string) =>
    notify(DidChangeDocument, { uri, version: ++version, changes: [{ range: { start: { line, character }, end: { line, character } }, text }] });
  const complete = (line: number, character: number, extra: object = {}) =>
    harness.sidecar.request(InlineCompletion, { uri, version, position: { line, character }, ...extra });

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: await scriptedModel(script) }, contextSize: 2048 });
    await openTypingDocument(harness, uri, version);
  });
  after(() => harness.sidecar.dispose());

  it('completes at a position of the mirrored document, post-processed', async () => {
    const result = await complete(1, 2);
    assert.deepEqual(result.items, [script]);
    assert.equal(result.raw, script);
    assert.equal(result.anchored, false);
    assert.ok(result.promptTokens! > 100, `the first prompt is evaluated in full (${result.promptTokens})`);
  });

  it('keeps the prompt anchored while the user types, evaluating only the new tokens', async () => {
    const full = (await complete(1, 2)).promptTokens!;
    let evaluated = 0;
    let typed = '';
    for (const char of 'const') {
      await type(1, 2 + typed.length, char);
      typed += char;
      const result = await complete(1, 2 + typed.length);
      assert.equal(result.anchored, true);
      evaluated += result.promptTokens!;
    }
    assert.ok(evaluated <= 12, `5 keystrokes evaluated ${evaluated} prompt tokens (a rebuilt prompt costs ${full})`);
  });

  it('warms the prompt where the user stopped, so the next completion there evaluates almost nothing', async () => {
    await type(4, 0, '\n');
    const warm = await harness.sidecar.request(WarmCompletion, { uri, version, position: { line: 4, character: 0 } });
    assert.equal(warm.warmed, true);
    assert.ok(warm.promptTokens! > 100, `the warm-up evaluated the prompt (${warm.promptTokens})`);
    const again = await harness.sidecar.request(WarmCompletion, { uri, version, position: { line: 4, character: 0 } });
    assert.equal(again.warmed, false, 'already warm');
    const result = await complete(4, 0);
    assert.equal(result.anchored, true);
    assert.ok(result.promptTokens! <= 2, `the completion after the warm-up evaluated ${result.promptTokens} prompt tokens`);
  });

  it('offers alternatives when asked, without duplicates', async () => {
    // The scripted model says the same thing at any temperature: three generations, one suggestion.
    const result = await complete(1, 7, { alternatives: 3 });
    assert.deepEqual(result.items, [script]);
  });

  it('rebuilds the prompt when the edit is not typing at the cursor', async () => {
    await type(0, 0, '// header\n');
    const result = await complete(2, 7);
    assert.equal(result.anchored, false);
  });

  it("starts a new prompt in the new model's FIM format when the completion model changes mid-typing", async () => {
    const first = await scriptedModel(script);
    const other = await scriptedModel('return b - a;', { name: 'swap-starcoder', vocab: 'starcoder' });
    await complete(2, 7); // anchored where the user types
    await type(2, 7, ' ');
    assert.equal((await complete(2, 8)).anchored, true);
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: other }, contextSize: 2048 });
    try {
      await type(2, 8, 'x');
      const swapped = await complete(2, 9);
      // The old prompt is written in DeepSeek-Coder's markers; StarCoder's model must not read it.
      assert.equal(swapped.anchored, false, 'the prompt anchored for the previous model is not reused');
      assert.deepEqual(swapped.items, ['return b - a;']);
      await type(2, 9, 'y');
      assert.equal((await complete(2, 10)).anchored, true, 'the new model anchors its own prompt');
    } finally {
      await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: first }, contextSize: 2048 });
    }
  });

  it('refuses a position in a version the mirror does not have', async () => {
    await rejectsWithCode(harness.sidecar.request(InlineCompletion, { uri, version: version + 5, position: { line: 0, character: 0 } }), ErrorCodes.Cancelled);
    await rejectsWithCode(
      harness.sidecar.request(InlineCompletion, { uri: 'file:///nope.ts', version: 1, position: { line: 0, character: 0 } }),
      ErrorCodes.InvalidParams,
    );
  });

  it('answers a spot it has completed before from its suggestions, with no generation', async () => {
    await type(3, 0, '\n');
    const first = await complete(3, 0);
    const before = await harness.sidecar.request(Ping, null);
    const again = await complete(3, 0);
    assert.equal(again.reused, 'cache');
    assert.deepEqual(again.items, first.items);
    assert.equal((await harness.sidecar.request(Ping, null)).completions!.total, before.completions!.total);
  });

  it('typing what is being suggested never starts a second generation', async () => {
    await type(3, 0, '\n');
    const before = await harness.sidecar.request(Ping, null);
    // Asked, then the user types its first letters at once: whether the first generation is still
    // running (it is awaited) or done (its suggestion is typed through), the rest comes from it.
    const first = complete(3, 0);
    await type(3, 0, 'ret');
    const second = await complete(3, 3);
    assert.deepEqual((await first).items, [script]);
    assert.deepEqual(second.items, ['urn a + b;']);
    assert.ok(second.reused === 'generation' || second.reused === 'cache', `reused: ${second.reused}`);
    assert.equal((await harness.sidecar.request(Ping, null)).completions!.total, before.completions!.total + 1);
  });

  it('a request cancelled during its debounce starts no generation', async () => {
    await type(3, 0, '\n');
    const before = await harness.sidecar.request(Ping, null);
    const abort = new AbortController();
    const pending = harness.sidecar.request(InlineCompletion, { uri, version, position: { line: 3, character: 0 }, delayMs: 3_000 }, { signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    await rejectsWithCode(pending, ErrorCodes.Cancelled);
    assert.equal((await harness.sidecar.request(Ping, null)).completions!.total, before.completions!.total);
  });

  it('shows what arrived when the time limit hits', async () => {
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: await fimModel() }, contextSize: 2048 });
    // Random weights rarely stop on their own; 60 ms is far less than 1,000 tokens take.
    const result = await complete(2, 2, { maxTokens: 1000, timeLimitMs: 60 });
    assert.equal(result.stopReason, 'timeLimit');
    assert.ok(result.tokens < 1000);
  });

  it('stops a generation once the user types something else where it completes', async () => {
    const before = await harness.sidecar.request(Ping, null);
    // A spot never completed before: a suggestion made there earlier would answer at once.
    await type(3, 0, '\n');
    const started = performance.now();
    const pending = complete(3, 0, { maxTokens: 1000, timeLimitMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await type(3, 0, '}');
    const result = await pending;
    const after = await harness.sidecar.request(Ping, null);
    assert.equal(result.stopReason, 'aborted');
    assert.ok(result.tokens < 1000, `stopped after ${result.tokens} tokens, ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(after.completions!.cancelled, before.completions!.cancelled + 1);
  });

  it('a keystroke that departs from the suggestion stops the alternatives with it', async () => {
    const before = await harness.sidecar.request(Ping, null);
    await type(3, 0, '\n');
    const pending = complete(3, 0, { maxTokens: 1000, timeLimitMs: 30_000, alternatives: 3 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await type(3, 0, '}');
    const result = await pending;
    assert.equal(result.stopReason, 'aborted');
    assert.ok(result.tokens < 1000, `stopped after ${result.tokens} tokens`);
    const after = await harness.sidecar.request(Ping, null);
    assert.equal(after.completions!.cancelled, before.completions!.cancelled + 1);
    assert.equal(after.completions!.inFlight, 0);
    // None of the three holds the engine: the next completion runs and ends on its own.
    const next = await complete(3, 1, { maxTokens: 4, timeLimitMs: 30_000 });
    assert.notEqual(next.stopReason, 'aborted');
  });

  it('forgets a closed document', async () => {
    await notify(DidCloseDocument, { uri });
    await rejectsWithCode(complete(0, 0), ErrorCodes.InvalidParams);
  });
});

describe('inline completions through llama-server', () => {
  let harness: Harness;
  let server: LlamaServer;
  let version = 1;
  const serverUri = 'file:///work/server.ts';
  const notify = async (def: typeof DidOpenDocument | typeof DidChangeDocument, params: object) => {
    const session = await harness.sidecar.ensureStarted();
    await session.rpc.sendNotification(def.method, params);
  };
  const complete = (line: number, character: number, extra: object = {}) =>
    harness.sidecar.request(InlineCompletion, { uri: serverUri, version, position: { line, character }, ...extra });

  before(async () => {
    server = await startLlamaServer({ model: await scriptedModel(script), args: ['--parallel', '2'] });
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'server', api: 'llama-server', name: 'test', baseUrl: server.url } });
    await openTypingDocument(harness, serverUri, version);
  });
  after(async () => {
    await harness.sidecar.dispose();
    await server.stop();
  });

  it('builds the FIM prompt from the probed tokens and keeps it anchored: the server evaluates only the new tokens', async () => {
    const first = await complete(1, 2);
    assert.deepEqual(first.items, [script]);
    assert.equal(first.anchored, false);
    assert.ok(first.promptTokens! > 100, `the first prompt is evaluated in full (${first.promptTokens})`);
    let evaluated = 0;
    let typed = '';
    for (const char of 'const') {
      await notify(DidChangeDocument, {
        uri: serverUri,
        version: ++version,
        changes: [{ range: { start: { line: 1, character: 2 + typed.length }, end: { line: 1, character: 2 + typed.length } }, text: char }],
      });
      typed += char;
      const result = await complete(1, 2 + typed.length);
      assert.equal(result.anchored, true);
      assert.ok(result.cachedTokens! > 100, `the server reused its KV cache (${result.cachedTokens})`);
      evaluated += result.promptTokens!;
    }
    assert.ok(evaluated <= 12, `5 keystrokes evaluated ${evaluated} prompt tokens on the server (a rebuilt prompt costs ${first.promptTokens})`);
  });

  it('alternatives on the pinned slot: one n_cmpl request beside the first, post-processed and deduplicated', async () => {
    // The scripted model says the same at any temperature: three generations, one suggestion.
    const result = await complete(4, 0, { alternatives: 3 });
    assert.deepEqual(result.items, [script]);
    assert.notEqual(result.stopReason, 'aborted');
  });
});
