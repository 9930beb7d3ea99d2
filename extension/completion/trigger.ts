// When to ask the engine. While the user types fast, a request is superseded by the next keystroke
// before it returns, so wait a little longer; while typing slowly, or when the engine is fast, ask
// almost at once. A cache hit never waits.
export class AdaptiveDebounce {
  private lastCall = 0;
  private readonly intervals: number[] = [];

  constructor(
    private readonly minMs = 25,
    private readonly maxMs = 250,
  ) {}

  /** The pause before asking the engine, given when this keystroke came and the engine's typical latency. */
  delay(now: number, engineLatencyMs: number | undefined): number {
    const interval = now - this.lastCall;
    this.lastCall = now;
    if (interval > 0 && interval < 2_000) {
      this.intervals.push(interval);
      if (this.intervals.length > 20) this.intervals.shift();
    }
    if (!this.intervals.length) return this.minMs;
    const typing = [...this.intervals].sort((a, b) => a - b)[Math.floor(this.intervals.length / 2)]!;
    // Typing faster than the engine answers: wait out most of the gap to the next keystroke.
    const busy = engineLatencyMs !== undefined && engineLatencyMs > typing;
    const wait = busy ? typing * 1.2 : typing * 0.5;
    return Math.round(Math.min(this.maxMs, Math.max(this.minMs, wait)));
  }
}

/** Code after the cursor on its line: an automatic completion there would mostly be noise. */
export function longSuffixFollows(lineSuffix: string): boolean {
  const rest = lineSuffix.trim();
  return rest.length > 3 && /[\w$]/.test(rest);
}
