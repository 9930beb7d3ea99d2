// Admission for the loopback API: each model (lane) answers one request at a time, the rest wait in
// one bounded queue, and a request beyond it is refused at once (429) instead of piling up memory.
// A waiter whose client went away leaves the queue the moment its signal aborts.
import { ErrorCodes, PylotError } from '../../protocol/rpc';

interface Waiter {
  readonly wake: () => void;
}

export class QueueFullError extends Error {
  constructor(readonly maxQueue: number) {
    super(`Pylot's local API is busy: ${maxQueue} requests are already waiting. Retry later.`);
  }
}

export class Gate {
  private readonly running = new Set<string>();
  private readonly waiting = new Map<string, Waiter[]>();
  private queued = 0;

  constructor(
    public maxQueue: number,
    private readonly onChange: () => void,
  ) {}

  get counts(): { active: number; queued: number } {
    return { active: this.running.size, queued: this.queued };
  }

  /** Waits for the lane; the returned function gives it back (call it exactly once). */
  async enter(lane: string, signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) throw new PylotError(ErrorCodes.Cancelled, 'The client went away.');
    if (this.running.has(lane)) {
      if (this.queued >= this.maxQueue) throw new QueueFullError(this.maxQueue);
      // Handed the lane by the request before it: it stays running in between.
      await this.wait(lane, signal);
    } else {
      this.running.add(lane);
      this.onChange();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.get(lane)?.shift();
      if (next) next.wake();
      else this.running.delete(lane);
      this.onChange();
    };
  }

  private wait(lane: string, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queue = this.waiting.get(lane) ?? [];
      this.waiting.set(lane, queue);
      const leave = () => {
        this.queued--;
        signal.removeEventListener('abort', onAbort);
        if (queue.length === 0) this.waiting.delete(lane);
      };
      const waiter: Waiter = {
        wake: () => {
          leave();
          resolve();
        },
      };
      const onAbort = () => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        leave();
        this.onChange();
        reject(new PylotError(ErrorCodes.Cancelled, 'The client went away while waiting.'));
      };
      queue.push(waiter);
      this.queued++;
      signal.addEventListener('abort', onAbort, { once: true });
      this.onChange();
    });
  }
}
