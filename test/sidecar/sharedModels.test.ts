// Two roles naming one model file load it once, in the real sidecar: whatever the spelling (a
// symlink, a hard link, `..`), both roles answer from the one copy, and swapping one role away keeps
// the weights for the other until no role uses them.
import assert from 'node:assert/strict';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Generate, LoadModel, ModelStateChanged, Ping, UnloadModel, type Role } from '../../protocol/sidecar';
import { benchModel, fimModel, scriptedModel } from '../fixtures/models';
import { startHarness, type Harness } from './harness';

const script = 'return shared + weights;';

describe('roles sharing one model file', () => {
  let harness: Harness;
  let dir: string;
  let model: string;
  let other: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pylot-shared-'));
    model = path.join(dir, 'model.gguf');
    copyFileSync(await scriptedModel(script, { name: 'shared' }), model);
    other = await fimModel();
    mkdirSync(path.join(dir, 'sub'));
    symlinkSync(model, path.join(dir, 'link.gguf'));
    linkSync(model, path.join(dir, 'hard.gguf'));
    harness = startHarness({ settings: () => ({ threads: 1 }) });
  });
  after(async () => {
    await harness.sidecar.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const load = (role: Role, file: string) => harness.sidecar.request(LoadModel, { role, source: { kind: 'file', path: file }, contextSize: 512 });
  const localModels = async () => (await harness.sidecar.request(Ping, null)).localModels;
  const complete = async () => (await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: 'let x = ', suffix: '\n' } })).text;
  const chat = async () => (await harness.sidecar.request(Generate, { role: 'chat', messages: [{ role: 'user', content: 'Add them.' }], maxTokens: 32 })).text;

  it('loads the file once for completion and chat through a symlink, and both roles answer from it', async () => {
    await load('completion', model);
    assert.equal(await localModels(), 1);
    const chatInfo = await load('chat', path.join(dir, 'link.gguf'));
    assert.equal(await localModels(), 1, 'the symlinked file must not be loaded a second time');
    assert.equal(chatInfo.location, path.join(dir, 'link.gguf'), 'each role still reports the path it was given');
    assert.ok(
      harness.logs.some((line) => line.includes('(chat) shares the weights')),
      harness.logs.slice(-10).join('\n'),
    );
    assert.equal(await complete(), script);
    assert.equal(await chat(), script);
  });

  it('treats a hard link and a path with `..` as the same file', async () => {
    await load('chat', path.join(dir, 'sub', '..', 'hard.gguf'));
    assert.equal(await localModels(), 1);
    assert.equal(await chat(), script);
    assert.equal(await complete(), script);
  });

  it('keeps the weights for the other role when one role swaps away, and frees them when none uses them', async () => {
    await load('chat', other);
    assert.equal(await localModels(), 2, 'completion still holds the shared file; chat added its new model');
    assert.equal(await complete(), script);
    await harness.sidecar.request(UnloadModel, { role: 'completion' });
    assert.equal(await localModels(), 1, 'no role uses the shared file any more');
    await chat(); // the chat role's own model still answers (random weights: any text)
    // Back on the shared file: a fresh load, and it answers again.
    await load('completion', path.join(dir, 'link.gguf'));
    assert.equal(await localModels(), 2);
    assert.equal(await complete(), script);
  });

  it('finishes loading for the other role when the role whose load it shares swaps away mid-load', { timeout: 180_000 }, async () => {
    await harness.sidecar.request(UnloadModel, { role: 'completion' });
    await harness.sidecar.request(UnloadModel, { role: 'chat' });
    // Large enough that its load is still running when the swap arrives, most of the time; the
    // outcome must be the same either way.
    const big = path.join(dir, 'big.gguf');
    symlinkSync(await benchModel(), big);
    const files: Record<'completion' | 'chat', string> = { completion: big, chat: path.join(dir, 'sub', '..', 'big.gguf') };
    // Whichever role reaches the pool first loads the weights (and reports progress); the other waits on it.
    let loaderSeen!: (role: 'completion' | 'chat') => void;
    const loader = new Promise<'completion' | 'chat'>((resolve) => (loaderSeen = resolve));
    harness.sidecar.onNotification(ModelStateChanged, (state) => {
      if (state.role !== 'embeddings' && state.key === files[state.role] && (state.progress ?? 0) > 0) loaderSeen(state.role);
    });
    const loads = {
      completion: load('completion', files.completion).then(
        () => 'loaded',
        (error: Error) => error.message,
      ),
      chat: load('chat', files.chat).then(
        () => 'loaded',
        (error: Error) => error.message,
      ),
    };
    const swapped = await Promise.race([loader, Promise.all([loads.completion, loads.chat]).then(() => 'completion' as const)]);
    const kept = swapped === 'completion' ? 'chat' : 'completion';
    await load(swapped, model);
    assert.equal(await loads[kept], 'loaded', `${kept} must load although ${swapped} swapped away`);
    assert.match(await loads[swapped], /^loaded$|cancelled/, 'the swapped load either finished or was cancelled, nothing else');
    assert.equal(await localModels(), 2, 'the big file for one role, the scripted one for the other');
    await harness.sidecar.request(Generate, { role: kept, prompt: 'function add(', maxTokens: 4 });
    await harness.sidecar.request(UnloadModel, { role: kept });
    assert.equal(await localModels(), 1);
    await load('completion', model);
    await load('chat', model);
  });

  it('loads a file rewritten under the same path as a new model, never the old weights', async () => {
    await load('chat', model);
    assert.equal(await localModels(), 1);
    // Replace the file behind the path the completion role was loaded from (a new download, say).
    const fresh = path.join(dir, 'fresh.gguf');
    copyFileSync(other, fresh);
    rmSync(path.join(dir, 'link.gguf'));
    symlinkSync(fresh, path.join(dir, 'link.gguf'));
    await load('chat', path.join(dir, 'link.gguf'));
    assert.equal(await localModels(), 2, 'the link now names another file');
    assert.equal(await complete(), script);
  });
});
