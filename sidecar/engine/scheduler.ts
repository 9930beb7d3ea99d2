// The GPU/CPU guard: one place decides what may run. Completions and chat run at once (each role
// has its own context sequence, so a completion never waits behind a chat turn); background work
// (embeddings, indexing) runs only while neither is active, and is pre-empted — aborted with
// ErrorCodes.Preempted, for the caller to retry — the moment they start.
import { ErrorCodes, PylotError } from '../../protocol/rpc';

export type Priority = 'completion' | 'chat' | 'background';

export class Scheduler {
  private foreground = 0;
  private readonly background = new Set<AbortController>();
  private idleWaiters: Array<() => void> = [];

  async run<T>(priority: Priority, signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return priority === 'background' ? this.runBackground(signal, task) : this.runForeground(signal, task);
  }

  /** How much is running, for diagnostics and tests. */
  get load(): { foreground: number; background: number } {
    return { foreground: this.foreground, background: this.background.size };
  }

  private async runForeground<T>(signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.foreground++;
    for (const work of this.background) work.abort();
    try {
      return await task(signal);
    } finally {
      if (--this.foreground === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const wake of waiters) wake();
      }
    }
  }

  private async runBackground<T>(signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    while (this.foreground > 0) {
      if (signal.aborted) throw new PylotError(ErrorCodes.Cancelled, 'Cancelled while waiting for foreground work.');
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    const preempt = new AbortController();
    this.background.add(preempt);
    try {
      const result = await task(AbortSignal.any([signal, preempt.signal]));
      if (preempt.signal.aborted && !signal.aborted) throw preempted();
      return result;
    } catch (error) {
      if (preempt.signal.aborted && !signal.aborted) throw preempted();
      throw error;
    } finally {
      this.background.delete(preempt);
    }
  }
}

function preempted(): PylotError {
  return new PylotError(ErrorCodes.Preempted, 'Background work was paused for a completion or chat request; retry it.');
}
