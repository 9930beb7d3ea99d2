// The acceptance statistics in memory and every way they change: one method per thing a user did.
// Platform-free (no vscode): extension/stats/usageService.ts feeds it from VS Code's events and
// stores it; the unit tests drive it directly. Keeps the limits of protocol/usageStats.ts.
import { emptyStats, statsLimits, type CompletionRow, type ProposalCounts, type UsageStats, type Vote } from '../../protocol/usageStats';

export type AcceptKind = 'whole' | 'word' | 'line';
export type SurvivalSlot = 'kept30s' | 'kept5min';

/** A language × model row. */
export interface RowKey {
  readonly language: string;
  readonly model: string;
}

export class UsageCounters {
  constructor(
    private data: UsageStats,
    private readonly onChange: () => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get stats(): UsageStats {
    return this.data;
  }

  reset(): void {
    this.data = emptyStats(this.now());
    this.onChange();
  }

  shown(key: RowKey, latencyMs: number): void {
    const row = this.row(key);
    row.shown++;
    row.latencyMs.push(Math.round(latencyMs));
    if (row.latencyMs.length > statsLimits.latencySamples) row.latencyMs.splice(0, row.latencyMs.length - statsLimits.latencySamples);
    this.onChange();
  }

  /** `first`: the first thing taken from this suggestion (it counts once as accepted). */
  accepted(key: RowKey, kind: AcceptKind, chars: number, first: boolean): void {
    const row = this.row(key);
    if (first) row.accepted++;
    if (kind === 'whole') row.acceptedWhole++;
    else if (kind === 'word') row.acceptedWord++;
    else row.acceptedLine++;
    row.acceptedChars += chars;
    this.onChange();
  }

  dismissed(key: RowKey): void {
    this.row(key).dismissed++;
    this.onChange();
  }

  survived(key: RowKey, slot: SurvivalSlot, checkedChars: number, keptChars: number): void {
    const survival = this.row(key)[slot];
    survival.checkedChars += checkedChars;
    survival.keptChars += Math.min(keptChars, checkedChars);
    this.onChange();
  }

  vote(model: string, vote: Vote, note?: string): void {
    let row = this.data.chat.find((r) => r.model === model);
    if (!row) this.data.chat.push((row = { model, up: 0, down: 0 }));
    row[vote]++;
    const text = note?.trim();
    if (text) {
      this.data.notes.push({ at: this.now(), model, vote, note: text.slice(0, statsLimits.noteChars) });
      if (this.data.notes.length > statsLimits.notes) this.data.notes.splice(0, this.data.notes.length - statsLimits.notes);
    }
    this.onChange();
  }

  /** Refactor hunks or agent proposals the user kept and rejected. */
  proposals(flow: 'refactor' | 'agent', kept: number, rejected: number): void {
    const counts: ProposalCounts = this.data[flow];
    counts.kept += kept;
    counts.rejected += rejected;
    this.onChange();
  }

  private row({ language, model }: RowKey): CompletionRow {
    const rows = this.data.completions;
    let row = rows.find((r) => r.language === language && r.model === model);
    if (!row) {
      row = {
        language,
        model,
        shown: 0,
        accepted: 0,
        acceptedWhole: 0,
        acceptedWord: 0,
        acceptedLine: 0,
        dismissed: 0,
        acceptedChars: 0,
        kept30s: { checkedChars: 0, keptChars: 0 },
        kept5min: { checkedChars: 0, keptChars: 0 },
        latencyMs: [],
        lastUsed: 0,
      };
      // The least recently used row goes when there are too many.
      if (rows.length >= statsLimits.completionRows) rows.splice(rows.indexOf(rows.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a))), 1);
      rows.push(row);
    }
    row.lastUsed = this.now();
    return row;
  }
}
