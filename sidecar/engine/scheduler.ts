// The GPU/CPU guard: one place decides what may run. Completions and chat run at once (each role
// has its own context sequence, so a completion never waits behind a chat turn). Next edits come
// between them: one waits while a completion runs and is pre-empted by a completion that starts,
// but never waits for chat. Background work (embeddings, indexing) runs only while none of these
// is active. Pre-empted work is aborted with ErrorCodes.Preempted, for the caller to retry. A query
// (a search's one embedding) runs at once and holds new background work back, but lets a running
// unit finish: that unit uses the same embedding model, and searches in a loop that stopped it each
// time would starve the index for good.
import { ErrorCodes, PylotError } from '../../protocol/rpc';

export type Priority = 'completion' | 'nextEdit' | 'chat' | 'query' | 'background';

export class Scheduler {
  private foreground = 0;
  private completions = 0;
  private readonly background = new Set<AbortController>();
  private readonly nextEdits = new Set<AbortController>();
  private idleWaiters: Array<() => void> = [];
  private completionWaiters: Array<() => void> = [];

  async run<T>(priority: Priority, signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (priority === 'background') return this.runPreemptible(this.background, signal, task, () => this.foreground > 0, this.idleWaiters);
    if (priority === 'nextEdit') {
      return this.runPreemptible(
        this.nextEdits,
        signal,
        (granted) => this.runForeground(false, granted, task),
        () => this.completions > 0,
        this.completionWaiters,
      );
    }
    return this.runForeground(priority === 'completion', signal, task, priority !== 'query');
  }

  /** How much is running, for diagnostics and tests. */
  get load(): { foreground: number; background: number; nextEdit: number } {
    return { foreground: this.foreground, background: this.background.size, nextEdit: this.nextEdits.size };
  }

  private async runForeground<T>(completion: boolean, signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>, preempt = true): Promise<T> {
    this.foreground++;
    if (completion) {
      this.completions++;
      for (const work of this.nextEdits) work.abort();
    }
    if (preempt) for (const work of this.background) work.abort();
    try {
      return await task(signal);
    } finally {
      if (completion && --this.completions === 0) this.completionWaiters = wakeAll(this.completionWaiters);
      if (--this.foreground === 0) this.idleWaiters = wakeAll(this.idleWaiters);
    }
  }

  /** Waits while `busy()`, then runs `task` until it ends or higher-priority work aborts it. */
  private async runPreemptible<T>(
    running: Set<AbortController>,
    signal: AbortSignal,
    task: (signal: AbortSignal) => Promise<T>,
    busy: () => boolean,
    waiters: Array<() => void>,
  ): Promise<T> {
    while (busy()) {
      if (signal.aborted) throw new PylotError(ErrorCodes.Cancelled, 'Cancelled while waiting for higher-priority work.');
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    const preempt = new AbortController();
    running.add(preempt);
    try {
      const result = await task(AbortSignal.any([signal, preempt.signal]));
      if (preempt.signal.aborted && !signal.aborted) throw preempted();
      return result;
    } catch (error) {
      if (preempt.signal.aborted && !signal.aborted) throw preempted();
      throw error;
    } finally {
      running.delete(preempt);
    }
  }
}

function wakeAll(waiters: Array<() => void>): Array<() => void> {
  for (const wake of waiters) wake();
  return [];
}

function preempted(): PylotError {
  return new PylotError(ErrorCodes.Preempted, 'This work was paused for a higher-priority request; retry it.');
}
