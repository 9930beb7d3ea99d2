// Folders a request names: refused under the kernel's pseudo file systems (also through a symbolic
// link), refused when a file stands in the way, created one level at a time otherwise.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { checkFolder, makeFolder } from '../../sidecar/folders';

const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-folders-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const refusal = (run: () => unknown, pattern: RegExp) =>
  assert.throws(run, (error: unknown) => error instanceof PylotError && error.code === ErrorCodes.InvalidParams && pattern.test(error.message));

describe('folders named by requests', { skip: process.platform === 'win32' }, () => {
  it('refuses /proc, /sys and /dev, and a link that leads there, in a bounded time', () => {
    const started = performance.now();
    for (const folder of ['/proc', '/proc/self', '/proc/self/pylot/index', '/sys/kernel/x', '/dev/shm/pylot']) {
      refusal(() => makeFolder(folder, 'the index storage folder'), /kernel file system/);
    }
    symlinkSync('/proc/self', path.join(scratch, 'link'));
    refusal(() => makeFolder(path.join(scratch, 'link', 'storage'), 'the index storage folder'), /under \/proc/);
    assert.ok(performance.now() - started < 5_000);
  });

  it('refuses relative paths, files, and missing folders that must exist', () => {
    writeFileSync(path.join(scratch, 'file'), 'x');
    refusal(() => makeFolder('relative/storage', 'the index storage folder'), /not an absolute path/);
    refusal(() => makeFolder(path.join(scratch, 'file'), 'the index storage folder'), /is not a folder/);
    refusal(() => makeFolder(path.join(scratch, 'file', 'below'), 'the index storage folder'), /cannot be created: .*file is not a folder/);
    refusal(() => checkFolder(path.join(scratch, 'nope'), { what: 'the workspace folder', mustExist: true }), /^The workspace folder .* does not exist/);
  });

  it('creates missing levels, and accepts a folder that exists', () => {
    const deep = path.join(scratch, 'a', 'b', 'c');
    assert.equal(makeFolder(deep, 'the index storage folder'), deep);
    assert.ok(statSync(deep).isDirectory());
    assert.equal(makeFolder(deep, 'the index storage folder'), deep);
  });
});
