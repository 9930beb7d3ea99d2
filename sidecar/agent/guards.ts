// The guards that keep a small model from running away: the same call repeated, too many steps,
// too many errors in a row.

export class RepeatDetector {
  private readonly seen = new Map<string, number>();

  constructor(private readonly limit = 3) {}

  /** Counts this call; true when it has now been made `limit` times. */
  repeated(tool: string, args: Readonly<Record<string, unknown>>): boolean {
    const key = `${tool} ${stableJson(args)}`;
    const times = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, times);
    return times >= this.limit;
  }

  /** The user said go on: count this call afresh. */
  forgive(tool: string, args: Readonly<Record<string, unknown>>): void {
    this.seen.delete(`${tool} ${stableJson(args)}`);
  }
}

function stableJson(value: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
}
