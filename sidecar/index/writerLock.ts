// One writer per index: a lock file created exclusively (open 'wx': of any number of processes
// opening at the same moment, the kernel lets exactly one create it), holding the writer's pid,
// host and a nonce. A lock whose process is gone (a crash, a kill) is stale. Removing it is the
// race: two processes that both saw it stale must not both remove "it" — the second would remove
// the lock the first just created. So only the one process that creates the takeover guard named
// after that lock's nonce may remove it, and only if the file still holds that nonce. A guard
// whose own process died is taken over the same way, one level up.
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

interface LockContent {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  /** Unique to one creation of the file: what a takeover checks before it removes it. */
  readonly nonce?: string;
}

/** What a lock (or guard) file says: a holder, a file still being written (or cut short by a crash). */
type Reading =
  { readonly kind: 'holder'; readonly holder: LockContent; readonly id: string } | { readonly kind: 'partial'; readonly ageMs: number; readonly id: string };

/** A lock file without content this long after its creation was left by a crash between create and write. */
const partialGraceMs = 10_000;
/** How many dead takeovers in a row are taken over before giving up (as a reader). */
const maxTakeoverDepth = 4;
/** Lock files this process holds: a second index on the same storage here is a reader too. */
const heldHere = new Set<string>();

export class WriterLock {
  private mine: LockContent | undefined;

  constructor(readonly file: string) {}

  /** Takes the lock if it is free or stale; false when another live holder has it. */
  acquire(): boolean {
    const key = path.resolve(this.file);
    if (this.mine) return true;
    if (heldHere.has(key)) return false;
    for (let attempt = 0; attempt < 4; attempt++) {
      const content = contentNow();
      if (createExclusive(this.file, JSON.stringify(content))) {
        this.mine = content;
        heldHere.add(key);
        removeLeftoverGuards(this.file);
        return true;
      }
      const reading = read(this.file);
      if (!reading) continue; // released in between: try again
      if (!isStale(reading)) return false;
      if (!takeOver(this.file, this.file, reading, 0)) return false;
    }
    return false;
  }

  holder(): LockContent | undefined {
    const reading = read(this.file);
    return reading?.kind === 'holder' ? reading.holder : undefined;
  }

  release(): void {
    const mine = this.mine;
    if (!mine) return;
    this.mine = undefined;
    heldHere.delete(path.resolve(this.file));
    if (this.holder()?.nonce === mine.nonce) rmSync(this.file, { force: true });
  }
}

function contentNow(): LockContent {
  return { pid: process.pid, host: hostname(), since: new Date().toISOString(), nonce: randomUUID() };
}

/**
 * Removes `target` (the lock, or a dead process's guard) if it still is what `seen` read, as the
 * one process holding the guard for `seen`. True: go on trying to take the lock; false: another
 * live process is taking over, so this one is a reader.
 */
function takeOver(lockFile: string, target: string, seen: Reading, depth: number): boolean {
  const guard = `${lockFile}.takeover.${seen.id}`;
  if (!createExclusive(guard, JSON.stringify(contentNow()))) {
    const other = read(guard);
    if (!other) return true; // that takeover just finished
    if (!isStale(other) || depth >= maxTakeoverDepth) return false;
    // Its process died in the middle: remove its guard the same way, then start again.
    return takeOver(lockFile, guard, other, depth + 1);
  }
  try {
    const now = read(target);
    if (now && now.id === seen.id) rmSync(target, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

/** Guards left by takeovers that crashed: harmless (each names a lock that is gone), tidied by the next writer. */
function removeLeftoverGuards(lockFile: string): void {
  const prefix = `${path.basename(lockFile)}.takeover.`;
  let names: string[];
  try {
    names = readdirSync(path.dirname(lockFile));
  } catch {
    return;
  }
  for (const name of names) {
    const guard = path.join(path.dirname(lockFile), name);
    const reading = name.startsWith(prefix) ? read(guard) : undefined;
    if (reading && isStale(reading)) rmSync(guard, { force: true });
  }
}

/** Creates `file` with `text` unless it exists; false when it does. */
function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Undefined when there is no such file. */
function read(file: string): Reading | undefined {
  let text: string;
  let stat;
  try {
    stat = statSync(file);
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockContent>;
    if (typeof parsed.pid === 'number') {
      const holder: LockContent = { pid: parsed.pid, host: String(parsed.host ?? hostname()), since: String(parsed.since ?? ''), nonce: parsed.nonce };
      return { kind: 'holder', holder, id: safeName(holder.nonce ?? `${holder.host}-${holder.pid}-${holder.since}`) };
    }
  } catch {
    // Created, not yet written: its creator is alive until the grace period says otherwise.
  }
  return { kind: 'partial', ageMs: Date.now() - stat.mtimeMs, id: safeName(`partial-${stat.ino}-${stat.mtimeMs}`) };
}

function isStale(reading: Reading): boolean {
  if (reading.kind === 'partial') return reading.ageMs > partialGraceMs;
  const { holder } = reading;
  // Another machine's process (a shared folder) cannot be asked whether it lives: never stale.
  if (holder.host !== hostname()) return false;
  // Our own pid, yet not held here (acquire asks heldHere first): a previous life of this pid left it.
  if (holder.pid === process.pid) return true;
  return !isAlive(holder.pid);
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 120);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
