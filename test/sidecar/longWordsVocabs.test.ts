// Long runs of text on every vocabulary llama.cpp's own tests ship (the bundle's ggml-vocab-*.gguf):
// first straight at the tokenizer, each vocabulary in a throwaway process (a crash there is a
// reading, not a dead test runner), then through the real sidecar's model/generate with a tiny
// model on each vocabulary, which must answer and stay the same process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Generate, LoadModel, Ping, UnloadModel } from '../../protocol/sidecar';
import { maxRunChars } from '../../sidecar/engine/safeText';
import { everyLongRun, longRunShapes } from '../fixtures/longRuns';
import { vocabModel } from '../fixtures/models';
import { bundledVocabs, vocabFile } from '../fixtures/vocab';
import { startHarness, type Harness } from './harness';

/** Above the ~23,700 characters at which several vocabularies crash on an 8 MiB stack. */
const overCrashBound = 25_000;
const child = path.join(import.meta.dirname, 'tokenizeChild.mjs');

interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lines: Array<{ shape: string; chars: number; tokens: number; specialTokens: number; exact: boolean; ms: number }>;
  readonly stderr: string;
}

function tokenizeInChild(vocabPath: string, mode: 'guarded' | 'raw', length: number, shapes: readonly string[] = []): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, vocabPath, mode, String(length), ...shapes], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        lines: stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as ChildRun['lines'][number]),
        stderr,
      });
    });
  });
}

describe('long runs of text on every bundled vocabulary', () => {
  let vocabs: string[] = [];
  before(async () => {
    vocabs = await bundledVocabs();
    assert.ok(vocabs.length >= 10, `the bundle's vocabularies: ${vocabs.join(', ')}`);
  });

  it('crash an unguarded tokenizer: the hazard is real (in a throwaway process)', async () => {
    // Measured: letters on deepseek-coder, spaces on deepseek-llm, digits on gpt-neox, dots on falcon.
    for (const [vocab, shape] of [
      ['deepseek-coder', 'letters'],
      ['deepseek-llm', 'spaces'],
      ['gpt-neox', 'digits'],
    ] as const) {
      const run = await tokenizeInChild(await vocabFile(vocab), 'raw', overCrashBound, [shape]);
      assert.equal(run.lines.length, 0, `the unguarded ${vocab} tokenizer answered ${shape}`);
      assert.ok(run.signal !== null || run.code !== 0, `the unguarded process exited cleanly (${run.code})`);
    }
  });

  it('pass through the guarded tokenizer of every vocabulary, every shape, the text kept', async (t) => {
    for (const vocab of vocabs) {
      const run = await tokenizeInChild(await vocabFile(vocab), 'guarded', overCrashBound);
      assert.equal(
        run.signal,
        null,
        `${vocab}: the tokenizer process died (${run.signal}) after ${run.lines.at(-1)?.shape ?? 'loading'}\n${run.stderr.slice(-2000)}`,
      );
      assert.equal(run.code, 0, `${vocab}: exit ${run.code}\n${run.stderr.slice(-2000)}`);
      assert.deepEqual(
        run.lines.map((line) => line.shape),
        Object.keys(longRunShapes),
        `${vocab}: every shape answered`,
      );
      for (const line of run.lines) assert.ok(line.tokens > 0 && line.specialTokens > 0, `${vocab} ${line.shape}: tokens`);
      // Byte-level BPE round-trips exactly; a cut must not change that (WordPiece and SentencePiece normalise text).
      const inexact = run.lines.filter((line) => !line.exact).map((line) => line.shape);
      t.diagnostic(
        `${vocab}: ${run.lines.reduce((sum, line) => sum + line.ms, 0)} ms for ${run.lines.length} shapes; not round-tripped: ${inexact.join(', ') || 'none'}`,
      );
      if (['deepseek-coder', 'deepseek-llm', 'starcoder', 'qwen2', 'gpt-2', 'llama-bpe'].includes(vocab)) {
        assert.deepEqual(
          inexact.filter((shape) => !['ideographicSpaces', 'noBreakSpaces'].includes(shape)),
          [],
          `${vocab}: cut text no longer round-trips`,
        );
      }
    }
  });

  describe('through the sidecar', () => {
    let harness: Harness;
    let pid: number | undefined;
    before(async () => {
      harness = startHarness({ settings: () => ({ threads: 1 }) });
      await harness.sidecar.request(Ping, null);
      pid = harness.sidecar.pid;
    });
    after(() => harness.sidecar.dispose());

    it("answer model/generate, prompt and chat, on every vocabulary's model, in one living process", async (t) => {
      const prompt = everyLongRun(overCrashBound);
      const chat = ['letters', 'cjk', 'dots', 'digits', 'arabic'].map((shape) => longRunShapes[shape]!(overCrashBound)).join('\n');
      for (const vocab of vocabs) {
        const started = performance.now();
        await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await vocabModel(vocab) }, contextSize: 1024 });
        const completed = await harness.sidecar.request(Generate, { role: 'chat', prompt, maxTokens: 2 });
        assert.ok(completed.promptTokens! > 0, `${vocab}: the prompt was evaluated`);
        const chatted = await harness.sidecar.request(Generate, { role: 'chat', messages: [{ role: 'user', content: chat }], maxTokens: 2 }).then(
          () => 'answered',
          (error: Error & { code?: number }) => `refused (${error.code}: ${error.message.slice(0, 80)})`,
        );
        t.diagnostic(`${vocab}: chat ${chatted}; ${Math.round(performance.now() - started)} ms`);
        assert.equal(harness.sidecar.pid, pid, `${vocab}: the sidecar was restarted`);
        await harness.sidecar.request(Ping, null);
      }
      await harness.sidecar.request(UnloadModel, { role: 'chat' });
      assert.equal(harness.sidecar.pid, pid);
      assert.ok(maxRunChars < overCrashBound);
    });
  });
});
