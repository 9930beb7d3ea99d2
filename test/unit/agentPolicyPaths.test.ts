// Security: a model-supplied path must never reach outside the workspace folders — not with `..`,
// absolute paths, symlinks (to files, folders, /proc, home, dangling ones), percent-encoding,
// lookalike Unicode, `~`, nor a workspace folder's siblings — and protected files stay protected.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ToolCall } from '../../protocol/agent';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy, type PolicySettings } from '../../extension/agent/policy/policy';

const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-paths-')));
const ws = path.join(scratch, 'ws');
const other = path.join(scratch, 'other');

function layout(): void {
  for (const dir of ['ws/src', 'ws/dir', 'ws/.git/hooks', 'ws/.vscode', 'ws/private', 'ws/config', 'other/lib', 'outside', 'wsEvil', 'other2'])
    mkdirSync(path.join(scratch, dir), { recursive: true });
  const files: Record<string, string> = {
    'ws/src/a.ts': 'export const a = 1;\n',
    'ws/.git/config': '[remote] url = https://token@host\n',
    'ws/.vscode/settings.json': '{}',
    'ws/.pylotignore': 'private/\n',
    'ws/private/key.txt': 'k',
    'ws/.env': 'SECRET=1',
    'ws/config/secrets.json': '{}',
    'ws/id_rsa': 'x',
    'other/lib/b.ts': 'export const b = 2;\n',
    'outside/secret.txt': 'secret',
    'wsEvil/file.txt': 'evil',
    'other2/file.txt': 'x',
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(scratch, file), text);
  const links: Record<string, string> = {
    'ws/link-out': '../outside',
    'ws/link-file': '../outside/secret.txt',
    'ws/link-abs': '/etc',
    'ws/link-proc': '/proc/self/root',
    'ws/link-dangling': '../outside/created-through-link.txt',
    'ws/link-home': homedir(),
    'ws/dir/link-up': '../../outside',
    'ws/link-chain': 'link-out',
    'ws/link-sibling': '../wsEvil',
    'ws/link-git': '.git/config',
    'ws/link-root': '/',
    'other/link-out-b': '../outside',
    'ws/src/link-self-parent': '..',
    'ws/link-private': 'private/key.txt',
    'ws/link-env': '.env',
  };
  for (const [link, target] of Object.entries(links)) symlinkSync(target, path.join(scratch, link));
}

const targets = ['outside/secret.txt', 'wsEvil/file.txt', 'other2/file.txt', 'etc/passwd'];
const escapes: string[] = [
  // Going up, written every way.
  ...targets.flatMap((t) => [
    `../${t}`,
    `../../${t}`,
    `./../${t}`,
    `src/../../${t}`,
    `..\\${t.replace('/', '\\')}`,
    `..//${t}`,
    `src/./../../${t}`,
    `other/../../${t}`,
  ]),
  '..',
  '../',
  '../..',
  'src/../..',
  '../ws',
  '../ws/src/a.ts',
  '../other/lib/b.ts',
  // Absolute, in every dialect.
  path.join(scratch, 'outside/secret.txt'),
  path.join(ws, 'src/a.ts'),
  '/etc/passwd',
  '/proc/self/environ',
  '/proc/self/root/etc/passwd',
  '/proc/1/cmdline',
  'C:\\Windows\\win.ini',
  'c:/Windows/win.ini',
  '\\\\server\\share\\file',
  '//etc/passwd',
  'file:///etc/passwd',
  '\\etc\\passwd',
  // Percent-encoded, double-encoded, overlong UTF-8.
  ...targets.slice(0, 3).flatMap((t) => [`%2e%2e/${t}`, `%2E%2E%2F${t}`, `..%2f${t}`, `%252e%252e/${t}`, `%c0%ae%c0%ae/${t}`]),
  // Unicode lookalikes and invisible characters.
  ...targets
    .slice(0, 3)
    .flatMap((t) => [
      `\uFF0E\uFF0E/${t}`,
      `\u2024\u2024/${t}`,
      `..\uFF0F${t}`,
      `..\u2215${t}`,
      `.\u200b./${t}`,
      `\uFE52\uFE52/${t}`,
      `\u2025/${t}`,
      `..\u0000/${t}`,
    ]),
  // Home.
  '~',
  '~/',
  '~/.ssh/id_rsa',
  '~root/.bashrc',
  '~/../etc/passwd',
  // Symbolic links out of the workspace.
  'link-out/secret.txt',
  'link-file',
  'link-abs/passwd',
  'link-proc/etc/passwd',
  'link-dangling',
  'link-home/.bashrc',
  'dir/link-up/secret.txt',
  'link-chain/secret.txt',
  'link-out/new-file.txt',
  'link-out',
  'link-sibling/file.txt',
  'link-root/etc/passwd',
  'other/link-out-b/secret.txt',
  'src/link-self-parent/../outside/secret.txt',
  'link-out/../../etc/passwd',
  'link-home',
  'link-abs',
  'link-root',
  // Protected files, directly and through links.
  '.git/config',
  '.git/hooks/pre-commit',
  '.GIT/config',
  'src/.git/config',
  'link-git',
  '.env',
  'link-env',
  'config/secrets.json',
  'private/key.txt',
  'link-private',
  'id_rsa',
  '.pylotignore',
  // Not paths at all.
  '',
  ' \n',
  '\u0000',
];

const settings: PolicySettings = { autoApproveReads: true, allowCommands: [], denyCommands: [], allowWrites: ['**'] };
const call = (tool: ToolCall['tool'], args: ToolCall['args']): ToolCall => ({ id: 'c', tool, args });

describe('path confinement', () => {
  let paths: WorkspacePaths;
  let policy: AgentPolicy;
  before(() => {
    layout();
    paths = new WorkspacePaths([
      { name: 'ws', path: ws },
      { name: 'other', path: other },
    ]);
    // Even with every read auto-approved and every write allowed by a rule, escapes are denied.
    policy = new AgentPolicy(paths, () => settings);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it(`denies all ${escapes.length} escape attempts for reads, writes, listings and command folders`, async () => {
    assert.ok(escapes.length >= 100, `${escapes.length} attempts`);
    const succeeded: string[] = [];
    for (const attempt of escapes) {
      for (const proposed of [
        call('read_file', { path: attempt }),
        call('list_files', { path: attempt }),
        call('edit_file', { path: attempt, oldText: 'a', newText: 'b' }),
        call('create_file', { path: attempt, content: 'pwned' }),
        call('run_command', { command: 'ls', cwd: attempt }),
      ]) {
        const { verdict } = await policy.check(proposed);
        if (verdict.kind !== 'deny') succeeded.push(`${proposed.tool} ${JSON.stringify(attempt)} → ${verdict.kind}`);
      }
    }
    assert.deepEqual(succeeded, []);
  });

  it('never resolves an escape attempt to a location outside the workspace folders', async () => {
    const roots = [ws, other];
    for (const attempt of escapes) {
      const where = await paths.resolve(attempt);
      if (where.ok)
        assert.ok(
          roots.some((root) => where.absolute === root || where.absolute.startsWith(root + path.sep)),
          `${JSON.stringify(attempt)} → ${where.absolute}`,
        );
    }
  });

  it('still resolves ordinary workspace paths, in every folder, existing or not', async () => {
    const expectations: Array<[string, string, boolean]> = [
      ['src/a.ts', path.join(ws, 'src/a.ts'), true],
      ['./src//a.ts', path.join(ws, 'src/a.ts'), true],
      ['other/lib/b.ts', path.join(other, 'lib/b.ts'), true],
      ['new/dir/file.ts', path.join(ws, 'new/dir/file.ts'), false],
      ['.', ws, true],
      ['.vscode/settings.json', path.join(ws, '.vscode/settings.json'), true],
    ];
    for (const [input, absolute, exists] of expectations) {
      const where = await paths.resolve(input);
      assert.ok(where.ok, `${input}: ${where.ok ? '' : where.reason}`);
      assert.equal(where.absolute, absolute);
      assert.equal(where.exists, exists);
    }
  });

  it('lets the agent read .vscode/ but not change it', async () => {
    assert.equal((await policy.check(call('read_file', { path: '.vscode/settings.json' }))).verdict.kind, 'allow');
    assert.equal((await policy.check(call('edit_file', { path: '.vscode/settings.json', oldText: '{}', newText: '{"x":1}' }))).verdict.kind, 'deny');
    assert.equal((await policy.check(call('create_file', { path: '.vscode/tasks.json', content: '{}' }))).verdict.kind, 'deny');
  });

  it('asks before writes and commands unless a saved rule covers them, whatever the read setting says', async () => {
    const strict = new AgentPolicy(paths, () => ({ ...settings, allowWrites: ['/docs/**'] }));
    const edit = await strict.check(call('edit_file', { path: 'src/a.ts', oldText: '1', newText: '2' }));
    assert.equal(edit.verdict.kind, 'ask');
    assert.deepEqual(edit.verdict.kind === 'ask' && edit.verdict.rule, { kind: 'writes', patterns: ['/src/**'] });
    assert.equal((await strict.check(call('create_file', { path: 'docs/new.md', content: '#' }))).verdict.kind, 'allow');
    assert.equal((await strict.check(call('run_command', { command: 'npm test' }))).verdict.kind, 'ask');
    strict.rememberForSession({ kind: 'writes', patterns: ['/src/**'] });
    assert.equal((await strict.check(call('edit_file', { path: 'src/a.ts', oldText: '1', newText: '2' }))).verdict.kind, 'allow');
    assert.equal((await strict.check(call('edit_file', { path: 'other/lib/b.ts', oldText: '2', newText: '3' }))).verdict.kind, 'ask');
  });
});
