// The agent's tools below the policy: the background command runner (timeout, cancel and output
// cap end the whole process group), the read-only file tools (no following links, protected files
// hidden, binaries skipped); checkpoints are in agentCheckpoints.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeRun, runCommand } from '../../extension/agent/tools/commandRunner';
import { listFolder, readNumbered, searchText } from '../../extension/agent/tools/fileTools';

const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-tools-')));
const signal = () => new AbortController().signal;
/** Running, not a zombie: a killed child whose parent died may wait a while to be reaped. */
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

describe('command runner', () => {
  const base = { cwd: scratch, timeoutMs: 20_000, outputLimit: 10_000 };

  it('runs in the folder and reports the exit code and output', async () => {
    const run = await runCommand('echo "in $(basename "$PWD")"; echo oops >&2; exit 3', { ...base, signal: signal() });
    assert.equal(run.exitCode, 3);
    assert.match(run.output, new RegExp(`in ${path.basename(scratch)}`));
    assert.match(run.output, /oops/);
    assert.match(describeRun('x', run), /^\$ x\nexit code 3/);
  });

  it('stops at the time limit, children included', async () => {
    const pidFile = path.join(scratch, 'child.pid');
    const run = await runCommand(`sleep 30 & echo $! > ${pidFile}; wait`, { ...base, timeoutMs: 300, signal: signal() });
    assert.equal(run.timedOut, true);
    assert.ok(run.ms < 10_000);
    const child = Number(readFileSync(pidFile, 'utf8').trim());
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(alive(child), false, 'the background sleep was killed with its group');
  });

  it('stops when cancelled', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const run = await runCommand('sleep 30', { ...base, signal: abort.signal });
    assert.equal(run.cancelled, true);
    assert.match(describeRun('sleep 30', run), /cancelled/);
  });

  it('keeps the head and the tail of long output', async () => {
    const run = await runCommand('seq 1 100000', { ...base, outputLimit: 2000, signal: signal() });
    assert.ok(run.output.length < 2200, `${run.output.length} characters kept`);
    assert.match(run.output, /^1\n2\n3\n/);
    assert.match(run.output, /99999\n100000\n$/);
    assert.match(run.output, /characters of output dropped/);
  });
});

describe('file tools', () => {
  before(() => {
    mkdirSync(path.join(scratch, 'ws/src/deep'), { recursive: true });
    mkdirSync(path.join(scratch, 'outside'), { recursive: true });
    writeFileSync(path.join(scratch, 'ws/src/a.ts'), 'const needle = 1;\nexport {};\n');
    writeFileSync(path.join(scratch, 'ws/src/deep/b.ts'), 'needle();\n');
    writeFileSync(path.join(scratch, 'ws/src/.env'), 'needle=secret\n');
    writeFileSync(path.join(scratch, 'ws/src/blob.bin'), Buffer.from([0, 1, 2, 110, 101, 101, 100, 108, 101]));
    writeFileSync(path.join(scratch, 'outside/c.ts'), 'needle outside\n');
    symlinkSync('../../outside', path.join(scratch, 'ws/src/link'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const hidden = async (relative: string) => relative.endsWith('.env');

  it('reads numbered lines, a range, and says what is left', async () => {
    const text = await readNumbered(path.join(scratch, 'ws/src/a.ts'), 'src/a.ts', undefined, 2, 2);
    assert.equal(text, 'src/a.ts (lines 2-2 of 3)\n2 | export {};\n(1 more lines; read on with startLine 3)');
  });

  it('lists without following links or showing protected files', async () => {
    const listing = await listFolder(path.join(scratch, 'ws/src'), 'src', true, async (relative) => hidden(relative));
    assert.equal(listing, 'a.ts\nblob.bin\ndeep/\n  b.ts\nlink@');
  });

  it('searches text files only, never through links or into protected files', async () => {
    const found = await searchText(
      [{ absolute: path.join(scratch, 'ws'), relative: '' }],
      'needle',
      false,
      async (_root, relative) => hidden(relative),
      signal(),
    );
    assert.equal(found, 'src/a.ts:1: const needle = 1;\nsrc/deep/b.ts:1: needle();');
  });
});
