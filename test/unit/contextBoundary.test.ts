// No context source puts a file into a prompt that the workspace rules keep out: outside every
// workspace folder (by `..`, an absolute path, a Python ancestor, a symlink to a file or a folder),
// ignored (.pylotignore, .gitignore at any depth, pylot.completion.exclude), or a secret by name —
// whether it arrives as an imported definition, a sibling's usage, an open tab, a visited or edited
// range, or the clipboard. Every forbidden file's text holds LEAK; no snippet may.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { ContextBoundary } from '../../sidecar/context/boundary';
import { SiblingUsage } from '../../sidecar/context/siblingUsage';
import { FsCache } from '../../sidecar/context/resolve/fsCache';
import { TextDocument } from '../../sidecar/documents/store';
import { cursor, Workspace } from './contextFixture';

const parent = mkdtempSync(path.join(tmpdir(), 'pylot-boundary-'));
const root = path.join(parent, 'ws');
const outside = path.join(parent, 'outside');
after(() => rmSync(parent, { recursive: true, force: true }));

function put(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const leakTs = (name: string) => `export function ${name}(input: string): string {\n  return 'LEAK ${name}' + input;\n}\n`;
const leakPy = (name: string) => `def ${name}(value):\n    return "LEAK ${name}" + value\n`;
const fineTs = (name: string) => `export function ${name}(input: string): string {\n  return 'fine ${name}' + input;\n}\n`;

// Outside the workspace.
put(path.join(outside, 'leak.ts'), leakTs('leakRelative'));
put(path.join(outside, 'abs.ts'), leakTs('leakAbsolute'));
put(path.join(outside, 'linked.ts'), leakTs('leakLinkedFile'));
put(path.join(outside, 'dir/inner.ts'), leakTs('leakLinkedDir'));
put(path.join(parent, 'shared/util.py'), leakPy('leak_ancestor'));
put(path.join(outside, '__init__.py'), '');
put(path.join(outside, 'mod.py'), leakPy('leak_dots'));

const w = new Workspace(
  {
    'package.json': '{}',
    '.gitignore': 'generated/\nnode_modules/\n',
    '.pylotignore': 'private/\nnode_modules/blocked/\n',
    'src/.gitignore': 'local.ts\n',
    'private/keys.ts': leakTs('leakPylotignored'),
    'generated/api.ts': leakTs('leakGitignored'),
    'src/local.ts': leakTs('leakNestedGitignore'),
    'src/secrets.ts': leakTs('leakSecretName'),
    'src/id_rsa_helper.ts': leakTs('leakKeyName'),
    'src/vault.ts': leakTs('leakExcluded'),
    'src/.env': 'TOKEN=LEAK',
    'src/fine.ts': fineTs('fineHelper'),
    'node_modules/okpkg/package.json': '{"name":"okpkg","main":"index.js"}',
    'node_modules/okpkg/index.js': 'function okPackage(x) {\n  return x;\n}\nmodule.exports = { okPackage };\n',
    'node_modules/blocked/package.json': '{"name":"blocked","main":"index.js"}',
    'node_modules/blocked/index.js': "function leakBlockedPackage(x) {\n  return 'LEAK' + x;\n}\nmodule.exports = { leakBlockedPackage };\n",
    'pkg/__init__.py': '',
  },
  root,
);
w.service.boundary.setWorkspace([root], ['**/vault.ts']);
symlinkSync(path.join(outside, 'linked.ts'), path.join(root, 'src/linked.ts'));
symlinkSync(path.join(outside, 'dir'), path.join(root, 'src/linkdir'));
symlinkSync(path.join(root, 'src/.env'), path.join(root, 'src/config.ts'));

const noLeak = (snippets: Array<{ text: string; source: string; filename: string }>) => {
  const leaked = snippets.filter((s) => s.text.includes('LEAK'));
  assert.deepEqual(
    leaked.map((s) => `${s.source} ${s.filename}`),
    [],
    'no forbidden text in any snippet',
  );
};

describe('the context boundary', () => {
  it('keeps out every forbidden import in TypeScript and JavaScript, and lets the allowed ones in', async () => {
    const imports: Array<[string, string]> = [
      ['leakRelative', '../outside/leak'],
      ['leakAbsolute', path.join(outside, 'abs').split(path.sep).join('/')],
      ['leakLinkedFile', './src/linked'],
      ['leakLinkedDir', './src/linkdir/inner'],
      ['leakPylotignored', './private/keys'],
      ['leakGitignored', './generated/api'],
      ['leakNestedGitignore', './src/local'],
      ['leakSecretName', './src/secrets'],
      ['leakKeyName', './src/id_rsa_helper'],
      ['leakExcluded', './src/vault'],
      ['secretLinkedAsSource', './src/config'],
      ['fineHelper', './src/fine'],
    ];
    const main = `${imports.map(([name, from]) => `import { ${name} } from '${from}';`).join('\n')}\nconst { okPackage } = require('okpkg');\nconst { leakBlockedPackage } = require('blocked');\n\nexport function run(raw: string) {\n${imports.map(([name]) => `  ${name}(raw);`).join('\n')}\n  okPackage(raw);\n  leakBlockedPackage(raw);\n  ${cursor}\n}\n`;
    w.write('app.ts', main.replace(cursor, ''));
    const { snippets } = await w.assembleAt('app.ts', main);
    noLeak(snippets);
    const imported = snippets
      .filter((s) => s.source === 'imported')
      .map((s) => s.filename)
      .sort();
    assert.deepEqual(imported, ['node_modules/okpkg/index.js', 'src/fine.ts'], 'the allowed definitions, an installed package (gitignored) among them');
  });

  it('keeps out Python modules above the workspace, by dots or by an ancestor folder', async () => {
    const main = `from ...outside.mod import leak_dots\nimport shared.util as util\n\ndef run(value):\n    leak_dots(value)\n    util.leak_ancestor(value)\n    ${cursor}\n`;
    w.write('pkg/main.py', main.replace(cursor, ''));
    const { snippets } = await w.assembleAt('pkg/main.py', main);
    noLeak(snippets);
  });

  it('reads nothing but the current document until the workspace is known', async () => {
    const blind = new Workspace({ 'fine.ts': fineTs('fineHelper') });
    try {
      blind.service.boundary.setWorkspace([]);
      const main = `import { fineHelper } from './fine';\n\nexport function run(raw: string) {\n  fineHelper(raw);\n  ${cursor}\n}\n`;
      const { snippets } = await blind.assembleAt('main.ts', main);
      assert.deepEqual(
        snippets.filter((s) => s.source !== 'enclosing'),
        [],
      );
    } finally {
      blind.dispose();
    }
  });

  it('keeps out open tabs, visited and edited ranges and the clipboard of forbidden documents', async () => {
    const query = 'invoice total amount lines';
    const body = (tag: string) =>
      `function invoiceTotal(invoice) {\n  // ${tag} ${query}\n  return invoice.lines.reduce((sum, line) => sum + line.amount, 0);\n}\n`;
    const forbidden = [
      path.join(outside, 'tab.ts'),
      path.join(root, 'private/tab.ts'),
      path.join(root, 'generated/tab.ts'),
      path.join(root, 'src/secrets.tab.ts'),
      path.join(root, 'src/.env.local'),
    ];
    for (const file of forbidden) put(file, body('LEAK on disk'));
    // A symlink out, and a file not saved yet outside: judged by where they are, not by being open.
    forbidden.push(path.join(root, 'src/linked.ts'), path.join(outside, 'unsaved.ts'));
    const uris = forbidden.map((file, i) => w.openDocument(path.relative(root, file), body(`LEAK ${i}`)).uri);
    // Documents VS Code may have open that are not files at all.
    const other = ['git:/repo/tab.ts?LEAK', 'vscode-userdata:/settings.json'];
    for (const uri of other) w.open.set(uri, new TextDocument(uri, 'typescript', 1, body('LEAK other')));
    const allowed = w.openDocument('src/tab.ts', body('fine tab'));
    const now = Date.now();
    const ranges = (list: string[]) => list.map((uri) => ({ uri, startLine: 0, endLine: 3, at: now }));
    const main = `function summarize(invoice) {\n  // ${query}\n  ${cursor}\n}\n`;
    for (const clipboard of [
      { text: `invoice.lines LEAK copied ${query}`, at: now, source: uris[0] },
      { text: `invoice.lines LEAK copied ${query}`, at: now, source: pathToFileURL(path.join(root, 'src/.env')).href },
    ]) {
      w.service.signals.update({
        openTabs: [...uris, ...other, allowed.uri],
        visited: ranges([...uris, ...other]),
        edited: ranges([...uris, ...other]),
        clipboard,
      });
      const { snippets } = await w.assembleAt('main.ts', main);
      noLeak(snippets);
      assert.ok(
        snippets.some((s) => s.source === 'openTab' && s.filename === 'src/tab.ts'),
        'the allowed tab is used',
      );
    }
    w.service.signals.update({ clipboard: { text: `invoice.lines copied from another app ${query}`, at: now } });
    const { snippets } = await w.assembleAt('main.ts', main);
    assert.ok(
      snippets.some((s) => s.source === 'clipboard'),
      'a clipboard with no document behind it is used',
    );
    w.service.signals.update({ openTabs: [], visited: [], edited: [], clipboard: { text: '', at: 0 } });
  });

  it('does not count what forbidden siblings use', () => {
    const dir = path.join(root, 'siblings');
    put(path.join(dir, 'a.ts'), "import * as util from './util';\nutil.parse(1);\n");
    put(path.join(dir, 'secrets.ts'), "import * as util from './util';\nutil.leakMember(1);\n");
    put(path.join(dir, 'b.ts'), "import * as util from './util';\nutil.parse(2);\n");
    put(path.join(outside, 'elsewhere.ts'), "import * as util from './util';\nutil.leakMember(2);\n");
    symlinkSync(path.join(outside, 'elsewhere.ts'), path.join(dir, 'c.ts'));
    const siblings = new SiblingUsage(new FsCache(), w.service.boundary);
    const members = siblings.membersOf(path.join(dir, 'main.ts'), './util', 'util');
    assert.deepEqual([...members.keys()], ['parse']);
  });

  it('judges a path by where it really is and by the name it was reached by', () => {
    const boundary = new ContextBoundary();
    boundary.setWorkspace([root]);
    const cases: Array<[string, boolean]> = [
      [path.join(root, 'src/fine.ts'), true],
      [path.join(root, 'src/../src/fine.ts'), true],
      [path.join(root, 'src/not-saved-yet.ts'), true],
      [path.join(root, '../outside/leak.ts'), false],
      [path.join(root, 'src/linked.ts'), false],
      [path.join(root, 'src/linkdir/inner.ts'), false],
      [path.join(root, 'src/config.ts'), false],
      [path.join(root, 'src/.env'), false],
      [path.join(root, 'private/keys.ts'), false],
      [path.join(root, 'generated/api.ts'), false],
      [path.join(root, 'node_modules/okpkg/index.js'), true],
      [path.join(root, 'node_modules/blocked/index.js'), false],
      [path.join(root, 'node_modules/okpkg/.env'), false],
      [root, false],
      ['relative/path.ts', false],
    ];
    for (const [file, allowed] of cases) assert.equal(boundary.allowsFile(file), allowed, file);
    assert.equal(boundary.allowsUri('untitled:Untitled-1'), true);
    assert.equal(boundary.allowsUri('git:/x.ts'), false);
    assert.equal(boundary.allowsUri(pathToFileURL(path.join(root, 'src/fine.ts')).href), true);
    boundary.setWorkspace([root, outside]);
    assert.equal(boundary.allowsFile(path.join(outside, 'leak.ts')), true, 'a second workspace folder is inside');
  });
});
