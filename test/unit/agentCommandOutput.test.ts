// A command's output read while it runs (extension/agent/tools/backgroundCommands.ts): run_command
// with waitSeconds returns while the command goes on, read_command_output gives what it printed
// since the last read until it exits, under the same cap; cancelling the turn ends it. Real shell
// processes; each waits on a file the test writes, so nothing depends on timing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { BackgroundCommands } from '../../extension/agent/tools/backgroundCommands';

const cwd = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-command-output-')));
const options = (signal = new AbortController().signal, outputLimit = 100_000) => ({ cwd, timeoutMs: 60_000, outputLimit, signal });
/** Prints `before`, waits for the file `gate`, prints `after`, exits with `code`. */
const gated = (gate: string, before: string, after: string, code = 0) =>
  `printf '${before}\\n'; while [ ! -f ${gate} ]; do sleep 0.05; done; printf '${after}\\n'; exit ${code}`;

/** Reads until `done(text)` holds (each read waits up to 10 s for something new); returns every read. */
async function readUntil(commands: BackgroundCommands, id: string, done: (read: string) => boolean): Promise<string[]> {
  const reads: string[] = [];
  for (let i = 0; i < 30; i++) {
    reads.push(await commands.read(id, 10_000, new AbortController().signal));
    if (done(reads.at(-1)!)) return reads;
  }
  assert.fail(`never: ${reads.join(' | ')}`);
}

describe('a command read while it runs', () => {
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('returns while it still runs, then gives each new part of its output once, then its exit', async () => {
    const commands = new BackgroundCommands();
    const first = await commands.start(gated('go-1', 'first part', 'second part', 3), options(), 100);
    assert.match(first, /^\$ printf[^\n]*\nstill running after \d+ s, as cmd-1\. Its output so far:\n/);
    assert.match(first, /Read what it prints next with read_command_output \{"id": "cmd-1"\}\.$/);
    const early = /\nfirst part\n/.test(first) ? [] : await readUntil(commands, 'cmd-1', (read) => read.includes('first part'));
    for (const read of early) assert.match(read, /^cmd-1 is still running \(\d+ s\)\. New output:\n/);
    writeFileSync(path.join(cwd, 'go-1'), '');
    const late = await readUntil(commands, 'cmd-1', (read) => read.startsWith('cmd-1 exited'));
    assert.match(late.at(-1)!, /^cmd-1 exited with code 3 after \d+\.\d s\. New output:\n/);
    const all = [first.split('\n').slice(1).join('\n'), ...early, ...late].join('\n'); // (the first line is the command)
    assert.equal(all.split('first part').length - 1, 1, 'each part is given once');
    assert.equal(all.split('second part').length - 1, 1);
    await assert.rejects(commands.read('cmd-1', 0, new AbortController().signal), /No command cmd-1 is running or was started in this session \(none\)/);
  });

  it('describes a command that ends within the wait as a whole run, as before', async () => {
    const commands = new BackgroundCommands();
    writeFileSync(path.join(cwd, 'go-2'), '');
    assert.match(await commands.start(gated('go-2', 'one', 'two'), options(), 60_000), /^\$ printf[^\n]*\nexit code 0 \(\d+\.\d s\)\none\ntwo$/);
  });

  it('caps what one read gives to its head and tail', async () => {
    const commands = new BackgroundCommands();
    const line = 'x'.repeat(99);
    const started = await commands.start(
      `for i in $(seq 1 2000); do echo ${line}; done; echo LAST; while [ ! -f go-3 ]; do sleep 0.05; done`,
      options(undefined, 1000),
      100,
    );
    const reads = [started, ...(/\nLAST/.test(started) ? [] : await readUntil(commands, 'cmd-1', (read) => read.includes('LAST')))];
    for (const read of reads) assert.ok(read.length < 1400, `one read is ${read.length} characters`);
    assert.match(reads.join('\n'), /characters of output dropped/);
    writeFileSync(path.join(cwd, 'go-3'), '');
    await readUntil(commands, 'cmd-1', (read) => read.startsWith('cmd-1 exited'));
  });

  it('ends a command left running when its turn is cancelled, and says so', async () => {
    const commands = new BackgroundCommands();
    const turn = new AbortController();
    await commands.start(`echo $$ > pid; ${gated('never', 'waiting', 'unreachable')}`, options(turn.signal), 100);
    const pid = Number((await waitForFile(path.join(cwd, 'pid'))).trim());
    turn.abort();
    const reads = await readUntil(commands, 'cmd-1', (read) => read.startsWith('cmd-1 was cancelled'));
    assert.doesNotMatch(reads.join('\n'), /unreachable/);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the shell is gone');
  });

  it('stops waiting when the reading call is cancelled', async () => {
    const commands = new BackgroundCommands();
    const first = await commands.start(gated('go-5', 'started', 'done'), options(), 100);
    if (!/\nstarted\n/.test(first)) await readUntil(commands, 'cmd-1', (read) => read.includes('started'));
    const reading = new AbortController();
    const read = commands.read('cmd-1', 60_000, reading.signal);
    reading.abort();
    assert.match(await read, /^cmd-1 is still running \(\d+ s\)\. New output:\n\(none\)$/);
    writeFileSync(path.join(cwd, 'go-5'), '');
    await readUntil(commands, 'cmd-1', (r) => r.startsWith('cmd-1 exited'));
  });
});

async function waitForFile(file: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    try {
      const text = readFileSync(file, 'utf8');
      if (text.trim()) return text;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${file} never appeared`);
}
