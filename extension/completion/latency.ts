// Recent completion latencies: what the status bar and the diagnostics report as p50/p95.
export interface LatencySummary {
  readonly count: number;
  readonly lastMs?: number;
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  /** Generation speed of the last completion that produced tokens. */
  readonly tokensPerSecond?: number;
  /** Share of completions answered from the cache, without the engine. */
  readonly cacheHitRate?: number;
}

/** p95 above this for a while means completions feel broken: the status bar warns. */
export const slowP95Ms = 1_500;

export class LatencyTracker {
  private readonly samples: number[] = [];
  private tokensPerSecond: number | undefined;
  /** Answers from suggestions made earlier (no engine call), and the others. */
  hits = 0;
  misses = 0;

  /** `onRecord` runs after each answer, e.g. to refresh the status bar. */
  constructor(
    private readonly onRecord: () => void = () => undefined,
    private readonly window = 100,
  ) {}

  /** One answered completion: its time from the request, and how it was answered. */
  record(totalMs: number, answer: { reused?: 'cache' | 'generation'; tokens: number; engineMs: number }): void {
    if (answer.reused === 'cache') this.hits++;
    else this.misses++;
    if (!answer.reused) {
      this.samples.push(totalMs);
      if (this.samples.length > this.window) this.samples.shift();
      if (answer.tokens > 1 && answer.engineMs > 0) this.tokensPerSecond = (answer.tokens / answer.engineMs) * 1000;
    }
    this.onRecord();
  }

  summary(): LatencySummary {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
    return {
      count: sorted.length,
      lastMs: this.samples.at(-1),
      p50Ms: sorted.length ? at(50) : undefined,
      p95Ms: sorted.length ? at(95) : undefined,
      tokensPerSecond: this.tokensPerSecond,
      cacheHitRate: this.hits + this.misses ? this.hits / (this.hits + this.misses) : undefined,
    };
  }
}
