// Exactly one writer per index, however many processes open it at the same moment: real processes,
// told to take the lock with one write to all of them at once, race again and again — for a free
// lock, a stale one (its writer died), one left half-written by a crash, one whose takeover guard a
// crash left behind, and for whole WorkspaceIndex opens.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';

const processes = 6;
const racesPerKind = 8;
const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-writer-lock-'));
const child = path.join(import.meta.dirname, 'lockChild.mjs');

interface Racer {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly answers: Map<string, (answer: string) => void>;
}

async function startRacer(): Promise<Racer> {
  const proc = spawn(process.execPath, [child], { stdio: ['pipe', 'pipe', 'pipe'] });
  const answers = new Map<string, (answer: string) => void>();
  const lines = createInterface({ input: proc.stdout });
  const ready = new Promise<void>((resolve, reject) => {
    proc.once('exit', (code, signal) => reject(new Error(`racer exited (${code ?? signal}) before it was ready`)));
    lines.on('line', (line) => {
      if (line === 'ready') return resolve();
      const [id, answer] = line.split('\t');
      answers.get(id!)?.(answer!);
    });
  });
  await ready;
  return { proc, answers };
}

/** Sends one request to every racer in the same turn of the event loop; resolves with how many became the writer. */
async function race(racers: readonly Racer[], id: string, request: string[]): Promise<number> {
  const answers = racers.map((racer) => new Promise<string>((resolve) => racer.answers.set(id, resolve)));
  for (const racer of racers) racer.proc.stdin.write(`${[id, ...request].join('\t')}\n`);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`race ${id} got no answer`)), 30_000).unref());
  const results = await Promise.race([Promise.all(answers), timeout]);
  return results.filter((answer) => answer === 'writer').length;
}

/** The pid of a process that has exited: what a crashed writer leaves in its lock. */
async function deadPid(): Promise<number> {
  const proc = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(proc, 'exit');
  return proc.pid!;
}

describe('the index writer lock under simultaneous opens', () => {
  let racers: Racer[] = [];
  before(async () => {
    racers = await Promise.all(Array.from({ length: processes }, () => startRacer()));
  });
  after(async () => {
    for (const racer of racers) {
      racer.proc.kill('SIGKILL');
      if (racer.proc.exitCode === null && racer.proc.signalCode === null) await once(racer.proc, 'exit');
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  const lockRaces: Record<string, (file: string) => Promise<void> | void> = {
    'a free lock': () => undefined,
    'a stale lock (its writer died)': async (file) => writeFileSync(file, JSON.stringify({ pid: await deadPid(), host: hostname(), since: 'then' })),
    'a lock a crash left empty': (file) => {
      writeFileSync(file, '');
      const minuteAgo = new Date(Date.now() - 60_000);
      utimesSync(file, minuteAgo, minuteAgo);
    },
    'a stale lock whose takeover died half way': async (file) => {
      writeFileSync(file, JSON.stringify({ pid: await deadPid(), host: hostname(), since: 'then', nonce: 'crashed-writer' }));
      writeFileSync(`${file}.takeover.crashed-writer`, JSON.stringify({ pid: await deadPid(), host: hostname(), since: 'then', nonce: 'crashed-takeover' }));
    },
  };

  for (const [kind, prepare] of Object.entries(lockRaces)) {
    it(`has one writer for ${kind}, ${racesPerKind} races of ${processes} processes`, async () => {
      for (let round = 0; round < racesPerKind; round++) {
        const file = path.join(scratch, `${kind.replace(/\W+/g, '-')}-${round}.lock`);
        await prepare(file);
        const writers = await race(racers, `${kind}-${round}`, ['lock', file]);
        assert.equal(writers, 1, `${kind}, race ${round}: ${writers} writers`);
      }
    });
  }

  it(`has one writer when ${processes} processes open the same WorkspaceIndex at once, ${racesPerKind} races`, async () => {
    for (let round = 0; round < racesPerKind; round++) {
      const root = path.join(scratch, `workspace-${round}`);
      mkdirSync(root, { recursive: true });
      const writers = await race(racers, `index-${round}`, ['index', root, path.join(scratch, `storage-${round}`)]);
      assert.equal(writers, 1, `index race ${round}: ${writers} writers`);
    }
  });

  it('keeps a live writer: later opens are all readers', async () => {
    const file = path.join(scratch, 'held.lock');
    assert.equal(await race(racers, 'held-first', ['lock', file]), 1);
    for (let round = 0; round < 3; round++) assert.equal(await race(racers, `held-${round}`, ['lock', file]), 0);
  });
});
