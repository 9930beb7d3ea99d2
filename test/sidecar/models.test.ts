// Real node-llama-cpp inference in the real sidecar on generated GGUF models: loading, fill-in-the-
// middle, streaming, cancellation, and every way a model file can be wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '../../protocol/rpc';
import { Generate, GenerateDelta, LoadModel, ModelStateChanged, UnloadModel } from '../../protocol/sidecar';
import { badModelFiles, fimModel, scriptedModel, type BadModelFiles } from '../fixtures/models';
import { rejectsWithCode, startHarness, type Harness } from './harness';

const script = 'return a + b;';

describe('models in the sidecar', () => {
  let harness: Harness;
  let scripted: string;
  let fim: string;
  let bad: BadModelFiles;
  const states: string[] = [];

  before(async () => {
    [scripted, fim, bad] = await Promise.all([scriptedModel(script), fimModel(), badModelFiles()]);
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    harness.sidecar.onNotification(ModelStateChanged, (event) => states.push(`${event.state}:${event.key?.split('/').pop() ?? ''}`));
  });
  after(() => harness.sidecar.dispose());

  const load = (path: string) => harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path }, contextSize: 2048 });

  it('loads a FIM model and describes it', async () => {
    const info = await load(scripted);
    assert.equal(info.fim, true);
    assert.equal(info.architecture, 'llama');
    assert.equal(info.contextSize, 2048);
    assert.equal(info.trainContextSize, 4096);
    assert.equal(info.gpuLayers, 0);
    assert.ok(info.sizeBytes! > 1_000_000);
    assert.equal(info.engine, 'local');
    // No chat template with a tool-call syntax of its own: the agent uses grammar-constrained JSON calls.
    assert.deepEqual(info.capabilities, { infill: true, chat: true, tools: false, embeddings: false, grammar: true });
    assert.deepEqual(
      states.slice(-2).map((s) => s.split(':')[0]),
      ['loading', 'ready'],
    );
  });

  it('fills in the middle through real inference', async () => {
    const result = await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: 'function add(a, b) {\n  ', suffix: '\n}\n' } });
    assert.equal(result.text, script);
    assert.equal(result.stopReason, 'eos');
    assert.ok(result.tokens >= 4);
    assert.ok(result.engineMs > 0);
  });

  it('streams the same text as deltas before the answer', async () => {
    const deltas: string[] = [];
    harness.sidecar.onNotification(GenerateDelta, (delta) => delta.streamId === 's1' && deltas.push(delta.text));
    const result = await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: 'x = ', suffix: '' }, streamId: 's1' });
    assert.equal(result.text, script);
    assert.equal(deltas.join(''), script);
  });

  it('honours maxTokens', async () => {
    const result = await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: 'x = ', suffix: '' }, maxTokens: 2 });
    assert.equal(result.stopReason, 'maxTokens');
    assert.equal(result.tokens, 2);
    assert.ok(script.startsWith(result.text) && result.text.length < script.length);
  });

  it('cancels a running generation through $/cancelRequest and stays usable', async () => {
    await load(fim);
    const controller = new AbortController();
    let streamed = '';
    harness.sidecar.onNotification(GenerateDelta, (delta) => {
      if (delta.streamId !== 'long') return;
      streamed += delta.text;
      controller.abort();
    });
    // Random weights sampled at temperature 1 practically never emit EOS: a long generation.
    const started = performance.now();
    await rejectsWithCode(
      harness.sidecar.request(
        Generate,
        { role: 'completion', infill: { prefix: 'let s = "', suffix: '";' }, maxTokens: 1024, temperature: 1, streamId: 'long' },
        { signal: controller.signal },
      ),
      ErrorCodes.Cancelled,
    );
    assert.ok(streamed.length > 0);
    // The sequence is free again: the next request runs to completion.
    const next = await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: 'a', suffix: 'b' }, maxTokens: 8, temperature: 1 });
    // The token meter may count the prompt's last token as evaluated output: 8 generated, 9 at most.
    assert.ok(next.tokens <= 9, JSON.stringify(next));
    assert.ok(performance.now() - started < 60_000);
  });

  const refusals: Array<[keyof BadModelFiles | 'missing', number, RegExp]> = [
    ['missing', ErrorCodes.ModelNotFound, /not found/],
    ['notGguf', ErrorCodes.ModelInvalid, /not a GGUF model file/],
    ['wrongMagic', ErrorCodes.ModelInvalid, /not a GGUF model file/],
    ['truncatedHeader', ErrorCodes.ModelInvalid, /truncated/],
    ['truncatedData', ErrorCodes.ModelInvalid, /truncated.*Download it again/],
    ['tooLarge', ErrorCodes.ModelTooLarge, /needs about .* GiB of memory .* only .* free/],
  ];
  for (const [kind, code, message] of refusals) {
    it(`refuses ${kind} with a clear reason, keeps running, and serves a good model after`, async () => {
      const pid = harness.sidecar.pid;
      const path = kind === 'missing' ? '/nonexistent/model.gguf' : bad[kind];
      const started = performance.now();
      const error = await rejectsWithCode(load(path), code);
      assert.match(error.message, message);
      assert.equal(states.at(-1), `error:${path.split('/').pop()}`);
      // Refused before any allocation: a 128 GiB model is judged from its header in well under a second.
      assert.ok(performance.now() - started < 10_000);
      assert.equal(harness.sidecar.pid, pid);
      await load(scripted);
      const result = await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: '', suffix: '' } });
      assert.equal(result.text, script);
    });
  }

  it('unloads on request and then says there is no model', async () => {
    await harness.sidecar.request(UnloadModel, { role: 'completion' });
    assert.equal(states.at(-1)?.split(':')[0], 'unloaded');
    await rejectsWithCode(harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: '', suffix: '' } }), ErrorCodes.NoModel);
  });
});
