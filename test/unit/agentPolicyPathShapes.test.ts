// Security: the classes of path a realpath-only check let through, each in many shapes, against
// every tool that takes a path — hard links to outside and protected files, nested workspace
// folders with their own .vscode/, .git/ and .pylotignore, `.pylotignore` rules written in another
// Unicode form than the path, the secret names the index knew and the agent did not, and the
// spellings Windows and macOS open as another name (case, trailing dots and spaces, streams,
// short names, ignorable characters). Every shape must be denied, with every rule loosened.
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ToolCall } from '../../protocol/agent';
import { isSecretName } from '../../protocol/secretFiles';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy, type PolicySettings } from '../../extension/agent/policy/policy';
import { WorkspaceFilter } from '../../sidecar/index/workspaceFilter';

const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-shapes-')));
const ws = path.join(scratch, 'ws');
const sub = path.join(ws, 'sub');
const cafeNfd = 'cafe\u0301';
const cafeNfc = 'caf\u00e9';

function layout(): void {
  for (const dir of [
    'ws/src/deep',
    'ws/.git',
    'ws/.vscode',
    'ws/private',
    'ws/sub/.vscode',
    'ws/sub/.git',
    'ws/sub/hidden',
    'ws/sub/open',
    `ws/${cafeNfc}`,
    'outside',
  ]) {
    mkdirSync(path.join(scratch, dir), { recursive: true });
  }
  const files: Record<string, string> = {
    'ws/src/a.ts': 'export const a = 1;\n',
    'ws/.git/config': '[core]\n',
    'ws/.vscode/settings.json': '{}',
    'ws/.env': 'SECRET=1',
    'ws/private/key.txt': 'k',
    'ws/sub/.vscode/settings.json': '{}',
    'ws/sub/.vscode/tasks.json': '{}',
    'ws/sub/.git/config': '[core]\n',
    'ws/sub/hidden/notes.txt': 'hidden',
    'ws/sub/open/ok.txt': 'ok',
    [`ws/${cafeNfc}/menu.txt`]: 'menu',
    'ws/team.code-workspace': '{}',
    'outside/secret.txt': 'outside secret',
    'outside/authorized_keys': 'ssh-ed25519 AAAA',
    // The rules are written decomposed (as macOS types them); the folder is composed.
    'ws/.pylotignore': `private/\n${cafeNfd}/\n`,
    'ws/sub/.pylotignore': 'hidden/\n',
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(scratch, file), text);
  // Hard links: another name for an outside or protected file, somewhere harmless-looking.
  const links: Record<string, string> = {
    'ws/hl-outside.txt': 'outside/secret.txt',
    'ws/src/deep/notes.md': 'outside/authorized_keys',
    'ws/hl-git-config': 'ws/.git/config',
    'ws/src/hl-env.ts': 'ws/.env',
    'ws/hl-ignored.txt': 'ws/private/key.txt',
    'ws/src/settings.json': 'ws/.vscode/settings.json',
    'ws/sub/open/tasks.json': 'ws/sub/.vscode/tasks.json',
    'ws/sub/open/hl-hidden.txt': 'ws/sub/hidden/notes.txt',
    'ws/hl-sub-git': 'ws/sub/.git/config',
    'ws/src/hl-cafe.txt': `ws/${cafeNfc}/menu.txt`,
  };
  for (const [link, target] of Object.entries(links)) linkSync(path.join(scratch, target), path.join(scratch, link));
}

/** Shapes no tool may touch, read or write. */
const hidden: string[] = [
  // Hard links, by every name and through the nested folder's name.
  'hl-outside.txt',
  'src/deep/notes.md',
  'hl-git-config',
  'src/hl-env.ts',
  'hl-ignored.txt',
  'sub/open/hl-hidden.txt',
  'hl-sub-git',
  'src/hl-cafe.txt',
  'ws/hl-outside.txt',
  'ws/src/deep/notes.md',
  'ws/hl-git-config',
  'sub/open/tasks.json',
  'ws/sub/open/tasks.json',
  './hl-outside.txt',
  'src//hl-env.ts',
  // Nested folders: .git/ and .pylotignore of the inner folder, reached through either folder.
  'sub/.git/config',
  'ws/sub/.git/config',
  '.git/config',
  'sub/hidden/notes.txt',
  'ws/sub/hidden/notes.txt',
  'sub/hidden',
  'ws/sub/hidden',
  'sub/.pylotignore',
  'ws/sub/.pylotignore',
  'sub/hidden/new.txt',
  'ws/sub/hidden/new.txt',
  // .pylotignore rules in another Unicode form than the path.
  `${cafeNfc}/menu.txt`,
  `${cafeNfd}/menu.txt`,
  `ws/${cafeNfc}/menu.txt`,
  `${cafeNfc}/new.txt`,
  cafeNfc,
  `${cafeNfc.toUpperCase()}/menu.txt`,
  // Secret names the index knew and the agent did not, at any depth and in any case.
  'app.env',
  'config/prod.env',
  'id_rsa_old',
  'keys/id_ed25519.bak',
  'putty.ppk',
  'service-account-prod.json',
  'gcp/service-account.json',
  '.htpasswd',
  'release.jks',
  'backup.gpg',
  'api.secret',
  'tokens.secrets',
  'server.keystore',
  'cert.p12',
  '.netrc',
  '_netrc',
  '.pgpass',
  'terraform.tfstate',
  'client_secret_123.json',
  'config/.env.production',
  'deploy/id_dsa',
  'tls/server.pem',
  'tls/server.key',
  'vault.kdbx',
  '.git-credentials',
  'credentials',
  '.pypirc',
  'release.pfx',
  'ws/.git/config',
  '.ENV',
  'App.Env',
  'ID_RSA',
  'Id_Rsa_Old',
  '.Env.Local',
  'SECRETS.yaml',
  'Release.JKS',
  'src/.npmrc',
  'secrets/db.txt',
  '.env/lib/site.py',
  '.envrc',
  // Windows: trailing dots and spaces, streams, short names, devices, case.
  '.env.',
  '.env ',
  '.env. .',
  '.env::$DATA',
  '.env:x',
  '.git./config',
  '.git /config',
  '.GIT/config',
  'GIT~1/config',
  'Sub/.GIT/config',
  'private./key.txt',
  'private /key.txt',
  'PRIVATE/key.txt',
  'Private/Key.txt',
  'private::$INDEX_ALLOCATION/key.txt',
  'PRIVAT~1/key.txt',
  'id_rsa.',
  'app.env  ',
  'con',
  'NUL.txt',
  'src/aux.ts',
  'com1',
  'lpt1.log',
  'c:src/a.ts',
  'src/a.ts:secret',
  // macOS: characters HFS+ ignores in names, so these are `.git` and `.env` there.
  '.g\u200cit/config',
  '.git\u200d/config',
  '\u200e.git/config',
  '.e\u034fnv',
  '.en\ufe0fv',
  '.git\u206a/config',
  '\u00ad.env',
];

/** Shapes the agent may read but never change. */
const readOnly: string[] = [
  '.vscode/settings.json',
  '.VSCODE/settings.json',
  'sub/.vscode/settings.json',
  'ws/sub/.vscode/settings.json',
  'sub/.vscode/tasks.json',
  'ws/sub/.vscode/launch.json',
  'sub/.vscode',
  '.vscode/new.json',
  'src/.vscode/settings.json',
  'src/deep/.vscode/tasks.json',
  'team.code-workspace',
  'ws/team.code-workspace',
  'sub/other.code-workspace',
  'sub/.VSCode/settings.json',
  'ws/sub/.vscode/extensions.json',
];

const settings: PolicySettings = { autoApproveReads: true, allowCommands: ['ls'], denyCommands: [], allowWrites: ['**'] };
const call = (tool: ToolCall['tool'], args: ToolCall['args']): ToolCall => ({ id: 'c', tool, args });
const readCalls = (p: string) => [call('read_file', { path: p }), call('list_files', { path: p }), call('search_text', { query: 'x', path: p })];
const writeCalls = (p: string) => [
  call('edit_file', { path: p, oldText: 'a', newText: 'b' }),
  call('create_file', { path: p, content: 'pwned' }),
  call('run_command', { command: 'ls', cwd: p }),
];

describe('path shapes × every tool', () => {
  let policy: AgentPolicy;
  let paths: WorkspacePaths;
  before(() => {
    layout();
    // A multi-root workspace whose second folder sits inside the first.
    paths = new WorkspacePaths([
      { name: 'ws', path: ws },
      { name: 'sub', path: sub },
    ]);
    policy = new AgentPolicy(paths, () => settings);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it(`denies every tool on ${hidden.length} hidden shapes`, async () => {
    assert.ok(hidden.length >= 100, `${hidden.length} shapes`);
    const escaped: string[] = [];
    let checks = 0;
    for (const shape of hidden) {
      for (const proposed of [...readCalls(shape), ...writeCalls(shape)]) {
        checks++;
        const { verdict } = await policy.check(proposed);
        if (verdict.kind !== 'deny') escaped.push(`${proposed.tool} ${JSON.stringify(shape)} → ${verdict.kind}`);
      }
    }
    assert.deepEqual(escaped, []);
    assert.ok(checks >= 600, `${checks} checks`);
  });

  it(`lets the agent read but never change ${readOnly.length} shapes of .vscode/ and workspace files, in every folder`, async () => {
    const escaped: string[] = [];
    for (const shape of readOnly) {
      for (const proposed of writeCalls(shape).slice(0, 2)) {
        const { verdict } = await policy.check(proposed);
        if (verdict.kind !== 'deny') escaped.push(`${proposed.tool} ${JSON.stringify(shape)} → ${verdict.kind}`);
      }
    }
    assert.deepEqual(escaped, []);
    assert.equal((await policy.check(call('read_file', { path: 'sub/.vscode/settings.json' }))).verdict.kind, 'allow');
  });

  it('still allows the ordinary neighbours of those shapes', async () => {
    for (const shape of [
      'src/a.ts',
      'sub/open/ok.txt',
      'ws/sub/open/ok.txt',
      'open/ok.txt',
      'src/new.ts',
      'sub/open/new.ts',
      'src/env.ts',
      'src/environment.ts',
      'docs/secretary.md',
      'rsa_notes.md',
      'src/keys.ts',
      'src/gitconfig.ts',
      'my.vscode.md',
    ]) {
      const { verdict } = await policy.check(call('create_file', { path: shape, content: 'x' }));
      assert.equal(verdict.kind, 'allow', `${shape}: ${verdict.kind === 'deny' ? verdict.reason : verdict.kind}`);
    }
  });

  it('explains a hard-linked file in words a person can act on', async () => {
    const where = await paths.resolve('hl-outside.txt');
    assert.equal(where.ok, false);
    assert.match(!where.ok ? where.reason : '', /hard links.*Copy it to a new file/);
  });
});

describe('one secret list for the agent, the completion filter and the index', () => {
  it('hides the same names everywhere, in every spelling', () => {
    const index = new WorkspaceFilter(scratch);
    const names = [
      'app.env',
      'id_rsa_old',
      'x.ppk',
      'service-account-prod.json',
      '.htpasswd',
      'store.jks',
      'file.gpg',
      'api.secret',
      '.ENV',
      '.env.',
      'ID_RSA ',
      '.env::$DATA',
    ];
    assert.deepEqual(
      names.filter((name) => !isSecretName(name)),
      [],
    );
    assert.deepEqual(
      names.filter((name) => !index.ignoresPath(`src/${name}`)),
      [],
    );
    for (const name of ['env.ts', 'environment.ts', 'keys.ts', 'secretary.md', 'README.md', 'creds.ts']) {
      assert.equal(isSecretName(name), false, name);
      assert.equal(index.ignoresPath(`src/${name}`), false, name);
    }
  });

  it('compares the index’s .pylotignore rules in one Unicode form', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pylot-nfd-'));
    try {
      writeFileSync(path.join(root, '.pylotignore'), `${cafeNfd}/\n`);
      const index = new WorkspaceFilter(root);
      assert.equal(index.ignoresPath(`${cafeNfc}/menu.txt`), true);
      assert.equal(index.ignoresPath(`${cafeNfd}/menu.txt`), true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
