// How big the first prompt at a new spot is: the budget from the measured speed, the nearest whole
// lines within it, the full prompt when the KV cache holds most of it, never less than the cursor's line.
// A plain counter stands in for the tokenizer (4 characters a token).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Engine } from '../../sidecar/engine/engine';
import { minPromptTokens, planPrompt, promptBudget, readChunkTokens } from '../../sidecar/completion/coldPrompt';
import { detectTemplate } from '../../sidecar/completion/templates';
import { cutWindow, nearestLines } from '../../sidecar/completion/window';
import { refineSpeed } from '../../sidecar/engine/local/calibrate';

const template = detectTemplate({ prefix: '<｜fim▁begin｜>', suffix: '<｜fim▁hole｜>', middle: '<｜fim▁end｜>', has: () => false })!;
const lines = Array.from({ length: 300 }, (_, i) => `  const value${i} = input[${i}] * ${i};`);
const text = `function f(input: number[]) {\n${lines.slice(0, 200).join('\n')}\n  \n${lines.slice(200).join('\n')}\n}\n`;
const cursor = text.indexOf('\n  \n') + 3;

function engineAt(prefill: number, decode: number, cachedPrompt = ''): Engine {
  return {
    speed: { prefillTokensPerSecond: prefill, decodeTokensPerSecond: decode },
    promptCost: (prompt: string) => {
      let shared = 0;
      while (shared < prompt.length && prompt[shared] === cachedPrompt[shared]) shared++;
      return { tokens: Math.ceil(prompt.length / 4), cached: Math.floor(shared / 4) };
    },
  } as Engine;
}

describe('the cold prompt', () => {
  const window = cutWindow(text, cursor);
  const input = { window, filename: 'f.ts', targetMs: 1000 };

  it('budgets what the machine reads within the target, after the first tokens', () => {
    assert.equal(promptBudget(engineAt(400, 40), 1000), 320); // 1 s − 8 tokens at 40/s = 0.8 s × 400
    assert.equal(promptBudget(engineAt(400, 4), 1000), minPromptTokens, 'a slow writer still gets the smallest prompt');
    assert.equal(promptBudget(engineAt(400, 40), 0), undefined, '0: no budget');
    assert.equal(promptBudget({} as Engine, 1000), undefined, 'no measured speed: no budget');
  });

  it('reads in the background in chunks of half the target, so a keystroke waits for one at most', () => {
    assert.equal(readChunkTokens(engineAt(400, 40), 1000), 200);
    assert.equal(readChunkTokens(engineAt(400, 40), 0), 200, 'no target: chunks as for 1 s');
    assert.equal(readChunkTokens(engineAt(400, 40), 300), 60);
    assert.equal(readChunkTokens(engineAt(10, 1), 1000), 16, 'a crawling machine still reads 16 tokens a turn');
    assert.equal(readChunkTokens({} as Engine, 1000), undefined, 'no measured speed: one piece');
  });

  it('takes the nearest whole lines within the budget, most of them before the cursor', () => {
    const plan = planPrompt(engineAt(400, 40), template, input);
    assert.ok(plan.cold, 'the full window is more than 320 tokens');
    assert.ok(plan.cold.length / 4 <= 320, `${plan.cold.length / 4} tokens`);
    const prefix = plan.cold.slice(plan.cold.indexOf('<｜fim▁begin｜>') + '<｜fim▁begin｜>'.length, plan.cold.indexOf('<｜fim▁hole｜>'));
    const suffix = plan.cold.slice(plan.cold.indexOf('<｜fim▁hole｜>') + '<｜fim▁hole｜>'.length, plan.cold.indexOf('<｜fim▁end｜>'));
    assert.ok(window.prefix.endsWith(prefix) && window.suffix.startsWith(suffix), 'the lines right around the cursor');
    assert.ok(prefix.startsWith('  const value'), 'whole lines');
    assert.ok(suffix.endsWith('\n'), 'whole lines');
    assert.ok(prefix.length > 2 * suffix.length, `prefix ${prefix.length}, suffix ${suffix.length} characters`);
    assert.equal(plan.full, template.build({ prefix: window.prefix, suffix: window.suffix, filename: 'f.ts' }));
  });

  it('sends the full prompt when it fits, or when the KV cache holds all but what fits', () => {
    assert.equal(planPrompt(engineAt(100_000, 1000), template, input).cold, undefined);
    const full = template.build({ prefix: window.prefix, suffix: window.suffix });
    // The cache holds the prompt up to 200 characters before its end: 50 new tokens.
    assert.equal(planPrompt(engineAt(400, 40, full.slice(0, -200)), template, input).cold, undefined);
    assert.ok(planPrompt(engineAt(400, 40, full.slice(0, 2000)), template, input).cold, 'most of it new: cold');
    assert.equal(planPrompt(engineAt(400, 40), template, { ...input, targetMs: 0 }).cold, undefined, 'target 0: always full');
  });

  it("never cuts below the cursor's own line", () => {
    const long = `${'x'.repeat(5000)}\n  const y = `;
    const w = cutWindow(`${long}1;\nmore();\n`, long.length);
    const near = nearestLines(w, 4, 4);
    assert.equal(near.prefix, '  const y = ');
    assert.equal(near.suffix, '1;\n');
    const plan = planPrompt(engineAt(1, 1), template, { window: w, filename: 'g.ts', targetMs: 1000 });
    assert.ok(plan.cold?.includes('  const y = <｜fim▁hole｜>1;\n'), plan.cold);
  });

  it('handles a cursor at the very start and at the very end of a file', () => {
    assert.deepEqual(nearestLines(cutWindow('abc\ndef\n', 0), 10, 10), { prefix: '', suffix: 'abc\ndef\n' });
    assert.deepEqual(nearestLines(cutWindow('abc\ndef', 7), 2, 10), { prefix: 'def', suffix: '' });
    assert.deepEqual(nearestLines(cutWindow('', 0), 0, 0), { prefix: '', suffix: '' });
  });
});

describe('the measured speed, refined by each generation', () => {
  const speed = { prefillTokensPerSecond: 400, decodeTokensPerSecond: 40 };

  it('blends in the rates a generation showed', () => {
    // 800 prompt tokens read in 1 s (800/s), then 21 tokens in 0.25 s more (80/s).
    assert.deepEqual(refineSpeed(speed, { promptTokens: 800, tokens: 21, firstTextMs: 1000, totalMs: 1250 }), {
      prefillTokensPerSecond: 600,
      decodeTokensPerSecond: 60,
    });
  });

  it('keeps a rate a generation cannot tell', () => {
    assert.deepEqual(refineSpeed(speed, { promptTokens: 3, tokens: 2, firstTextMs: 50, totalMs: 60 }), speed, 'a short prompt, two tokens');
    assert.deepEqual(refineSpeed(speed, { promptTokens: 900, tokens: 0, totalMs: 900 }), speed, 'no text came');
    assert.deepEqual(refineSpeed(speed, { promptTokens: 900, tokens: 9, firstTextMs: 0, totalMs: 0 }), speed, 'no time passed');
  });

  it('never reaches zero', () => {
    const slow = refineSpeed({ prefillTokensPerSecond: 1, decodeTokensPerSecond: 1 }, { promptTokens: 40, tokens: 5, firstTextMs: 1e9, totalMs: 2e9 });
    assert.ok(slow.prefillTokensPerSecond >= 1 && slow.decodeTokensPerSecond >= 1);
  });
});
