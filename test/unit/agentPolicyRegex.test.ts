// Security: the model's regular expression never runs on the extension host's event loop. A
// catastrophic pattern ((a+)+$ doubles its time per character) is stopped at the time limit with a
// message the model can act on, the loop stays responsive meanwhile, and abort stops it at once.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ToolError } from '../../extension/agent/executeCall';
import { searchText } from '../../extension/agent/tools/fileTools';

const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-regex-')));
const roots = [{ absolute: scratch, relative: '' }];
const visible = async () => false;

/** The longest gap between ticks of a 10 ms interval while `work` runs: how long the event loop was blocked. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T | Error; stallMs: number; ms: number }> {
  let last = performance.now();
  let stallMs = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 10);
  const started = performance.now();
  const result = await work().catch((error: Error) => error);
  clearInterval(tick);
  return { result, stallMs: Math.max(stallMs, performance.now() - last), ms: performance.now() - started };
}

// Catastrophic shapes: each takes seconds to centuries on a backtracking engine against these lines.
const evil = ['(a+)+$', '(a|a)+$', '(a|aa)+$', '(a*)*$', '([a-z]+)*$', '(\\w+\\s?)+$', '(.*a){20}$', '^(a+)+b', '(x+x+)+y', '((a+)+)+c'];

describe('search_text with a regular expression', () => {
  before(() => {
    mkdirSync(path.join(scratch, 'src'), { recursive: true });
    writeFileSync(path.join(scratch, 'src/evil.txt'), `${'a'.repeat(40)}!\n${'x'.repeat(40)}\n${'ab '.repeat(20)}!\n`);
    writeFileSync(path.join(scratch, 'src/code.ts'), 'export function parseConfig() {}\nconst x = parseConfig();\n');
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const pattern of evil) {
    it(`stops /${pattern}/ at the time limit without blocking the event loop`, async () => {
      const { result, stallMs, ms } = await longestStall(() =>
        searchText(roots, pattern, true, visible, new AbortController().signal, { regexTimeLimitMs: 300 }),
      );
      assert.ok(stallMs < 1000, `the event loop stalled ${Math.round(stallMs)} ms`);
      assert.ok(ms < 10_000, `${Math.round(ms)} ms`);
      assert.ok(result instanceof ToolError, String(result));
      assert.match(result.message, /took longer than 0\.3 s.*Simplify it, or search for plain text/);
    });
  }

  it('stops at once when the turn is aborted', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const { result, ms } = await longestStall(() => searchText(roots, '(a+)+$', true, visible, abort.signal, { regexTimeLimitMs: 60_000 }));
    assert.ok(result instanceof ToolError && /cancelled/.test(result.message), String(result));
    assert.ok(ms < 2000, `${Math.round(ms)} ms`);
  });

  it('still finds what an ordinary expression matches, and reports bad ones', async () => {
    const found = await searchText(roots, 'function\\s+parse\\w+', true, visible, new AbortController().signal);
    assert.equal(found, 'src/code.ts:1: export function parseConfig() {}');
    const literal = await searchText(roots, 'PARSECONFIG()', false, visible, new AbortController().signal);
    assert.match(literal, /src\/code\.ts:2: const x = parseConfig\(\);/);
    await assert.rejects(searchText(roots, '(unclosed', true, visible, new AbortController().signal), /Not a valid regular expression/);
  });
});
