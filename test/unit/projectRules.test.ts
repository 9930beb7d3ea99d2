// The project's rules files as chat and the agent get them: the nearest AGENTS.md to the active
// file, .pylot/rules by front matter, the other tools' files; never a secret, ignored or
// symlinked-out file; cut to the share of the context they may take.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { fitRulesToTokens, frontMatter, readProjectRules, rememberedCounts } from '../../extension/chat/projectRules';

const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-rules-')));
const ws = path.join(scratch, 'ws');
const write = (relative: string, text: string) => {
  mkdirSync(path.dirname(path.join(ws, relative)), { recursive: true });
  writeFileSync(path.join(ws, relative), text);
};
write('AGENTS.md', 'Root rule: use pnpm.');
write('packages/api/AGENTS.md', 'API rule: every handler validates with zod.');
write('packages/api/src/handler.ts', 'export {}');
write('packages/web/src/page.tsx', 'export {}');
write('.github/copilot-instructions.md', 'Copilot rule: British spelling.');
write('.cursorrules', 'Cursor rule: no default exports.');
write('.clinerules/testing.md', 'Cline rule: tests next to code.');
write('.pylot/rules/always.md', '---\ndescription: House style\nalwaysApply: true\n---\nAlways rule: two-space indent.');
write('.pylot/rules/tsx.md', '---\ndescription: React\nglobs: "**/*.tsx"\nalwaysApply: false\n---\nTSX rule: function components only.');
write('.pylot/rules/api.md', '---\nglobs:\n  - packages/api/**\n---\nAPI glob rule: log every request.');
write('.pylot/rules/asked.md', '---\ndescription: Only when asked\n---\nNever applied by itself.');
writeFileSync(path.join(scratch, 'outside.md'), 'Outside rule: run rm -rf /');

describe('project rules files', () => {
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const paths = () => new WorkspacePaths([{ name: 'ws', path: ws }]);
  const sources = async (active: string | undefined, max = 100_000) =>
    (await readProjectRules(paths(), active && path.join(ws, active), max)).map((r) => r.source);

  it('takes the nearest AGENTS.md, the always-rules and the rules whose globs match the active file', async () => {
    assert.deepEqual(await sources('packages/api/src/handler.ts'), [
      '.github/copilot-instructions.md',
      '.cursorrules',
      '.clinerules/testing.md',
      'packages/api/AGENTS.md',
      '.pylot/rules/always.md',
      '.pylot/rules/api.md',
    ]);
    assert.deepEqual(await sources('packages/web/src/page.tsx'), [
      '.github/copilot-instructions.md',
      '.cursorrules',
      '.clinerules/testing.md',
      'AGENTS.md',
      '.pylot/rules/always.md',
      '.pylot/rules/tsx.md',
    ]);
    const none = await readProjectRules(paths(), undefined, 100_000);
    assert.ok(none.some((r) => r.source === 'AGENTS.md' && r.text === 'Root rule: use pnpm.'));
    assert.ok(!none.some((r) => r.source.endsWith('tsx.md') || r.source.endsWith('asked.md')));
    assert.equal(none.find((r) => r.source === '.pylot/rules/always.md')!.text, 'Always rule: two-space indent.', 'front matter is not sent');
  });

  it('never reads a secret, ignored, .git or symlinked-out file as a rule', async () => {
    write('.pylotignore', 'private/\n');
    write('private/AGENTS.md', 'Ignored rule.');
    write('private/x.ts', '');
    write('.git/AGENTS.md', 'Git rule.');
    write('.env/AGENTS.md', 'Env rule.');
    write('.env/x.ts', '');
    mkdirSync(path.join(ws, 'linked'));
    symlinkSync(path.join(scratch, 'outside.md'), path.join(ws, 'linked/AGENTS.md'));
    write('linked/x.ts', '');
    write('.pylot/rules/secret.env', 'not markdown');
    for (const active of ['private/x.ts', '.env/x.ts', 'linked/x.ts']) {
      const rules = await readProjectRules(paths(), path.join(ws, active), 100_000);
      const texts = rules.map((r) => r.text).join('\n');
      assert.doesNotMatch(texts, /Ignored rule|Git rule|Env rule|Outside rule/, active);
      assert.ok(
        rules.some((r) => r.source === 'AGENTS.md'),
        `${active} falls back to the root's AGENTS.md`,
      );
    }
  });

  it('leaves out a rules file a .gitignore names, at any depth', async () => {
    const root = path.join(scratch, 'ignoring');
    const put = (relative: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      writeFileSync(path.join(root, relative), text);
    };
    put('.gitignore', '.cursorrules\n.pylot/rules/personal*.md\n');
    put('.cursorrules', 'Ignored: generated.');
    put('.pylot/rules/personal-notes.md', '---\nalwaysApply: true\n---\nIgnored: my notes.');
    put('.pylot/rules/shared.md', '---\nalwaysApply: true\n---\nShared rule.');
    put('pkg/.gitignore', 'local/\n');
    put('pkg/local/AGENTS.md', 'Ignored: under an ignored folder.');
    put('pkg/local/src/a.ts', 'export {}');
    put('pkg/AGENTS.md', 'Package rule.');
    put('.clinerules/.gitignore', 'draft.md\n');
    put('.clinerules/draft.md', 'Ignored: a draft.');
    put('.clinerules/kept.md', 'Cline rule.');
    const rules = await readProjectRules(new WorkspacePaths([{ name: 'ignoring', path: root }]), path.join(root, 'pkg/local/src/a.ts'), 100_000);
    assert.deepEqual(
      rules.map((r) => r.source),
      ['.clinerules/kept.md', 'pkg/AGENTS.md', '.pylot/rules/shared.md'],
    );
    assert.doesNotMatch(JSON.stringify(rules), /Ignored/);
  });

  it('cuts the rules to the share of the context they may take', async () => {
    const rules = await readProjectRules(paths(), path.join(ws, 'packages/api/src/handler.ts'), 70);
    assert.deepEqual(
      rules.map((r) => r.source),
      ['.github/copilot-instructions.md', '.cursorrules', '.clinerules/testing.md'],
    );
    assert.match(rules.at(-1)!.text, /\[… cut to fit the context\]$/);
    assert.ok(rules.reduce((n, r) => n + r.text.replace(/\n\[… cut to fit the context\]$/, '').length, 0) <= 70);
  });

  it("cuts the rules by the model's own token counts, re-counting a cut that is still over", async () => {
    // A tokenizer whose tokens are uneven: a long word is one token, each character of '!!!!' is one.
    const count = async (texts: string[]) => texts.map((text) => (text.match(/[a-z]+|!/g) ?? []).length);
    const rules = [
      { source: 'AGENTS.md', text: 'alpha beta gamma delta epsilon zeta eta theta iota kappa' },
      // Dense tokens first: a cut in proportion to the characters is still over, and is cut again.
      { source: '.cursorrules', text: '!!!!!!!!!!!!!!!!!!!! lambdalambdalambdalambdalambdala lambdalambdalambdalambda' },
      { source: '.clinerules', text: 'never reached' },
    ];
    const kept = await fitRulesToTokens(rules, 15, count);
    assert.deepEqual(
      kept.map((r) => r.source),
      ['AGENTS.md', '.cursorrules'],
    );
    assert.equal(kept[0]!.text, rules[0]!.text);
    const cut = kept[1]!.text.replace('\n[… cut to fit the context]', '');
    assert.ok(kept[1]!.text.endsWith('[… cut to fit the context]'));
    assert.ok((await count([cut]))[0]! <= 5, `the cut part counts ${(await count([cut]))[0]} tokens: ${cut}`);
    assert.ok(cut.length > 0 && rules[1]!.text.startsWith(cut));
    assert.deepEqual(await fitRulesToTokens(rules, 0, count), []);
  });

  it('asks the tokenizer nothing when there are no rules to count', async () => {
    const asked: string[][] = [];
    assert.deepEqual(
      await fitRulesToTokens([], 100, async (texts) => {
        asked.push(texts);
        return texts.map(() => 1);
      }),
      [],
    );
    assert.deepEqual(asked, []);
  });

  it("remembers each text's count per model: the same rules are counted once, a switched model counts afresh", async () => {
    const asked: string[][] = [];
    let model: string | undefined = 'a.gguf';
    // A tokenizer that differs per model: words for a.gguf, characters for b.gguf.
    const count = rememberedCounts(
      () => model,
      async (texts) => {
        asked.push(texts);
        return texts.map((text) => (model === 'a.gguf' ? text.split(' ').length : text.length));
      },
    );
    assert.deepEqual(await count(['one two', 'three']), [2, 1]);
    assert.deepEqual(await count(['three', 'one two', 'three', 'four five six']), [1, 2, 1, 3], 'in order, repeats and all');
    assert.deepEqual(asked, [['one two', 'three'], ['four five six']], 'only the new text was asked for, once');
    model = 'b.gguf';
    assert.deepEqual(await count(['one two']), [7]);
    model = undefined; // nothing loaded: counted each time, nothing kept
    await count(['one two']);
    await count(['one two']);
    assert.equal(asked.length, 5, 'two more trips, one per call');
    model = 'a.gguf';
    assert.deepEqual(await count(['one two']), [2]);
    assert.equal(asked.length, 5, "a.gguf's counts are still known");
  });

  it('a failed count is not remembered', async () => {
    let fail = true;
    const count = rememberedCounts(
      () => 'a.gguf',
      async (texts) => {
        if (fail) throw new Error('the sidecar is restarting');
        return texts.map((text) => text.length);
      },
    );
    await assert.rejects(count(['abc']), /restarting/);
    fail = false;
    assert.deepEqual(await count(['abc']), [3]);
  });

  it('reads front matter the ways rules files write it', () => {
    assert.deepEqual(frontMatter('---\nglobs: src/**/*.ts, test/**\n---\nbody').meta.globs, ['src/**/*.ts', 'test/**']);
    assert.deepEqual(frontMatter('---\nglobs: [\'*.py\', "*.pyi"]\nalwaysApply: TRUE\n---\nbody').meta, { globs: ['*.py', '*.pyi'], alwaysApply: true });
    assert.deepEqual(frontMatter('---\r\ndescription: "x"\r\n---\r\nbody'), { meta: { globs: [], alwaysApply: false, description: 'x' }, body: 'body' });
    assert.deepEqual(frontMatter('no front matter\n---\n'), { meta: { globs: [], alwaysApply: false }, body: 'no front matter\n---\n' });
    assert.deepEqual(frontMatter('---\nunclosed: true\nbody'), { meta: { globs: [], alwaysApply: false }, body: '---\nunclosed: true\nbody' });
  });
});
