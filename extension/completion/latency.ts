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

  /** `onRecord` runs after each sample, e.g. to refresh the status bar; `cache` counts hits and misses. */
  constructor(
    private readonly onRecord: () => void = () => undefined,
    private readonly cache: () => { hits: number; misses: number } = () => ({ hits: 0, misses: 0 }),
    private readonly window = 100,
  ) {}

  record(totalMs: number, tokens: number, engineMs: number): void {
    this.samples.push(totalMs);
    if (this.samples.length > this.window) this.samples.shift();
    if (tokens > 1 && engineMs > 0) this.tokensPerSecond = (tokens / engineMs) * 1000;
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
      cacheHitRate: hitRate(this.cache()),
    };
  }
}

function hitRate({ hits, misses }: { hits: number; misses: number }): number | undefined {
  return hits + misses ? hits / (hits + misses) : undefined;
}
