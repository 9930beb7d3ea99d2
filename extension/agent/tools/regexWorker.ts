// The model's regular expressions run here: in a worker thread with a time limit, never on the
// extension host's event loop. JavaScript's backtracking engine takes exponential time on patterns
// like `(a+)+$` (26 characters: 670 ms, doubling per character) and cannot be interrupted from
// inside, so the only reliable stop is to terminate the thread — on the time limit or on abort.
import { Worker } from 'node:worker_threads';

export interface FileText {
  /** How the file is shown in results (workspace-relative). */
  readonly shown: string;
  readonly text: string;
}

/** The regex took too long: the message says what to do instead. */
export class RegexTimeoutError extends Error {}
export class RegexCancelledError extends Error {}

/**
 * Matches lines of files against one regular expression, batch by batch, in a worker. The time
 * limit covers the worker's matching over the whole search, not the reading of files in between.
 */
export class RegexLineMatcher {
  private readonly worker: Worker;
  private spentMs = 0;
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly pattern: RegExp,
    private readonly timeLimitMs: number,
    private readonly signal: AbortSignal,
  ) {
    this.worker = new Worker(workerSource, { eval: true, workerData: { source: pattern.source, flags: pattern.flags } });
    this.worker.unref();
    // A worker that fails outside a batch must not take the extension host down with an unhandled 'error'.
    this.worker.on('error', () => undefined);
  }

  /** Matching lines as `shown:line: text`, at most `limit` of them. */
  async match(files: readonly FileText[], limit: number): Promise<string[]> {
    if (this.closed) throw new RegexCancelledError('The search was stopped.');
    if (this.signal.aborted) return this.stop(new RegexCancelledError('The search was cancelled.'));
    const id = this.nextId++;
    const started = performance.now();
    const left = Math.max(1, this.timeLimitMs - this.spentMs);
    return new Promise<string[]>((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onAbort);
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
        this.spentMs += performance.now() - started;
        settle();
      };
      const onMessage = (reply: { id: number; matches: string[] }) => {
        if (reply.id === id) finish(() => resolve(reply.matches));
      };
      const onError = (error: Error) => finish(() => reject(error));
      const onAbort = () => finish(() => this.stop(new RegexCancelledError('The search was cancelled.')).catch(reject));
      const timer = setTimeout(
        () =>
          finish(() =>
            this.stop(
              new RegexTimeoutError(
                `The regular expression /${this.pattern.source}/ took longer than ${(this.timeLimitMs / 1000).toFixed(1)} s and was stopped; it likely backtracks (nested quantifiers such as (a+)+). Simplify it, or search for plain text.`,
              ),
            ).catch(reject),
          ),
        left,
      );
      this.signal.addEventListener('abort', onAbort, { once: true });
      this.worker.on('message', onMessage);
      this.worker.on('error', onError);
      this.worker.postMessage({ id, files, limit });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }

  private async stop(error: Error): Promise<never> {
    await this.close();
    throw error;
  }
}

/**
 * The worker's whole program, as source text: a bundler rewrites `require` inside functions, and
 * the worker must not depend on anything of the bundle.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const pattern = new RegExp(workerData.source, workerData.flags);
parentPort.on('message', (batch) => {
  const matches = [];
  for (const file of batch.files) {
    const lines = file.text.split(/\\r?\\n/);
    for (let i = 0; i < lines.length && matches.length < batch.limit; i++) {
      pattern.lastIndex = 0;
      if (pattern.test(lines[i])) matches.push(file.shown + ':' + (i + 1) + ': ' + lines[i].trim().slice(0, 200));
    }
    if (matches.length >= batch.limit) break;
  }
  parentPort.postMessage({ id: batch.id, matches });
});
`;
