// Bounded checkpoints (extension/agent/checkpoints.ts): a turn copies the exact bytes of the files it
// changes, on the first write only, within a size cap and a time budget; a file left out is named
// and reported at restore, never guessed. Run here through executeCall with the real edit and create
// tools on a generated 200 MB workspace, and with hostile shapes: links, hard links, vanished files.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ToolCall } from '../../protocol/agent';
import { Checkpoints, describeRestore, type RestoreFile } from '../../extension/agent/checkpoints';
import { executeCall, type ExecuteDeps } from '../../extension/agent/executeCall';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy } from '../../extension/agent/policy/policy';
import { RecordingHost } from './helpers/toolHost';

const MB = 1024 * 1024;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Restores the way the extension does, minus VS Code: the bytes written back, a new file removed. */
const restoreOnDisk: RestoreFile = async (file, saved) => {
  if (saved.kind === 'absent') unlinkSync(file.absolute);
  else writeFileSync(file.absolute, saved.bytes);
};

function workspace(prefix: string): string {
  return realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
}

describe('a turn on a 200 MB workspace', () => {
  const ws = workspace('pylot-checkpoints-200mb-');
  const cap = 4 * MB;
  const checkpoints = new Checkpoints(() => ({ maxBytes: cap, budgetMs: 60_000 }));
  const host = new RecordingHost(ws);
  const notices: string[] = [];
  const deps: ExecuteDeps = {
    policy: new AgentPolicy(new WorkspacePaths([{ name: 'ws', path: ws }]), () => ({
      autoApproveReads: true,
      allowCommands: [],
      denyCommands: [],
      allowWrites: ['/**'],
    })),
    host,
    approvalTimeoutMs: 1000,
    saveRule: async () => undefined,
    beforeWrite: async (target, text) => {
      const why = await checkpoints.record('turn-1', { absolute: target.absolute, relative: target.relative, root: ws }, text);
      if (why) notices.push(`${target.relative}: ${why}`);
    },
    ui: { onEvent: () => undefined, askContinue: async () => false, requestApproval: async () => ({ kind: 'allowOnce' }) },
  };
  let id = 0;
  const call = (tool: ToolCall['tool'], args: ToolCall['args']) => executeCall({ id: String(++id), tool, args }, deps, new AbortController().signal);
  const big = path.join(ws, 'logs/big.log');
  const touched = ['src/crlf.ts', 'src/bom.ts', 'src/latin1.txt'];
  const hashes = new Map<string, string>();

  before(() => {
    // 2,000 files of 50 KiB (~100 MB) and one 100 MB log: about 200 MB.
    const filler = Buffer.alloc(50 * 1024, 'const filler = 1;\n');
    for (let dir = 0; dir < 20; dir++) {
      mkdirSync(path.join(ws, `pkg${dir}`), { recursive: true });
      for (let i = 0; i < 100; i++) writeFileSync(path.join(ws, `pkg${dir}/f${i}.ts`), filler);
    }
    mkdirSync(path.join(ws, 'logs'));
    const line = 'INFO request served in 3 ms\n';
    writeFileSync(big, Buffer.concat([Buffer.alloc(100 * MB - 32, line), Buffer.from('\nLAST LINE: to be changed here\n')]));
    mkdirSync(path.join(ws, 'src'));
    // Bytes an editor's text does not round-trip: CRLF and mixed line ends, a BOM, Latin-1.
    writeFileSync(path.join(ws, 'src/crlf.ts'), 'export const a = 1;\r\nexport const b = 2;\nexport const c = 3;\r\n');
    writeFileSync(path.join(ws, 'src/bom.ts'), '\ufeffexport const greeting = "héllo";\n');
    writeFileSync(path.join(ws, 'src/latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x6f, 0x6c, 0x64, 0x0a])); // "café\nold\n" in Latin-1
    for (const file of [...touched, 'pkg3/f7.ts']) hashes.set(file, sha(path.join(ws, file)));
    checkpoints.begin('turn-1', 'Change three files and the log');
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('copies only the files the turn changes, once each, and stays under the cap', async () => {
    assert.equal((await call('edit_file', { path: 'src/crlf.ts', oldText: 'const b = 2', newText: 'const b = 20' })).status, 'ok');
    assert.equal((await call('edit_file', { path: 'src/crlf.ts', oldText: 'const c = 3', newText: 'const c = 30' })).status, 'ok');
    assert.equal((await call('edit_file', { path: 'src/bom.ts', oldText: 'héllo', newText: 'hello' })).status, 'ok');
    assert.equal((await call('edit_file', { path: 'src/latin1.txt', oldText: 'old', newText: 'new' })).status, 'ok');
    assert.equal((await call('create_file', { path: 'src/new.ts', content: 'export {};\n' })).status, 'ok');
    const held = checkpoints.heldBytes();
    const copied = touched.reduce((sum, file) => sum + readFileSync(path.join(ws, file)).length, 0);
    assert.ok(held <= cap, `${held} bytes held, cap ${cap}`);
    // The three originals, within a few bytes of their edited selves; nothing of the 2,000 others.
    assert.ok(Math.abs(held - copied) < 16, `held ${held} vs the three files' ${copied}`);
    assert.deepEqual(notices, []);
  });

  it('does not copy a file over the cap, changes it anyway, and says which file cannot be restored', async () => {
    // The log is open in an editor (the tools refuse to read a file this big from disk).
    host.open.set(big, readFileSync(big, 'utf8'));
    const result = await call('edit_file', { path: 'logs/big.log', oldText: 'LAST LINE: to be changed here', newText: 'LAST LINE: changed' });
    host.open.clear();
    assert.equal(result.status, 'ok');
    assert.match(readFileSync(big, 'utf8').slice(-40), /LAST LINE: changed/);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /^logs\/big\.log: it is 100 MB, over what is left of the 4 MB checkpoint cap \(pylot\.agent\.checkpointMaxMB\)$/);
    assert.ok(checkpoints.heldBytes() <= cap);
    const [checkpoint] = checkpoints.list();
    assert.deepEqual(
      checkpoint!.notRestorable.map((n) => n.file),
      [big],
    );
  });

  it('restores every copied file byte for byte, removes the new one, and reports the one it could not', async () => {
    const report = await checkpoints.restoreTo('turn-1', restoreOnDisk);
    assert.deepEqual([...report.restored].sort(), [...touched, 'src/new.ts'].map((f) => path.join(ws, f)).sort());
    for (const file of touched) assert.equal(sha(path.join(ws, file)), hashes.get(file), file);
    assert.equal(existsSync(path.join(ws, 'src/new.ts')), false);
    assert.equal(sha(path.join(ws, 'pkg3/f7.ts')), hashes.get('pkg3/f7.ts'));
    assert.deepEqual(
      report.notRestored.map((n) => n.file),
      [big],
    );
    assert.match(
      describeRestore(report, (f) => path.relative(ws, f)),
      /^Pylot restored 4 file\(s\)\. Not restored: logs\/big\.log \(it is 100 MB, over what is left of the 4 MB checkpoint cap/,
    );
    assert.equal(checkpoints.heldBytes(), 0, 'a restored checkpoint is let go');
  });
});

describe('checkpoint bounds and hostile shapes', () => {
  let ws: string;
  const file = (relative: string, content: string | Buffer = `${relative} before\n`) => {
    const absolute = path.join(ws, relative);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
    return { absolute, relative, root: ws };
  };
  before(() => (ws = workspace('pylot-checkpoints-')));
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('stops copying once the turn has spent its time budget, and names what it left out', async () => {
    let clock = 0;
    // Each read "takes" 2 s on this clock; the budget is 3 s.
    const checkpoints = new Checkpoints(
      () => ({ maxBytes: MB, budgetMs: 3000 }),
      () => (clock += 2000),
    );
    checkpoints.begin('t', 'slow disk');
    const [a, b, c] = [file('a.ts'), file('b.ts'), file('c.ts')];
    assert.equal(await checkpoints.record('t', a, 'a.ts before\n'), undefined);
    assert.equal(await checkpoints.record('t', b, 'b.ts before\n'), undefined);
    assert.equal(await checkpoints.record('t', c, 'c.ts before\n'), "the turn's 3 s for checkpoints was spent");
    assert.equal(
      await checkpoints.record('t', { absolute: path.join(ws, 'new.ts'), relative: 'new.ts', root: ws }, undefined),
      undefined,
      'a new file needs no copy',
    );
    assert.deepEqual(checkpoints.list()[0]!.notRestorable, [{ file: c.absolute, reason: "the turn's 3 s for checkpoints was spent" }]);
  });

  it('drops the oldest turns first to stay under the cap across turns', async () => {
    const checkpoints = new Checkpoints(() => ({ maxBytes: 100, budgetMs: 60_000 }));
    const one = file('one.txt', 'x'.repeat(40));
    const two = file('two.txt', 'y'.repeat(40));
    const three = file('three.txt', 'z'.repeat(40));
    for (const [turn, target] of [
      ['t1', one],
      ['t2', two],
      ['t3', three],
    ] as const) {
      checkpoints.begin(turn, turn);
      assert.equal(await checkpoints.record(turn, target, readFileSync(target.absolute, 'utf8')), undefined);
      assert.ok(checkpoints.heldBytes() <= 100);
    }
    assert.deepEqual(
      checkpoints.list().map((c) => c.turnId),
      ['t2', 't3'],
    );
    await assert.rejects(checkpoints.restoreTo('t1', restoreOnDisk), /That checkpoint is gone/);
    writeFileSync(two.absolute, 'changed');
    writeFileSync(three.absolute, 'changed');
    const report = await checkpoints.restoreTo('t2', restoreOnDisk);
    assert.equal(report.restored.length, 2);
    assert.equal(readFileSync(two.absolute, 'utf8'), 'y'.repeat(40));
    assert.equal(readFileSync(three.absolute, 'utf8'), 'z'.repeat(40));
  });

  it('keeps the first copy of a turn, and restores a file a later turn left out from an earlier copy', async () => {
    const checkpoints = new Checkpoints(() => ({ maxBytes: 64, budgetMs: 60_000 }));
    const target = file('grow.txt', 'v1');
    checkpoints.begin('t1', 'first');
    await checkpoints.record('t1', target, 'v1');
    writeFileSync(target.absolute, 'v2');
    await checkpoints.record('t1', target, 'v2'); // the same turn: the first copy stays
    writeFileSync(target.absolute, 'v3'.repeat(40)); // 80 bytes: over the cap
    checkpoints.begin('t2', 'second');
    assert.match((await checkpoints.record('t2', target, 'v3'.repeat(40))) ?? '', /^it is 80 bytes, over what is left of the 64 bytes checkpoint cap/);
    writeFileSync(target.absolute, 'v4');
    const report = await checkpoints.restoreTo('t1', restoreOnDisk);
    assert.equal(readFileSync(target.absolute, 'utf8'), 'v1');
    assert.deepEqual(report, { restored: [target.absolute], notRestored: [] });
  });

  it('keeps unsaved editor text apart from the bytes on disk', async () => {
    const checkpoints = new Checkpoints(() => ({ maxBytes: MB, budgetMs: 60_000 }));
    const target = file('open.ts', 'on disk\n');
    checkpoints.begin('t', 'open');
    await checkpoints.record('t', target, 'on disk\nplus unsaved typing\n');
    const saved: unknown[] = [];
    await checkpoints.restoreTo('t', async (_file, copy) => void saved.push(copy));
    assert.deepEqual(saved, [{ kind: 'copy', bytes: Buffer.from('on disk\n'), unsaved: 'on disk\nplus unsaved typing\n' }]);
    // What VS Code does to a file it opens (no BOM, one kind of line end) is not unsaved typing.
    const normalised = file('mixed.ts', '\ufeffa\r\nb\n');
    checkpoints.begin('t2', 'opened');
    await checkpoints.record('t2', normalised, 'a\r\nb\r\n');
    const again: unknown[] = [];
    await checkpoints.restoreTo('t2', async (_file, copy) => void again.push(copy));
    assert.deepEqual(again, [{ kind: 'copy', bytes: Buffer.from('\ufeffa\r\nb\n') }]);
  });

  it('refuses to copy through a link or a hard-linked file, and says so', async () => {
    const outside = workspace('pylot-checkpoints-outside-');
    try {
      writeFileSync(path.join(outside, 'secret'), 'outside the workspace');
      const checkpoints = new Checkpoints(() => ({ maxBytes: MB, budgetMs: 60_000 }));
      checkpoints.begin('t', 'links');
      const linked = path.join(ws, 'linked.txt');
      symlinkSync(path.join(outside, 'secret'), linked);
      const hard = path.join(ws, 'hard.txt');
      linkSync(path.join(outside, 'secret'), hard);
      assert.match((await checkpoints.record('t', { absolute: linked, relative: 'linked.txt', root: ws }, 'x')) ?? '', /could not be read .*symbolic link/);
      assert.match((await checkpoints.record('t', { absolute: hard, relative: 'hard.txt', root: ws }, 'x')) ?? '', /could not be read .*hard links/);
      assert.equal(checkpoints.heldBytes(), 0);
      const report = await checkpoints.restoreTo('t', restoreOnDisk);
      assert.deepEqual(report.restored, []);
      assert.equal(report.notRestored.length, 2);
      assert.equal(readFileSync(path.join(outside, 'secret'), 'utf8'), 'outside the workspace');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('goes on restoring the other files when one cannot be written, and names it', async () => {
    const checkpoints = new Checkpoints(() => ({ maxBytes: MB, budgetMs: 60_000 }));
    const [a, b] = [file('ok.txt'), file('locked.txt')];
    checkpoints.begin('t', 'two');
    await checkpoints.record('t', a, 'ok.txt before\n');
    await checkpoints.record('t', b, 'locked.txt before\n');
    writeFileSync(a.absolute, 'after');
    const report = await checkpoints.restoreTo('t', async (target, saved) => {
      if (target === b) throw new Error('EACCES: permission denied');
      await restoreOnDisk(target, saved);
    });
    assert.deepEqual(report.restored, [a.absolute]);
    assert.deepEqual(report.notRestored, [{ file: b.absolute, reason: 'it could not be written (EACCES: permission denied)' }]);
    assert.equal(readFileSync(a.absolute, 'utf8'), 'ok.txt before\n');
  });
});
