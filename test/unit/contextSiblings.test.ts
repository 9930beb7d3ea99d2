// Namespace members guessed from the files next to this one: files in one folder that import the
// same module under the same name tend to use the same members.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { FsCache } from '../../sidecar/context/resolve/fsCache';
import { SiblingUsage } from '../../sidecar/context/siblingUsage';
import { cursor, Workspace } from './contextFixture';

const util = Array.from({ length: 30 }, (_, i) => `export function helper${i}(x: number): number {\n  return x + ${i};\n}`).join('\n');
const locale = (uses: string) => `import * as util from '../core/util';\n\nexport function message(n: number): string {\n  return String(${uses});\n}\n`;

describe('sibling usage', () => {
  const w = new Workspace({
    'package.json': '{}',
    'core/util.ts': util,
    'locales/en.ts': locale('util.helper17(n) + util.helper23(n)'),
    'locales/fr.ts': locale('util.helper17(n)'),
    'locales/de.ts': `import { helper3 } from '../core/util';\nexport const x = helper3(1);\n`,
  });
  after(() => w.dispose());

  it('counts the share of sibling importers that use each member, without the file itself', () => {
    const siblings = new SiblingUsage(new FsCache(), { allowsFile: () => true });
    const members = siblings.membersOf(path.join(w.root, 'locales/it.ts'), '../core/util', 'util');
    assert.equal(members.get('helper17'), 1);
    assert.equal(members.get('helper23'), 0.5);
    assert.equal(members.has('helper3'), false, 'a named import is not a namespace use');
    const fromEn = siblings.membersOf(path.join(w.root, 'locales/en.ts'), '../core/util', 'util');
    assert.equal(fromEn.get('helper23'), undefined, 'the file itself does not count');
  });

  it('guesses the members the siblings use first, for a namespace this file has not used yet', async () => {
    const main = `import * as util from '../core/util';\n\nexport function message(n: number): string {\n  ${cursor}\n}\n`;
    const { snippets } = await w.assembleAt('locales/it.ts', main, { timeBoxMs: 10_000, budgetChars: 2_500 });
    const texts = snippets.filter((s) => s.source === 'imported').map((s) => s.text);
    // Most relevant last (a snippet may hold the close neighbours of a short definition too).
    assert.match(texts.at(-1) ?? '', /function helper17\(/, texts.join('\n---\n'));
    assert.ok(
      texts.some((text) => text.includes('function helper23(')),
      texts.join('\n---\n'),
    );
  });
});
