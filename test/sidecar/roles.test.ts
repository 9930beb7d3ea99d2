// All three roles on the real sidecar at once: completion, chat (with JSON-schema constrained
// output) and embeddings, sharing weights when they share a file, and the scheduler letting a
// completion pre-empt background embedding work.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '../../protocol/rpc';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloseIndex, IndexStatusChanged, OpenIndex, SearchIndex, type IndexStatus } from '../../protocol/index';
import { Generate, GenerateDelta, LoadModel, UnloadModel } from '../../protocol/sidecar';
import { embeddingModel, fimModel, scriptedModel } from '../fixtures/models';
import { rejectsWithCode, startHarness, type Harness } from './harness';

const script = 'return a + b;';

describe('roles in the sidecar', () => {
  let harness: Harness;
  let scripted: string;

  before(async () => {
    scripted = await scriptedModel(script);
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: scripted }, contextSize: 1024 });
    await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await fimModel() }, contextSize: 1024 });
    await harness.sidecar.request(LoadModel, { role: 'embeddings', source: { kind: 'file', path: await embeddingModel() } });
  });
  after(() => harness.sidecar.dispose());

  it('keeps every role loaded: loading chat and embeddings did not evict completion', async () => {
    const result = await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: 'x', suffix: 'y' } });
    assert.equal(result.text, script);
  });

  it('constrains chat output to a JSON schema and hands it back parsed', async () => {
    const schema = { type: 'object', properties: { answer: { enum: ['yes', 'no'] } }, required: ['answer'] };
    const result = await harness.sidecar.request(Generate, {
      role: 'chat',
      messages: [{ role: 'user', content: 'Is this code correct?' }],
      jsonSchema: schema,
      maxTokens: 64,
      temperature: 1,
    });
    assert.ok(result.json && typeof result.json === 'object');
    assert.ok(['yes', 'no'].includes((result.json as { answer: string }).answer), result.text);
  });

  it("fits a long chat to the model's context with its tokenizer, the oldest messages giving way", async () => {
    const turn = (n: number) => `message ${n}: ${Array.from({ length: 60 }, (_, i) => `word${(n * 61 + i) % 997}`).join(' ')}`;
    const history = Array.from({ length: 12 }, (_, n) => ({ role: n % 2 ? ('assistant' as const) : ('user' as const), content: turn(n) }));
    const messages = [{ role: 'system' as const, content: 'You are terse.' }, ...history, { role: 'user' as const, content: 'And now?' }];
    const result = await harness.sidecar.request(Generate, { role: 'chat', messages, fitToContext: true, maxTokens: 16 });
    assert.ok((result.droppedMessages ?? 0) >= 2, `dropped ${result.droppedMessages}`);
    assert.ok((result.fittedTokens ?? Infinity) <= 1024 - 16, `fitted ${result.fittedTokens}`);
    assert.ok((result.promptTokens ?? 0) <= 1024 - 16, `evaluated ${result.promptTokens}`);
    // A system prompt that leaves no room for a reply is refused with a reason.
    const huge = [
      { role: 'system' as const, content: turn(1).repeat(20) },
      { role: 'user' as const, content: 'hi' },
    ];
    const refused = await rejectsWithCode(
      harness.sidecar.request(Generate, { role: 'chat', messages: huge, fitToContext: true, maxTokens: 16 }),
      ErrorCodes.InvalidParams,
    );
    assert.match(refused.message, /too small/);
  });

  it('streams a raw prompt on the completion role', async () => {
    const deltas: string[] = [];
    harness.sidecar.onNotification(GenerateDelta, (delta) => delta.streamId === 'g1' && deltas.push(delta.text));
    // The completion model's FIM prompt is built by hand here, special tokens included.
    const result = await harness.sidecar.request(Generate, { role: 'completion', prompt: '<｜fim▁begin｜>a<｜fim▁hole｜>b<｜fim▁end｜>', streamId: 'g1' });
    assert.equal(result.text, script);
    assert.equal(deltas.join(''), script);
  });

  it('embeds a workspace and lets completions pre-empt the embedding work', async () => {
    // Enough files that indexing is still embedding while the completions arrive.
    const root = mkdtempSync(path.join(tmpdir(), 'pylot-roles-index-'));
    const long = 'const value = compute(input, options);\n'.repeat(40);
    for (let i = 0; i < 40; i++) writeFileSync(path.join(root, `module${i}.ts`), `export function step${i}(input: number) {\n${long}}\n`);
    const statuses: IndexStatus[] = [];
    harness.sidecar.onNotification(IndexStatusChanged, (status) => statuses.push(status));
    try {
      await harness.sidecar.request(OpenIndex, { root, storageDir: path.join(root, '.storage') });
      for (let i = 0; i < 5; i++) {
        const completion = await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: 'x', suffix: 'y' } });
        assert.equal(completion.text, script);
      }
      // The embedding work gave way and was retried: every chunk ends up with its vector.
      const deadline = Date.now() + 120_000;
      while (!statuses.some((s) => s.root === root && s.state === 'idle' && s.chunks > 0 && s.chunksEmbedded === s.chunks) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const done = statuses.findLast((s) => s.root === root)!;
      assert.equal(done.chunksEmbedded, done.chunks, JSON.stringify(done));
      const answer = await harness.sidecar.request(SearchIndex, { query: 'step7 compute input', limit: 3 });
      assert.equal(answer.mode, 'hybrid');
    } finally {
      await harness.sidecar.request(CloseIndex, { root }).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses what a role cannot do, with a reason', async () => {
    await rejectsWithCode(harness.sidecar.request(Generate, { role: 'embeddings', prompt: 'x' }), ErrorCodes.Unsupported);
    await rejectsWithCode(harness.sidecar.request(Generate, { role: 'chat' }), ErrorCodes.InvalidParams);
    await harness.sidecar.request(UnloadModel, { role: 'embeddings' });
    await rejectsWithCode(harness.sidecar.request(Generate, { role: 'embeddings', prompt: 'x' }), ErrorCodes.NoModel);
  });
});
