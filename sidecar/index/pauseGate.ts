// Pausing indexing (pylot.pauseIndexing): work waits at the next file boundary; searching goes on.
export class PauseGate {
  private waiters: Array<() => void> = [];
  private pausedNow = false;

  get paused(): boolean {
    return this.pausedNow;
  }

  set(paused: boolean): void {
    this.pausedNow = paused;
    if (paused) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves at once when running, else on resume or abort. */
  wait(signal: AbortSignal): Promise<void> {
    if (!this.pausedNow || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}
