// One writer per index: a lock file holding the writer's pid. A lock whose process is gone (a
// crash, a kill) is stale and taken over; a live one makes this process a read-only reader.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { writeFileAtomic } from './atomicFile';

interface LockContent {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export class WriterLock {
  private held = false;

  constructor(readonly file: string) {}

  /** Takes the lock if it is free or stale; false when another live process holds it. */
  acquire(): boolean {
    const mine: LockContent = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    try {
      writeFileSync(this.file, JSON.stringify(mine), { flag: 'wx' });
      this.held = true;
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = this.holder();
    if (holder && holder.pid !== process.pid && holder.host === mine.host && isAlive(holder.pid)) return false;
    if (holder && holder.host !== mine.host) return false; // a shared folder: we cannot tell whether it lives
    writeFileAtomic(this.file, JSON.stringify(mine));
    // Two processes taking over the same stale lock: the last rename wins, the other backs off.
    this.held = this.holder()?.pid === process.pid;
    return this.held;
  }

  holder(): LockContent | undefined {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<LockContent>;
      return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: String(parsed.host ?? hostname()), since: String(parsed.since ?? '') } : undefined;
    } catch {
      return undefined;
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.holder()?.pid === process.pid) rmSync(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
