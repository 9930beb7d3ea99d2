// Security: the agent's path policy on Windows' rules, whatever this machine runs — path.win32 on a
// case-insensitive NTFS fake (helpers/fakeWindowsFs.ts). Workspaces opened by a lower-case drive,
// an 8.3 short name, a UNC share or a `\\?\` path still confine; every hostile shape — other drives,
// drive-relative and root-relative paths, UNC and device namespaces, junctions out, short names,
// streams, device names, case and Unicode folding onto `.git`, `.vscode`, secrets and ignored
// files — is refused or keeps its protection; ordinary files in any case or slash still resolve.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { inside, nodeFileSystem } from '../../extension/agent/policy/policyFileSystem';
import { FakeWindowsFs } from './helpers/fakeWindowsFs';

const ws = 'C:\\Users\\Me\\Work\\ws';

function disk(): FakeWindowsFs {
  const fs = new FakeWindowsFs();
  fs.writeFile(`${ws}\\src\\a.ts`, 'export const a = 1;\n');
  fs.writeFile(`${ws}\\.git\\config`, '[core]\n');
  fs.writeFile(`${ws}\\.vscode\\settings.json`, '{}');
  fs.writeFile(`${ws}\\.env`, 'SECRET=1');
  fs.writeFile(`${ws}\\secrets`, 'token');
  fs.writeFile(`${ws}\\private\\key.txt`, 'k');
  fs.writeFile(`${ws}\\.pylotignore`, 'private/\n');
  fs.writeFile(`${ws}\\team.code-workspace`, '{}');
  fs.mkdir(`${ws}\\LongFolderName`, { short: 'LONGFO~1' });
  fs.writeFile(`${ws}\\LongFolderName\\notes.txt`, 'notes', { short: 'NOTES~1.TXT' });
  fs.writeFile(`${ws}\\hard.txt`, 'two names', { links: 2 });
  fs.writeFile('C:\\Users\\Me\\Outside\\secret.txt', 'outside');
  fs.link(`${ws}\\out-link`, 'C:\\Users\\Me\\Outside');
  fs.link(`${ws}\\src-link`, `${ws}\\src`);
  fs.mkdir('C:\\Program Files', { short: 'PROGRA~1' });
  fs.writeFile('C:\\Program Files\\ws2\\src\\b.ts', 'b');
  fs.writeFile('\\\\server\\share\\team\\ws3\\src\\c.ts', 'c');
  fs.writeFile('D:\\ws\\src\\a.ts', 'other drive');
  return fs;
}

describe('the path policy on Windows rules', () => {
  let fs: FakeWindowsFs;
  let paths: WorkspacePaths;

  before(() => {
    fs = disk();
    // As VS Code hands it over: a lower-case drive letter, and here the user's own spelling of the folder.
    paths = new WorkspacePaths([{ name: 'ws', path: 'c:\\users\\me\\work\\WS' }], fs);
  });

  it('resolves ordinary files in any case and with either slash, to their real names', async () => {
    for (const input of ['src/a.ts', 'src\\a.ts', 'SRC\\A.TS', 'Src/A.ts', './src//a.ts', 'src-link\\a.ts']) {
      const resolved = await paths.resolve(input);
      assert.ok(resolved.ok, `${input}: ${!resolved.ok && resolved.reason}`);
      assert.equal(resolved.absolute, `${ws}\\src\\a.ts`, input);
      assert.equal(resolved.relative, 'src/a.ts', input);
      assert.equal(resolved.protection, undefined, input);
    }
    const created = await paths.resolve('SRC\\new file.ts');
    assert.ok(created.ok && !created.exists && created.absolute === `${ws}\\src\\new file.ts`);
  });

  it('confines workspaces opened by an 8.3 short name, a UNC share or a \\\\?\\ path', async () => {
    const opened = [
      { root: 'C:\\PROGRA~1\\ws2', file: 'src\\b.ts', real: 'C:\\Program Files\\ws2\\src\\b.ts' },
      { root: '\\\\server\\share\\team\\ws3', file: 'src/c.ts', real: '\\\\server\\share\\team\\ws3\\src\\c.ts' },
      { root: '\\\\?\\UNC\\server\\share\\team\\ws3', file: 'SRC\\C.TS', real: '\\\\server\\share\\team\\ws3\\src\\c.ts' },
      { root: '\\\\?\\c:\\users\\me\\work\\ws', file: 'src\\a.ts', real: `${ws}\\src\\a.ts` },
    ];
    for (const { root, file, real } of opened) {
      const scoped = new WorkspacePaths([{ name: 'root', path: root }], fs);
      const resolved = await scoped.resolve(file);
      assert.ok(resolved.ok && resolved.absolute === real, `${root} ${file}: ${resolved.ok ? resolved.absolute : resolved.reason}`);
      for (const escape of ['..\\x', '..\\..\\Outside\\secret.txt', 'C:\\Users\\Me\\Outside\\secret.txt', '\\\\server\\share\\team\\other']) {
        assert.equal((await scoped.resolve(escape)).ok, false, `${root}: ${escape}`);
      }
    }
  });

  const escapes = [
    // Up and out, in every separator.
    '..',
    '..\\Outside\\secret.txt',
    '../Outside/secret.txt',
    'src\\..\\..\\Outside\\secret.txt',
    'src/..\\..\\Outside',
    // Absolute, drive-relative and root-relative.
    'C:\\Users\\Me\\Outside\\secret.txt',
    'c:/users/me/outside/secret.txt',
    'C:secret.txt',
    'C:..\\Outside\\secret.txt',
    'D:\\ws\\src\\a.ts',
    'd:ws\\src\\a.ts',
    '\\Users\\Me\\Outside\\secret.txt',
    '/Users/Me/Outside/secret.txt',
    // UNC, device and NT namespaces.
    '\\\\server\\share\\team\\ws3\\src\\c.ts',
    '//server/share/team',
    '\\\\?\\C:\\Users\\Me\\Outside\\secret.txt',
    '\\\\?\\UNC\\server\\share\\team',
    '\\\\.\\C:\\Users\\Me\\Outside',
    '\\\\.\\pipe\\pylot',
    '\\??\\C:\\Users\\Me\\Outside',
    'file:///C:/Users/Me/Outside/secret.txt',
    // Through a junction to outside, existing or to be created.
    'out-link\\secret.txt',
    'OUT-LINK\\SECRET.TXT',
    'out-link\\new.txt',
    // A file with another name somewhere.
    'hard.txt',
    'HARD.TXT',
    // 8.3 short names: another name for a file the rules may not see.
    'PROGRA~1',
    'LONGFO~1\\notes.txt',
    'LongFolderName\\NOTES~1.TXT',
    'src\\A~1.TS',
    // Devices, streams, names Windows trims.
    'CON',
    'con.txt',
    'Con .txt',
    'src\\aux.ts',
    'nul',
    'COM1.log',
    'lpt¹',
    'CONIN$',
    '.env::$DATA',
    '.env:hidden',
    'src\\a.ts:Zone.Identifier',
    '.git.',
    '.git ',
    'src. \\a.ts',
    ' src\\a.ts',
    // Home, encodings, lookalikes.
    '~\\x',
    '%2e%2e\\Outside',
    '\uff0e\uff0e\\Outside',
    'src\uff3ca.ts',
  ];

  for (const input of escapes) {
    it(`refuses ${JSON.stringify(input)}`, async () => {
      const resolved = await paths.resolve(input);
      assert.equal(resolved.ok, false, `${input} resolved to ${resolved.ok && resolved.absolute}`);
    });
  }

  const protectedShapes: Array<[string, 'git' | 'secret' | 'ignored' | 'vscode']> = [
    ['.GIT\\config', 'git'],
    ['.Git\\HEAD', 'git'],
    ['.git\\hooks\\pre-commit', 'git'],
    // Dotless ı: NTFS upper-cases it to I, so `.gıt` opens `.git`.
    ['.g\u0131t\\config', 'git'],
    ['.G\u0131T\\new-hook', 'git'],
    ['.VSCODE\\settings.json', 'vscode'],
    ['.vscode\\TASKS.json', 'vscode'],
    ['Team.CODE-WORKSPACE', 'vscode'],
    ['.ENV', 'secret'],
    ['.Env.Local', 'secret'],
    ['SECRETS', 'secret'],
    // Long s: NTFS upper-cases it to S, so `ſecrets` opens `secrets`.
    ['\u017fecrets', 'secret'],
    // The same by name alone, for files that do not exist yet.
    ['\u017fecrets.yaml', 'secret'],
    ['src\\\u0131d_rsa', 'secret'],
    ['sub\\.G\u0131T\\config', 'git'],
    ['PRIVATE\\key.txt', 'ignored'],
    ['Private\\new.txt', 'ignored'],
    ['.PYLOTIGNORE', 'ignored'],
  ];

  for (const [input, protection] of protectedShapes) {
    it(`keeps ${JSON.stringify(input)} ${protection}`, async () => {
      const resolved = await paths.resolve(input);
      if (resolved.ok) assert.equal(resolved.protection, protection, `${input} → ${resolved.absolute}`);
    });
  }

  it('compares paths by Windows rules: drive letters, UNC shares and case', () => {
    const rules = { path: path.win32, caseInsensitive: true };
    const cases: Array<[string, string, boolean]> = [
      ['C:\\ws', 'C:\\ws\\a.ts', true],
      ['C:\\ws', 'c:\\WS\\A.TS', true],
      ['C:\\ws', 'C:\\ws', true],
      ['C:\\ws', 'C:\\ws2\\a.ts', false],
      ['C:\\ws', 'C:\\', false],
      ['C:\\ws', 'D:\\ws\\a.ts', false],
      ['C:\\ws', '\\\\server\\share\\ws', false],
      ['\\\\server\\share\\ws', '\\\\SERVER\\Share\\ws\\a', true],
      ['\\\\server\\share\\ws', '\\\\server\\other\\ws', false],
      ['C:\\Stra\u00dfe', 'C:\\STRASSE\\x', false],
    ];
    for (const [root, candidate, expected] of cases) assert.equal(inside(root, candidate, rules), expected, `${root} ⊇ ${candidate}`);
    // On a case-sensitive volume (a Mac can have one) another case is another folder.
    assert.equal(inside('/Users/me/ws', '/Users/me/WS/a', { path: path.posix, caseInsensitive: false }), false);
    assert.equal(inside('/Users/me/ws', '/users/ME/ws/a', { path: path.posix, caseInsensitive: true }), true);
  });
});

describe("asking the disk whether a folder's names ignore case", () => {
  it('answers what the file system does, not what the platform usually does', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-case-'));
    try {
      mkdirSync(path.join(scratch, 'Probe'));
      const folds = existsSync(path.join(scratch, 'pROBE'));
      assert.equal(await nodeFileSystem.caseInsensitive(path.join(scratch, 'Probe')), folds);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
