// A short imported definition's snippet takes its close neighbours: the exact text of the file from
// the first to the last, so one snippet carries a run of constants or small helpers.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cursor, Workspace } from './contextFixture';

describe('neighbourhood snippets', () => {
  const codes = [
    '// Error codes.',
    'export const timeout = "timeout";',
    '',
    '/** The device code expired. */',
    'export const codeExpired = "code_expired";',
    'export const denied = "denied";',
    '',
    '',
    '',
    '',
    '',
    'export const farAway = "far_away";',
    '',
    `export function big(): string {\n${Array.from({ length: 30 }, (_, i) => `  const v${i} = "${'x'.repeat(20)}";`).join('\n')}\n  return "";\n}`,
    '',
  ].join('\n');
  const w = new Workspace({ 'package.json': '{}', 'codes.ts': codes });
  after(() => w.dispose());

  it('joins definitions a few lines apart, with the text between them, not far or big ones', async () => {
    const main = `import { codeExpired } from './codes';\n\nexport function check(): void {\n  ${cursor}\n}\n`;
    const { snippets } = await w.assembleAt('main.ts', main);
    const imported = snippets.filter((s) => s.source === 'imported');
    assert.equal(imported.length, 1, JSON.stringify(imported));
    assert.equal(
      imported[0]!.text,
      'export const timeout = "timeout";\n\n/** The device code expired. */\nexport const codeExpired = "code_expired";\nexport const denied = "denied";',
    );
  });

  it('falls back to the definition alone when the neighbourhood does not fit the budget', async () => {
    const main = `import { codeExpired } from './codes';\n\nexport function check(): void {\n  ${cursor}\n}\n`;
    const { snippets } = await w.assembleAt('main.ts', main, { timeBoxMs: 10_000, budgetChars: 60 });
    assert.deepEqual(
      snippets.filter((s) => s.source === 'imported').map((s) => s.text),
      ['export const codeExpired = "code_expired";'],
    );
  });
});
