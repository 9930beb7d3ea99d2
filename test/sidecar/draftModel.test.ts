// A draft model for local chat (speculative decoding), on real node-llama-cpp with generated models:
// greedy answers are the same with and without a draft, a draft that guesses right has its guesses
// kept, and every draft that cannot be used — another vocabulary, a missing, corrupt or hostile file,
// one too large for memory, a server — is left out with a message that says why, while chat answers.
// The last part goes through the real sidecar process and its contract.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Generate, LoadModel, type ModelSource } from '../../protocol/sidecar';
import { createEngine } from '../../sidecar/engine/create';
import type { GenerateOptions } from '../../sidecar/engine/engine';
import { loadLocalEngine, type LocalEngine } from '../../sidecar/engine/local/localEngine';
import { ModelPool } from '../../sidecar/engine/local/modelPool';
import { createRuntime, type Runtime } from '../../sidecar/engine/runtime';
import { hostileShapes } from '../fixtures/gguf/hostile';
import { alteredVocabModel, badModelFiles, embeddingModel, scriptedModel, vocabModel } from '../fixtures/models';
import { ModelManager } from '../../extension/models/modelManager';
import { startHarness, type Harness } from './harness';
import { fakeServer, llamaRoutes, type Fake } from './serverEngineFakes';

const script = 'return total * scale + offset;';
const file = (path: string): ModelSource => ({ kind: 'file', path });
const options = (): GenerateOptions => ({ maxTokens: 32, temperature: 0, signal: new AbortController().signal });
const ask = [{ role: 'user' as const, content: 'Write the line that scales the total.' }];

describe('a draft model for local chat', () => {
  let runtime: Runtime;
  const pool = new ModelPool();
  let target: string;
  let plain: LocalEngine;
  let expected: string;
  let dir: string;

  const load = (draft: ModelSource | undefined, role: 'chat' | 'completion' = 'chat') =>
    loadLocalEngine({
      runtime,
      pool,
      role,
      path: target,
      contextSize: 2048,
      signal: new AbortController().signal,
      onProgress: () => undefined,
      ...(draft && { draft }),
    });

  /** Loads chat with `draft`, checks it answers as without a draft, and returns why the draft is unused. */
  async function refused(draft: ModelSource): Promise<string> {
    const engine = await load(draft);
    try {
      assert.equal(engine.info.draft, undefined);
      assert.ok(engine.info.draftUnused, 'the user is told why');
      const answer = await engine.chat(ask, options());
      assert.equal(answer.text, expected, 'chat still answers, as without a draft');
      assert.equal(answer.predictions, undefined, 'nothing drafted');
      return engine.info.draftUnused;
    } finally {
      await engine.dispose();
    }
  }

  before(async () => {
    runtime = await createRuntime({ threads: 1, gpu: 'cpu' });
    target = await scriptedModel(script, { name: 'draft-target' });
    plain = await load(undefined);
    expected = (await plain.chat(ask, options())).text;
    assert.ok(expected.includes(script), expected);
    dir = await mkdtemp(join(tmpdir(), 'pylot-draft-'));
  });
  after(async () => {
    await plain?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('a draft that agrees with the chat model: the same answer, its guesses kept, and the model info names it', async () => {
    const draftPath = await scriptedModel(script, { name: 'draft-agrees' });
    const engine = await load(file(draftPath));
    try {
      assert.equal(engine.info.draftUnused, undefined);
      assert.equal(engine.info.draft?.location, draftPath);
      assert.equal(engine.info.draft?.contextSize, engine.info.contextSize, 'the draft sees as much as the chat model');
      for (let turn = 0; turn < 2; turn++) {
        const answer = await engine.chat(ask, options());
        assert.equal(answer.text, expected);
        // Of the 8 answer tokens, 3–4 were seen kept per answer (the first comes from the prompt; guesses
        // past the end of the answer count as rejected); a draft that never agrees has none kept.
        assert.ok((answer.predictions?.accepted ?? 0) >= 3, JSON.stringify(answer.predictions));
      }
      // A raw prompt on the chat role drafts too.
      const raw = await engine.complete('Scale it:\n', options());
      assert.equal(raw.text, (await plain.complete('Scale it:\n', options())).text);
      assert.ok((raw.predictions?.accepted ?? 0) >= 3, JSON.stringify(raw.predictions));
    } finally {
      await engine.dispose();
    }
  });

  it('a draft that never agrees: the same answer, its guesses rejected', async () => {
    const engine = await load(file(await scriptedModel('let other = value - 1;', { name: 'draft-disagrees' })));
    try {
      assert.ok(engine.info.draft);
      const answer = await engine.chat(ask, options());
      assert.equal(answer.text, expected);
      assert.ok((answer.predictions?.rejected ?? 0) > 0, JSON.stringify(answer.predictions));
      assert.equal(answer.predictions?.accepted, 0, JSON.stringify(answer.predictions));
      assert.equal(answer.tokens, (await plain.chat(ask, options())).tokens, 'tokens generated, not tokens checked');
    } finally {
      await engine.dispose();
    }
  });

  it('the chat model as its own draft shares its weights (one model in memory) and agrees', async () => {
    const engine = await load(file(target));
    try {
      assert.equal(pool.size, 1);
      const answer = await engine.chat(ask, options());
      assert.equal(answer.text, expected);
      assert.ok((answer.predictions?.accepted ?? 0) >= 3, JSON.stringify(answer.predictions));
    } finally {
      await engine.dispose();
    }
    assert.equal(pool.size, 1, 'the chat model the other engine holds stays');
  });

  for (const [shape, make, why] of [
    ['a SentencePiece vocabulary (llama-spm)', () => vocabModel('llama-spm'), /its tokenizer is "llama", the chat model's is "gpt2"/],
    ['a WordPiece embedding model (bert-bge)', () => embeddingModel(), /its tokenizer is "bert"/],
    ['another BPE vocabulary (gpt-2)', () => vocabModel('gpt-2'), /(BOS|EOS) token is|vocabulary/],
    ['another BPE vocabulary (starcoder)', () => vocabModel('starcoder'), /(BOS|EOS) token is|vocabulary/],
    ['another BPE vocabulary (qwen2)', () => vocabModel('qwen2'), /(BOS|EOS) token is|vocabulary/],
    ['the same vocabulary with one token rewritten', () => alteredVocabModel('token-text'), /token 1000 content differs/],
    ['the same vocabulary with 200 tokens added', () => alteredVocabModel('extra-tokens'), /vocabulary size difference: 200, max allowed: 128/],
  ] as const) {
    it(`refuses a draft with ${shape}, saying the vocabulary must match`, async () => {
      const message = await refused(file(await make()));
      assert.match(message, /^The draft model ".+\.gguf" is not used: /);
      assert.match(message, why);
      assert.match(message, /Speculative decoding needs the same vocabulary/);
      assert.match(message, /Chat runs without it\.$/);
    });
  }

  it('refuses missing, misplaced and corrupt drafts, each with its own message', async () => {
    const bad = await badModelFiles();
    const fifo = join(dir, 'pipe.gguf');
    const folder = join(dir, 'folder.gguf');
    await mkdir(folder);
    if (process.platform !== 'win32') await promisify(execFile)('mkfifo', [fifo]);
    const shapes: Array<[string, string, RegExp]> = [
      ['missing', join(dir, 'nowhere.gguf'), /not found|does not exist|no such/i],
      ['relative', 'models/draft.gguf', /must be absolute/],
      ['a folder', folder, /not a (regular )?file|folder|directory/i],
      ['a text file', bad.notGguf, /not a GGUF model file/],
      ['wrong magic', bad.wrongMagic, /not a GGUF model file/],
      ['a header cut short', bad.truncatedHeader, /truncated/],
      ['tensor data cut short', bad.truncatedData, /truncated|ends|data/],
      ...(process.platform !== 'win32' ? [['a named pipe', fifo, /not a (regular )?file|pipe/i] as [string, string, RegExp]] : []),
    ];
    for (const [shape, path, why] of shapes) {
      const message = await refused(file(path));
      assert.match(message, why, `${shape}: ${message}`);
      assert.match(message, /Chat runs without it\.$/, shape);
    }
  });

  it('counts the draft in the memory plan: a draft too large for this machine is left out, saying so', async () => {
    const message = await refused(file((await badModelFiles()).tooLarge));
    assert.match(message, /not enough memory for it\. .* needs about .* of memory/);
  });

  it('refuses every hostile file shape as a draft, and chat keeps answering', { timeout: 300_000 }, async () => {
    const shapesDir = join(dir, 'hostile');
    await mkdir(shapesDir);
    const shapes = hostileShapes();
    for (const shape of shapes) {
      const path = await shape.make(shapesDir);
      const engine = await load(file(path));
      try {
        assert.equal(engine.info.draft, undefined, shape.id);
        assert.match(engine.info.draftUnused ?? '', shape.message, shape.id);
      } finally {
        await engine.dispose();
      }
    }
    assert.equal((await plain.chat(ask, options())).text, expected);
  });

  it('a server as the draft is refused: a draft must be a local file', async () => {
    const server: ModelSource = { kind: 'server', api: 'llama-server', name: 'drafts', baseUrl: 'http://127.0.0.1:9' };
    assert.match(await refused(server), /a draft model must be a local \.gguf file, not a server/);
  });

  it('a draft for the completion role is refused: drafts are for chat', async () => {
    const engine = await load(file(target), 'completion');
    try {
      assert.match(engine.info.draftUnused ?? '', /A draft model is used for chat only, not for completion/);
      assert.equal(engine.info.draft, undefined);
    } finally {
      await engine.dispose();
    }
  });

  describe('a server chat model', () => {
    let fake: Fake;
    before(async () => (fake = await fakeServer(llamaRoutes())));
    after(() => fake?.close());

    it('runs without the draft, saying it applies to local chat models only', async () => {
      const engine = await createEngine(
        {
          role: 'chat',
          source: { kind: 'server', api: 'llama-server', name: 'big', baseUrl: fake.url },
          contextSize: 2048,
          draft: file(await scriptedModel(script, { name: 'draft-agrees' })),
          signal: new AbortController().signal,
          onProgress: () => undefined,
        },
        async () => runtime,
        pool,
      );
      try {
        assert.equal(engine.info.engine, 'llama-server');
        assert.match(engine.info.draftUnused ?? '', /applies to local chat models only, and .* runs on a server\. Chat runs without it; .*--model-draft/);
      } finally {
        await engine.dispose();
      }
    });
  });
});

describe('a draft model through the sidecar', () => {
  let harness: Harness;
  before(() => {
    harness = startHarness({ settings: () => ({ threads: 1, gpu: 'cpu' }) });
  });
  after(() => harness?.sidecar.dispose());

  it('model/load takes a draft for chat, reports it, and a missing one is reported while chat answers', { timeout: 120_000 }, async () => {
    const target = await scriptedModel(script, { name: 'draft-target' });
    const draft = await scriptedModel(script, { name: 'draft-agrees' });
    const used = await harness.sidecar.request(LoadModel, { role: 'chat', source: file(target), draft: file(draft), contextSize: 2048 });
    assert.equal(used.draft?.location, draft);
    const answer = await harness.sidecar.request(Generate, { role: 'chat', messages: ask, maxTokens: 32, temperature: 0 });
    assert.ok(answer.text.includes(script), answer.text);

    // Another draft is another load; a draft that is gone leaves chat on the same model, without one.
    const missing = join(tmpdir(), 'pylot-no-such-draft.gguf');
    const without = await harness.sidecar.request(LoadModel, { role: 'chat', source: file(target), draft: file(missing), contextSize: 2048 });
    assert.equal(without.draft, undefined);
    assert.match(without.draftUnused ?? '', /^The draft model "pylot-no-such-draft\.gguf" is not used: .*Chat runs without it\.$/);
    assert.equal((await harness.sidecar.request(Generate, { role: 'chat', messages: ask, maxTokens: 32, temperature: 0 })).text, answer.text);
    assert.ok(
      harness.logs.some((line) => line.includes('pylot-no-such-draft.gguf') && line.includes('is not used')),
      'and the log says so',
    );
  });

  it("the extension's model manager sends the draft and announces one that is not used, once per load", { timeout: 120_000 }, async () => {
    const target = await scriptedModel(script, { name: 'draft-target' });
    let draft: ModelSource & { kind: 'file' } = { kind: 'file', path: await vocabModel('llama-spm') };
    const models = new ModelManager(harness.sidecar, (role) =>
      role === 'chat' ? { spec: target, contextSize: 2048, resolve: async () => ({ source: file(target), draft }) } : undefined,
    );
    const skipped: string[] = [];
    models.onDidSkipDraft(({ model }) => skipped.push(model.draftUnused ?? ''));
    try {
      const refused = await models.ensureLoaded('chat');
      assert.equal(refused.draft, undefined);
      assert.equal(skipped.length, 1);
      assert.match(skipped[0]!, /its tokenizer is "llama", the chat model's is "gpt2"\. Speculative decoding needs the same vocabulary/);
      // The user fixes the setting: the chat role loads again, now with the draft, and nothing is announced.
      draft = { kind: 'file', path: await scriptedModel(script, { name: 'draft-agrees' }) };
      await models.reconcile('chat');
      assert.equal(models.state('chat').model?.draft?.location, draft.path);
      assert.equal(skipped.length, 1);
    } finally {
      models.dispose();
    }
  });

  it('a draft set while the chat model is still loading is used: the newer setting loads again', { timeout: 120_000 }, async () => {
    const target = await scriptedModel(script, { name: 'draft-target' });
    const agrees = await scriptedModel(script, { name: 'draft-agrees' });
    let draft: ModelSource | undefined;
    const models = new ModelManager(harness.sidecar, (role) =>
      role === 'chat'
        ? { spec: target, contextSize: 2048, variant: JSON.stringify([draft]), resolve: async () => ({ source: file(target), ...(draft && { draft }) }) }
        : undefined,
    );
    try {
      // models.chat set first (a load starts), then chat.draftModel, before that load ends.
      const first = models.ensureLoaded('chat').then(
        () => 'loaded',
        (error: Error) => error.message,
      );
      draft = file(agrees);
      await models.reconcile('chat');
      assert.match(await first, /^loaded$|cancelled/, 'the first load ends (the sidecar may cancel it for the newer one)');
      assert.equal(models.state('chat').state, 'ready');
      assert.equal(models.state('chat').model?.draft?.location, agrees, 'the draft set during the load is used');
    } finally {
      models.dispose();
    }
  });
});
