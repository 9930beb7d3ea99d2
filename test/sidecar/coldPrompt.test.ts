// A cold prompt sized from the measured speed, on the real sidecar: the speed is measured once per
// model file and machine and kept in the cache folder; at a new spot on a slow machine (a speed
// written into that file, so the test does not depend on this machine's) the first prompt holds only
// the nearest lines and still gives the suggestion, the full prompt is then read in the background,
// and the keystrokes there continue it. A damaged or unwritable cache never stops a model loading.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DidChangeDocument, DidOpenDocument, InlineCompletion, LoadModel, Ping } from '../../protocol/sidecar';
import { scriptedModel } from '../fixtures/models';
import { startHarness, type Harness } from './harness';

const script = 'return a + b;';

/** A ~2,500-token file with an empty function body on line `line`, near its end. */
function longFile(id: string): { text: string; line: number } {
  const body = Array.from({ length: 120 }, (_, i) => `  const ${id}Value${i} = input[${i}] * ${i} + offset;`).join('\n');
  const text = `function ${id}(input: number[], offset: number) {\n${body}\n}\n\nexport function add(a: number, b: number): number {\n  \n}\n\nexport const done = true;\n`;
  return { text, line: text.split('\n').indexOf('export function add(a: number, b: number): number {') + 1 };
}

describe('a cold prompt sized from the measured speed', () => {
  let harness: Harness;
  let model: string;
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'pylot-speed-'));
  const speedFile = path.join(cacheDir, 'speed.json');
  const versions = new Map<string, number>();
  const notify = async (method: string, params: object) => (await harness.sidecar.ensureStarted()).rpc.sendNotification(method, params);
  const open = async (uri: string, text: string) => {
    versions.set(uri, 1);
    await notify(DidOpenDocument.method, { uri, languageId: 'typescript', version: 1, text });
  };
  const type = async (uri: string, line: number, character: number, text: string) => {
    const version = versions.get(uri)! + 1;
    versions.set(uri, version);
    await notify(DidChangeDocument.method, { uri, version, changes: [{ range: { start: { line, character }, end: { line, character } }, text }] });
  };
  const complete = (uri: string, line: number, character: number, extra: object = {}) =>
    harness.sidecar.request(InlineCompletion, { uri, version: versions.get(uri)!, position: { line, character }, snippets: [], ...extra });
  const load = (reload = true) => harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: model }, contextSize: 4096, reload });
  /** Rewrites the measured rates for this model, as a slower machine would have measured them. */
  const pretendSpeed = async (prefillTokensPerSecond: number, decodeTokensPerSecond: number) => {
    const saved = JSON.parse(readFileSync(speedFile, 'utf8')) as Record<string, unknown>;
    const key = Object.keys(saved).find((k) => k.startsWith(`${model}|`))!;
    writeFileSync(speedFile, JSON.stringify({ [key]: { prefillTokensPerSecond, decodeTokensPerSecond } }));
    await load();
  };
  const extended = async () => (await harness.sidecar.request(Ping, null)).completions!.extended ?? 0;
  const untilExtended = async (count: number) => {
    for (let i = 0; i < 200 && (await extended()) < count; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await extended(), count, 'the full prompt was read in the background');
  };

  before(async () => {
    model = await scriptedModel(script);
    harness = startHarness({ settings: () => ({ threads: 1 }), cacheDir });
    await load(false);
  });
  after(async () => {
    await harness.sidecar.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('measures the speed once at load and keeps it per model file and machine', () => {
    const saved = JSON.parse(readFileSync(speedFile, 'utf8')) as Record<string, { prefillTokensPerSecond: number; decodeTokensPerSecond: number }>;
    const entries = Object.entries(saved);
    assert.equal(entries.length, 1);
    const [key, speed] = entries[0]!;
    assert.ok(key.startsWith(`${model}|`), key);
    assert.ok(speed.prefillTokensPerSecond > 0 && speed.decodeTokensPerSecond > 0, JSON.stringify(speed));
  });

  it('on a slow machine, reads only the nearest lines first, shows the suggestion, then reads the full prompt in the background', async () => {
    // 400 tokens/s to read, 40 to write: 1 s leaves 0.8 s, 320 prompt tokens. (Each generation
    // then blends in the speed it saw, so the cold request comes first.)
    await pretendSpeed(400, 40);
    const other = 'file:///work/cold2.ts';
    const second = longFile('other');
    await open(other, second.text);
    const before = await extended();
    const cold = await complete(other, second.line, 2, { latencyTargetMs: 1000 });
    assert.equal(cold.coldPrompt, true);
    assert.deepEqual(cold.items, [script], 'the nearest lines are enough for the suggestion');
    assert.ok(cold.promptTokens! <= 330 && cold.promptTokens! >= 48, `the cold prompt: ${cold.promptTokens} tokens (budget 320)`);
    await untilExtended(before + 1);

    // A keystroke there that the suggestion does not explain: a new generation on the full prompt, anchored.
    await type(other, second.line, 2, 'x');
    const next = await complete(other, second.line, 3, { latencyTargetMs: 1000 });
    assert.equal(next.anchored, true);
    assert.equal(next.coldPrompt, undefined);
    assert.ok(next.promptTokens! <= 3, `the keystroke after the background read evaluated ${next.promptTokens} prompt tokens`);

    const uri = 'file:///work/cold.ts';
    const { text, line } = longFile('cold');
    await open(uri, text);
    const full = await complete(uri, line, 2, { latencyTargetMs: 0 });
    assert.equal(full.coldPrompt, undefined, 'latencyTargetMs 0 reads the whole window');
    assert.ok(full.promptTokens! > 1500, `the full prompt: ${full.promptTokens} tokens`);
  });

  it('a keystroke that stops the background read continues the cold prompt instead', async () => {
    await pretendSpeed(400, 40);
    const uri = 'file:///work/interrupted.ts';
    const { text, line } = longFile('interrupted');
    await open(uri, text);
    const cold = await complete(uri, line, 2, { latencyTargetMs: 1000 });
    assert.equal(cold.coldPrompt, true);
    await type(uri, line, 2, 'q');
    const next = await complete(uri, line, 3, { latencyTargetMs: 1000 });
    assert.equal(next.anchored, true, 'the cold prompt or the full one, whichever was read, is continued');
    assert.deepEqual(next.items, [script]);
  });

  it('never cuts the prompt below the cursor line and its neighbours, however slow the machine', async () => {
    await pretendSpeed(1, 1);
    const uri = 'file:///work/crawl.ts';
    const { text, line } = longFile('crawl');
    await open(uri, text);
    const result = await complete(uri, line, 2, { latencyTargetMs: 1000 });
    assert.equal(result.coldPrompt, true);
    assert.deepEqual(result.items, [script]);
    assert.ok(result.promptTokens! >= 20 && result.promptTokens! <= 120, `the smallest prompt: ${result.promptTokens} tokens`);
  });

  it('sends the full prompt when the KV cache already holds most of it', async () => {
    await pretendSpeed(400, 40);
    const uri = 'file:///work/warm.ts';
    const { text, line } = longFile('warm');
    await open(uri, text);
    await complete(uri, line, 2, { latencyTargetMs: 0 });
    // The line below the cursor: the prefix up to the old cursor is in the cache, only the rest is new.
    await type(uri, line + 1, 0, '\n');
    const moved = await complete(uri, line + 1, 0, { latencyTargetMs: 1000 });
    assert.equal(moved.coldPrompt, undefined);
    assert.ok(moved.promptTokens! <= 320, `a move one line down evaluated ${moved.promptTokens} prompt tokens`);
  });

  for (const [shape, content] of [
    ['not JSON', '{"truncated'],
    ['an array', '[1,2,3]'],
    ['negative and missing rates', JSON.stringify({ any: { prefillTokensPerSecond: -5 }, other: null })],
    ['a string for a rate', JSON.stringify({ x: { prefillTokensPerSecond: '900', decodeTokensPerSecond: 40 } })],
  ] as const) {
    it(`measures again when the saved speeds are ${shape}, and the model loads`, async () => {
      writeFileSync(speedFile, content);
      const info = await load();
      assert.equal(info.role, 'completion');
      const saved = JSON.parse(readFileSync(speedFile, 'utf8')) as Record<string, { prefillTokensPerSecond: number }>;
      const mine = Object.entries(saved).filter(([key]) => key.startsWith(`${model}|`));
      assert.equal(mine.length, 1);
      assert.ok(mine[0]![1].prefillTokensPerSecond > 0);
    });
  }
});

describe('a cache folder that cannot be written', () => {
  for (const [shape, folder] of [
    [
      'a file',
      () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'pylot-speed-file-'));
        writeFileSync(path.join(dir, 'file'), 'x');
        return path.join(dir, 'file');
      },
    ],
    ['under /proc', () => '/proc/self/pylot'],
    ['a relative path', () => 'relative/cache'],
  ] as const) {
    it(`${shape}: the model loads and completes, and the log says why nothing was kept`, async () => {
      const harness = startHarness({ settings: () => ({ threads: 1 }), cacheDir: folder() });
      try {
        await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: await scriptedModel(script) }, contextSize: 2048 });
        const session = await harness.sidecar.ensureStarted();
        await session.rpc.sendNotification(DidOpenDocument.method, {
          uri: 'file:///x.ts',
          languageId: 'typescript',
          version: 1,
          text: 'function f() {\n  \n}\n',
        });
        const result = await harness.sidecar.request(InlineCompletion, { uri: 'file:///x.ts', version: 1, position: { line: 1, character: 2 }, snippets: [] });
        assert.deepEqual(result.items, [script]);
        assert.ok(
          harness.logs.some((line) => line.includes('could not be saved')),
          harness.logs.slice(-10).join('\n'),
        );
      } finally {
        await harness.sidecar.dispose();
      }
    });
  }
});
