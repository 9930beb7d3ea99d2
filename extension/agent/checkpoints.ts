// A checkpoint per agent turn: the exact bytes each file the turn touched held before its first
// change (or that it did not exist), copied on that first write and on no other — untouched files
// are never read. Bounded: the copies of all turns together stay under a size cap (older turns are
// dropped first), a file that cannot fit is not read at all, and a turn spends at most a time budget
// copying; a file left out is named, so the user knows it cannot be restored. "Restore to here" puts
// back every file touched by that turn and the turns after it, newest first.
import { lstat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { readApproved, TooLargeError, type ApprovedFile } from './policy/fileHandles';

export interface CheckpointLimits {
  /** The most bytes all kept checkpoints may hold. */
  readonly maxBytes: number;
  /** The most time one turn may spend copying files. */
  readonly budgetMs: number;
}

/** What a file held before a turn first changed it. */
export type Saved =
  | { readonly kind: 'absent' }
  /** `unsaved`: the editor's text, where it differed from the bytes on disk. */
  | { readonly kind: 'copy'; readonly bytes: Buffer; readonly unsaved?: string }
  | { readonly kind: 'skipped'; readonly reason: string };

export type RestoreFile = (file: ApprovedFile, saved: Exclude<Saved, { kind: 'skipped' }>) => Promise<void>;

export interface NotRestorable {
  readonly file: string;
  readonly reason: string;
}

export interface Checkpoint {
  readonly turnId: string;
  readonly label: string;
  readonly files: readonly string[];
  /** Files the turn changed that its checkpoint does not hold. */
  readonly notRestorable: readonly NotRestorable[];
}

export interface RestoreReport {
  readonly restored: readonly string[];
  readonly notRestored: readonly NotRestorable[];
}

interface Turn {
  readonly turnId: string;
  readonly label: string;
  readonly files: Map<string, { file: ApprovedFile; saved: Saved }>;
  bytes: number;
  spentMs: number;
}

const megabytes = (bytes: number) =>
  bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export class Checkpoints {
  private readonly turns: Turn[] = [];

  constructor(
    private readonly limits: () => CheckpointLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  begin(turnId: string, label: string): void {
    this.turns.push({ turnId, label, files: new Map(), bytes: 0, spentMs: 0 });
  }

  /**
   * Before the turn's first write to `file`: copies what it holds. `before` is the text the user saw
   * (an open editor's, maybe unsaved), undefined for a new file. Later writes keep the first copy.
   * Returns why the file could not be copied (it then cannot be restored), or undefined.
   */
  async record(turnId: string, file: ApprovedFile, before: string | undefined): Promise<string | undefined> {
    const turn = this.turns.find((t) => t.turnId === turnId);
    if (!turn || turn.files.has(file.absolute)) return undefined;
    const keep = (saved: Saved) => void turn.files.set(file.absolute, { file, saved });
    if (before === undefined) return keep({ kind: 'absent' });
    const { maxBytes, budgetMs } = this.limits();
    const skip = (reason: string) => (keep({ kind: 'skipped', reason }), reason);
    if (turn.spentMs >= budgetMs) return skip(`the turn's ${budgetMs / 1000} s for checkpoints was spent`);
    const room = maxBytes - turn.bytes;
    const overCap = (size: number) => `it is ${megabytes(size)}, over what is left of the ${megabytes(maxBytes)} checkpoint cap (pylot.agent.checkpointMaxMB)`;
    const started = this.now();
    let bytes: Buffer;
    try {
      // A file over the room left is refused from its size, before a byte is read.
      ({ bytes } = await readApproved(file, room));
    } catch (error) {
      if (error instanceof TooLargeError) return skip(overCap(error.size));
      // Not on disk: the editor holds the only text there is.
      if (!(await exists(file))) bytes = Buffer.alloc(0);
      else return skip(`it could not be read (${error instanceof Error ? error.message : String(error)})`);
    } finally {
      turn.spentMs += this.now() - started;
    }
    // An editor's text has no byte order mark and one kind of line end; the file's bytes may have both.
    const plain = (text: string) => text.replace(/^\ufeff/, '').replace(/\r\n/g, '\n');
    const unsaved = plain(before) === plain(bytes.toString('utf8')) ? undefined : before;
    const size = bytes.length + (unsaved === undefined ? 0 : Buffer.byteLength(unsaved));
    if (size > room) return skip(overCap(size));
    this.makeRoom(size, turn);
    turn.bytes += size;
    keep(unsaved === undefined ? { kind: 'copy', bytes } : { kind: 'copy', bytes, unsaved });
    return undefined;
  }

  /** Bytes all kept checkpoints hold. */
  heldBytes(): number {
    return this.turns.reduce((sum, turn) => sum + turn.bytes, 0);
  }

  list(): Checkpoint[] {
    return this.turns
      .filter((t) => t.files.size > 0)
      .map((t) => ({
        turnId: t.turnId,
        label: t.label,
        files: [...t.files.keys()],
        notRestorable: [...t.files.values()].flatMap(({ file, saved }) => (saved.kind === 'skipped' ? [{ file: file.absolute, reason: saved.reason }] : [])),
      }));
  }

  /**
   * Restores the files to how they were before `turnId`. A file one turn could not copy is still
   * restored where an earlier turn in the range holds it; the rest are reported, never guessed.
   */
  async restoreTo(turnId: string, restore: RestoreFile): Promise<RestoreReport> {
    const index = this.turns.findIndex((t) => t.turnId === turnId);
    if (index < 0) throw new Error('That checkpoint is gone (the agent keeps its newest checkpoints within pylot.agent.checkpointMaxMB).');
    const restored = new Set<string>();
    const notRestored = new Map<string, string>();
    for (const turn of this.turns.splice(index).reverse()) {
      for (const [absolute, { file, saved }] of turn.files) {
        if (saved.kind === 'skipped') {
          notRestored.set(absolute, saved.reason);
          continue;
        }
        try {
          await restore(file, saved);
          restored.add(absolute);
          notRestored.delete(absolute);
        } catch (error) {
          restored.delete(absolute);
          notRestored.set(absolute, `it could not be written (${error instanceof Error ? error.message : String(error)})`);
        }
      }
    }
    return { restored: [...restored], notRestored: [...notRestored].map(([file, reason]) => ({ file, reason })) };
  }

  /** Drops the oldest turns (never `current`) until `size` more bytes fit under the cap. */
  private makeRoom(size: number, current: Turn): void {
    const { maxBytes } = this.limits();
    while (this.heldBytes() + size > maxBytes) {
      const oldest = this.turns.findIndex((t) => t !== current);
      if (oldest < 0) return;
      this.turns.splice(oldest, 1);
    }
  }
}

async function exists(file: ApprovedFile): Promise<boolean> {
  return lstat(file.absolute).then(
    () => true,
    () => false,
  );
}

/** What a restore did, in a sentence for the user; `name` shows a path as the workspace names it. */
export function describeRestore(report: RestoreReport, name: (absolute: string) => string): string {
  const done = `Pylot restored ${report.restored.length} file(s).`;
  if (report.notRestored.length === 0) return done;
  return `${done} Not restored: ${report.notRestored.map(({ file, reason }) => `${name(file)} (${reason})`).join('; ')}.`;
}
