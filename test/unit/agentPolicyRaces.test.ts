// Security: between the policy's check and the agent's read or write, another process swaps a
// folder on the way for a symbolic link to an outside folder, again and again. The agent's reads
// must never return the outside file and its creates must never land outside: they go through a
// handle checked to be the approved file. A file replaced by a link or given a second hard link
// after the check is refused the same way.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApproved, MovedFileError, readApproved, useKernelNamesForTesting } from '../../extension/agent/policy/fileHandles';
import { readTextFile } from '../../extension/agent/tools/fileTools';

const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-races-')));
const ws = path.join(scratch, 'ws');
const outside = path.join(scratch, 'outside');
let runs = 0;

/** A fresh ws/dir-N holding file.txt, for one race. */
function freshDir(): string {
  const dir = path.join(ws, `dir-${runs++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'file.txt'), 'inside\n');
  return dir;
}

/** A separate process that swaps the folder for a link to outside/ and back, for `ms`. */
function startSwapper(dir: string, ms: number): Promise<number> {
  const script = `
    const fs = require('fs');
    const [dir, parked, outside, ms] = process.argv.slice(1);
    const end = Date.now() + Number(ms);
    let swaps = 0;
    let aside = 0;
    while (Date.now() < end) {
      try { fs.renameSync(dir, parked); fs.symlinkSync(outside, dir); fs.unlinkSync(dir); fs.renameSync(parked, dir); swaps++; } catch {
        // The agent re-made the folder while it was parked: keep that one aside (inside ws) and go on.
        try { if (fs.existsSync(parked) && !fs.lstatSync(dir).isSymbolicLink()) { fs.renameSync(dir, dir + '.aside-' + aside++); fs.renameSync(parked, dir); } } catch {}
      }
    }
    try { fs.unlinkSync(dir); } catch {}
    try { fs.renameSync(parked, dir); } catch {}
    console.log(swaps);`;
  const child = spawn(process.execPath, ['-e', script, dir, `${dir}.parked`, outside, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.once('close', () => resolve(Number(out.trim()))));
}

describe('a folder swapped for a link between the check and the I/O', { skip: process.platform === 'win32' && 'symlinks need privileges on Windows' }, () => {
  before(() => {
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, 'file.txt'), 'OUTSIDE SECRET\n');
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const kernel of [true, false]) {
    it(`never reads the outside file (${kernel ? "the kernel's name for the handle" : 'folders and inode, as on macOS and Windows'})`, async () => {
      useKernelNamesForTesting(kernel);
      const dir = freshDir();
      const swapper = startSwapper(dir, 1500);
      const absolute = path.join(dir, 'file.txt');
      let reads = 0;
      let leaks = 0;
      const end = Date.now() + 1400;
      while (Date.now() < end) {
        const text = await readTextFile(absolute, `${path.basename(dir)}/file.txt`, ws).catch(() => undefined);
        reads++;
        if (text?.includes('OUTSIDE')) leaks++;
      }
      const swaps = await swapper;
      useKernelNamesForTesting(true);
      assert.ok(swaps > 100 && reads > 100, `${swaps} swaps, ${reads} reads`);
      assert.equal(leaks, 0, `${leaks} of ${reads} reads returned the outside file`);
    });

    it(`never creates a file outside (${kernel ? "the kernel's name for the handle" : 'folders and inode, as on macOS and Windows'})`, async () => {
      useKernelNamesForTesting(kernel);
      const dir = freshDir();
      const swapper = startSwapper(dir, 1500);
      const made: string[] = [];
      let refused = 0;
      const end = Date.now() + 1400;
      for (let i = 0; Date.now() < end; i++) {
        const name = `new-${i}.txt`;
        try {
          await createApproved({ absolute: path.join(dir, name), relative: `dir/${name}`, root: ws }, `made ${i}\n`, ws);
          made.push(name);
        } catch (error) {
          assert.ok(error instanceof MovedFileError, String(error));
          refused++;
        }
      }
      await swapper;
      useKernelNamesForTesting(true);
      assert.deepEqual(
        readdirSync(outside).filter((name) => name.startsWith('new-') && readFileSync(path.join(outside, name), 'utf8') !== ''),
        [],
        'nothing written outside',
      );
      assert.ok(made.length > 0 && refused > 0, `${made.length} made, ${refused} refused`);
      // Each made file is inside: in its folder, or where the swapper parked or set aside a folder the create re-made meanwhile.
      const folders = readdirSync(ws)
        .filter((name) => name.startsWith(path.basename(dir)))
        .map((name) => path.join(ws, name));
      for (const name of made) {
        const where = folders.map((folder) => path.join(folder, name)).find(existsSync);
        assert.ok(where, `${name} is inside the workspace`);
        assert.match(readFileSync(where, 'utf8'), /^made \d+\n$/);
      }
      for (const name of readdirSync(outside).filter((n) => n.startsWith('new-'))) rmSync(path.join(outside, name));
    });
  }
});

describe('a file changed after its check', { skip: process.platform === 'win32' && 'symlinks need privileges on Windows' }, () => {
  const root = path.join(scratch, 'ws2');
  before(() => {
    mkdirSync(path.join(root, 'src'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, 'id'), 'OUTSIDE\n');
  });

  it('refuses a file that became a link, a second hard link, or a folder', async () => {
    const file = { absolute: path.join(root, 'src/a.txt'), relative: 'src/a.txt' };
    symlinkSync(path.join(outside, 'id'), file.absolute);
    await assert.rejects(readApproved(file), MovedFileError);
    unlinkSync(file.absolute);
    linkSync(path.join(outside, 'id'), file.absolute);
    await assert.rejects(readApproved(file), /hard links/);
    unlinkSync(file.absolute);
    mkdirSync(file.absolute);
    await assert.rejects(readApproved(file), MovedFileError);
  });

  it('does not create over a file that appeared meanwhile, nor through a link that appeared in its place', async () => {
    const file = { absolute: path.join(root, 'src/b.txt'), relative: 'src/b.txt' };
    symlinkSync(path.join(outside, 'planted'), file.absolute);
    await assert.rejects(createApproved(file, 'pwned', root), MovedFileError);
    assert.equal(existsSync(path.join(outside, 'planted')), false);
    unlinkSync(file.absolute);
    writeFileSync(file.absolute, 'theirs');
    await assert.rejects(createApproved(file, 'mine', root), /appeared/);
    assert.equal(readFileSync(file.absolute, 'utf8'), 'theirs');
  });

  it('makes missing folders one by one, and not through a link', async () => {
    await createApproved({ absolute: path.join(root, 'a/b/c.txt'), relative: 'a/b/c.txt' }, 'c', root);
    assert.equal(readFileSync(path.join(root, 'a/b/c.txt'), 'utf8'), 'c');
    symlinkSync(outside, path.join(root, 'linked'));
    await assert.rejects(createApproved({ absolute: path.join(root, 'linked/d/e.txt'), relative: 'linked/d/e.txt' }, 'e', root), MovedFileError);
    assert.equal(existsSync(path.join(outside, 'd')), false);
  });
});
