// git_diff (extension/agent/git/workspaceGit.ts) through executeCall, on real git repositories: the
// changed files and the diff, staged or not, for one path; protected files left out; and hostile
// shapes — a repository whose config and attributes would run programs (fsmonitor, clean filters,
// textconv, external diff, pager, hooks), a caller's GIT_DIR, names that look like options, globs
// or extra lines, a repository above the workspace folder, a diff over the cap, no repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ToolCall } from '../../protocol/agent';
import { executeCall, type ExecuteDeps } from '../../extension/agent/executeCall';
import { gitChanges } from '../../extension/agent/git/workspaceGit';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy } from '../../extension/agent/policy/policy';
import { RecordingHost } from './helpers/toolHost';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { cwd, stdio: 'pipe' }).toString();

function agentIn(folders: Array<{ name: string; path: string }>) {
  const deps: ExecuteDeps = {
    policy: new AgentPolicy(new WorkspacePaths(folders), () => ({ autoApproveReads: true, allowCommands: [], denyCommands: [], allowWrites: [] })),
    host: new RecordingHost(folders[0]!.path),
    approvalTimeoutMs: 1000,
    saveRule: async () => undefined,
    beforeWrite: () => undefined,
    ui: { onEvent: () => undefined, askContinue: async () => false, requestApproval: async () => ({ kind: 'deny' }) },
  };
  let id = 0;
  return (args: ToolCall['args']) => executeCall({ id: String(++id), tool: 'git_diff', args }, deps, new AbortController().signal);
}

function write(root: string, relative: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  writeFileSync(path.join(root, relative), content);
}

describe('git_diff on a repository with every kind of change', () => {
  const ws = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-gitdiff-')));
  const diff = agentIn([{ name: 'ws', path: ws }]);
  before(() => {
    git(ws, 'init', '-q');
    write(ws, 'src/a.ts', 'export const a = 1;\n');
    write(ws, 'src/b.ts', 'export const b = 1;\n');
    write(ws, '.env', 'TOKEN=old-token\n');
    write(ws, '.pylotignore', 'private/\n');
    write(ws, 'private/notes.txt', 'private v1\n');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-qm', 'init');
    write(ws, 'src/a.ts', 'export const a = 2;\n');
    write(ws, 'src/b.ts', 'export const b = 2;\n');
    git(ws, 'add', 'src/b.ts');
    write(ws, 'notes.md', 'untracked\n');
    write(ws, '.env', 'TOKEN=new-secret-token\n');
    write(ws, 'private/notes.txt', 'private v2 SECRET\n');
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('shows the unstaged changes and untracked files, and leaves out protected ones', async () => {
    const result = await diff({});
    assert.equal(result.status, 'ok', result.output);
    assert.match(
      result.output,
      /^Unstaged changes in the workspace \(2 file\(s\)\):\nM src\/a\.ts\n\?\? notes\.md\n\(2 protected file\(s\) left out\)\n\ndiff --git a\/src\/a\.ts b\/src\/a\.ts\n/,
    );
    assert.match(result.output, /^-export const a = 1;\n\+export const a = 2;$/m);
    assert.doesNotMatch(result.output, /b\.ts|secret|SECRET|TOKEN|private/);
  });

  it('shows what is staged, and one path only', async () => {
    const staged = await diff({ staged: true });
    assert.match(staged.output, /^Staged changes in the workspace \(1 file\(s\)\):\nM src\/b\.ts\n\ndiff --git a\/src\/b\.ts/);
    assert.doesNotMatch(staged.output, /a\.ts|notes/);
    const one = await diff({ path: 'src/a.ts' });
    assert.match(one.output, /^Unstaged changes in src\/a\.ts \(1 file\(s\)\):\nM src\/a\.ts\n/);
    assert.doesNotMatch(one.output, /notes\.md/);
    assert.equal((await diff({ path: 'src/b.ts' })).output, 'No unstaged changes in src/b.ts.');
  });

  it('refuses a protected path and a path outside the workspace, as every read does', async () => {
    for (const target of ['.env', '.git', 'private/notes.txt', '../outside', '/etc']) {
      const result = await diff({ path: target });
      assert.equal(result.status, 'denied', `${target}: ${result.output}`);
      assert.doesNotMatch(result.output, /new-secret-token|SECRET/);
    }
  });
});

describe('git_diff in a hostile repository', () => {
  const ws = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-gitdiff-hostile-')));
  const pwned = path.join(ws, 'PWNED');
  const diff = agentIn([{ name: 'ws', path: ws }]);
  before(() => {
    git(ws, 'init', '-q');
    write(ws, '.gitattributes', '* filter=evil diff=evil\n');
    write(ws, 'code.ts', 'one\n');
    for (const name of ['-rf', '--output=pwned.txt', '*', ':(glob)x', 'line\nM fake.ts', ' spaced.ts']) write(ws, name, 'v1\n');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-qm', 'init');
    const run = (what: string) => `mkdir -p ${pwned} && touch ${pwned}/${what}; cat`;
    // Each of these would run a program on a plain `git diff` or `git status` here.
    git(ws, 'config', 'core.fsmonitor', `${run('fsmonitor')}; echo`);
    git(ws, 'config', 'filter.evil.clean', run('clean'));
    git(ws, 'config', 'filter.evil.process', run('process'));
    git(ws, 'config', 'diff.evil.textconv', run('textconv'));
    git(ws, 'config', 'diff.external', run('external'));
    git(ws, 'config', 'core.pager', run('pager'));
    git(ws, 'config', 'core.hooksPath', '.hooks');
    write(ws, '.hooks/post-index-change', `#!/bin/sh\n${run('hook')}\n`);
    chmodSync(path.join(ws, '.hooks/post-index-change'), 0o755);
    // A filter whose name holds "=": one key, not a key and a value.
    git(ws, 'config', 'filter.a=b.clean', run('equals'));
    write(ws, 'code.ts', 'two\n');
    for (const name of ['-rf', '--output=pwned.txt', '*', ':(glob)x', 'line\nM fake.ts', ' spaced.ts']) write(ws, name, 'v2\n');
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('runs nothing the repository configures, and still shows the real diff', async () => {
    const result = await diff({});
    assert.equal(result.status, 'ok', result.output);
    assert.equal(existsSync(pwned), false, `ran: ${existsSync(pwned) ? readdirSync(pwned).join(', ') : ''}`);
    assert.match(result.output, /^-one\n\+two$/m);
    assert.equal(existsSync(path.join(ws, 'pwned.txt')), false, '--output=… stayed a file name');
  });

  it('lists every hostile name as one line, a name with a newline quoted', async () => {
    const { output } = await diff({});
    const files = output.split('\n\n')[0]!.split('\n').slice(1);
    assert.deepEqual(
      files.sort(),
      ['M  spaced.ts', 'M "line\\nM fake.ts"', 'M *', 'M --output=pwned.txt', 'M -rf', 'M :(glob)x', 'M code.ts', '?? .hooks/post-index-change'].sort(),
    );
  });

  it('takes a path that looks like an option or a glob literally', async () => {
    // (":(glob)x" and " spaced.ts" never get here: the policy refuses them as paths.)
    assert.equal((await diff({ path: ':(glob)x' })).status, 'denied');
    for (const name of ['--output=pwned.txt', '-rf', '*']) {
      const result = await diff({ path: name });
      assert.equal(result.status, 'ok', `${name}: ${result.output}`);
      const listed = result.output.split('\n\n')[0]!.split('\n').slice(1);
      assert.deepEqual(listed, [`M ${name}`], name);
    }
    assert.equal(existsSync(pwned), false);
    assert.equal(existsSync(path.join(ws, 'pwned.txt')), false);
  });

  it('ignores the caller’s GIT_DIR and GIT_EXTERNAL_DIFF', async () => {
    const elsewhere = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-gitdiff-elsewhere-')));
    git(elsewhere, 'init', '-q');
    const saved = { dir: process.env.GIT_DIR, external: process.env.GIT_EXTERNAL_DIFF };
    process.env.GIT_DIR = path.join(elsewhere, '.git');
    process.env.GIT_EXTERNAL_DIFF = `${path.join(ws, '.hooks/post-index-change')}`;
    try {
      const result = await diff({ path: 'code.ts' });
      assert.match(result.output, /^\+two$/m);
      assert.equal(existsSync(pwned), false);
    } finally {
      if (saved.dir === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved.dir;
      if (saved.external === undefined) delete process.env.GIT_EXTERNAL_DIFF;
      else process.env.GIT_EXTERNAL_DIFF = saved.external;
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('git_diff at the edges', () => {
  const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-gitdiff-edges-')));
  after(() => rmSync(base, { recursive: true, force: true }));

  it('says so in a folder that is not in a repository', async () => {
    const plain = path.join(base, 'plain');
    mkdirSync(plain);
    const result = await agentIn([{ name: 'plain', path: plain }])({});
    assert.deepEqual([result.status, result.output], ['error', 'The workspace folder is not in a git repository.']);
  });

  it('shows nothing above the workspace folder when the repository is bigger', async () => {
    const repo = path.join(base, 'repo');
    write(repo, 'outside.ts', 'x1\n');
    write(repo, 'app/inside.ts', 'y1\n');
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'init');
    write(repo, 'outside.ts', 'x2 OUTSIDE\n');
    write(repo, 'app/inside.ts', 'y2\n');
    const result = await agentIn([{ name: 'app', path: path.join(repo, 'app') }])({});
    assert.match(result.output, /^Unstaged changes in the workspace \(1 file\(s\)\):\nM inside\.ts\n/);
    assert.doesNotMatch(result.output, /OUTSIDE|outside\.ts/);
  });

  it('cuts a diff over the cap and says how to see the rest', async () => {
    const repo = path.join(base, 'big');
    write(repo, 'big.txt', 'a\n'.repeat(50_000));
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'init');
    write(repo, 'big.txt', 'b\n'.repeat(50_000));
    const changes = await gitChanges({ folder: repo, staged: false, hidden: async () => false, maxChars: 10_000 });
    assert.equal(changes.truncated, true);
    assert.equal(changes.diff.length, 10_000);
    assert.deepEqual(changes.files, ['M big.txt']);
  });
});
