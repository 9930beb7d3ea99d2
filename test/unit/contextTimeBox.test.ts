// The keystroke path's time box: past the deadline the assembly returns what it has, and the
// imported files it could not reach are parsed in the background for the next request.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cursor, Workspace } from './contextFixture';

describe('context time box', () => {
  const count = 40;
  const files: Record<string, string> = { 'package.json': '{}' };
  for (let i = 0; i < count; i++) files[`lib/mod${i}.ts`] = `export function work${i}(n: number): number {\n  return n + ${i};\n}\n`;
  const w = new Workspace(files);
  after(() => w.dispose());
  const main = `${Array.from({ length: count }, (_, i) => `import { work${i} } from './lib/mod${i}';`).join('\n')}\n\nexport function all(n: number) {\n  ${Array.from({ length: count }, (_, i) => `work${i}(n);`).join(' ')}\n  ${cursor}\n}\n`;
  const imported = (snippets: Array<{ source: string }>) => snippets.filter((s) => s.source === 'imported').length;

  it('returns within an expired deadline with what it has, then finishes in the background', async () => {
    const cold = await w.assembleAt('main.ts', main, { timeBoxMs: 0, budgetChars: 64_000 });
    assert.equal(cold.timedOut, true);
    assert.equal(imported(cold.snippets), 0, 'no imported file was parsed past the deadline');

    const deadline = Date.now() + 10_000;
    let warm = cold;
    while (imported(warm.snippets) < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      warm = await w.assembleAt('main.ts', main, { timeBoxMs: 0, budgetChars: 64_000 });
    }
    assert.equal(imported(warm.snippets), count, 'the background parse made every definition available to a zero time box');
  });
});
