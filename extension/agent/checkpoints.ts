// A checkpoint per agent turn: what each file the turn touched held before its first change
// (or that it did not exist). "Restore to here" puts back every file touched by that turn and the
// turns after it, newest first, so the workspace is as it was when the turn began.

export type RestoreFile = (absolute: string, content: string | undefined) => Promise<void>;

export interface Checkpoint {
  readonly turnId: string;
  readonly label: string;
  readonly files: readonly string[];
}

export class Checkpoints {
  private readonly turns: Array<{ turnId: string; label: string; files: Map<string, string | undefined> }> = [];

  begin(turnId: string, label: string): void {
    this.turns.push({ turnId, label, files: new Map() });
  }

  /** Keeps the content from before the turn's first write to this file; later writes do not replace it. */
  record(turnId: string, absolute: string, before: string | undefined): void {
    const turn = this.turns.find((t) => t.turnId === turnId);
    if (turn && !turn.files.has(absolute)) turn.files.set(absolute, before);
  }

  list(): Checkpoint[] {
    return this.turns.filter((t) => t.files.size > 0).map((t) => ({ turnId: t.turnId, label: t.label, files: [...t.files.keys()] }));
  }

  /** Restores the files to how they were before `turnId`; returns the files restored. */
  async restoreTo(turnId: string, restore: RestoreFile): Promise<string[]> {
    const index = this.turns.findIndex((t) => t.turnId === turnId);
    if (index < 0) throw new Error('That checkpoint is gone.');
    const restored = new Set<string>();
    for (const turn of this.turns.splice(index).reverse()) {
      for (const [file, content] of turn.files) {
        await restore(file, content);
        restored.add(file);
      }
    }
    return [...restored];
  }
}
