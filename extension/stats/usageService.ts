// Local acceptance statistics in VS Code: feeds the counters from the inline completion provider,
// the documents' edits and cursor, chat votes and the refactor and agent decisions; keeps them in
// global storage (usageStore.ts); exports and resets them by command. Never sent anywhere.
import * as vscode from 'vscode';
import type { UsageStats, Vote } from '../../protocol/usageStats';
import type { Log } from '../log';
import { defaultSurvivalDelaysMs, SuggestionTracker, type TrackerDeps } from './suggestionTracker';
import { UsageCounters, type SurvivalSlot } from './usageCounters';
import { UsageStore } from './usageStore';

export const usageFileName = 'usage-stats.json';

export interface UsageOptions {
  readonly storage: vscode.Uri;
  readonly log: Log;
  /** The completion model's name now, for the language × model rows. */
  readonly completionModel: () => string | undefined;
  /** After each change, e.g. to redraw the Engine panel. */
  readonly onChange: () => void;
  readonly survivalDelaysMs?: Readonly<Record<SurvivalSlot, number>>;
}

export class UsageService implements vscode.Disposable {
  private counters: UsageCounters | undefined;
  private tracker: SuggestionTracker | undefined;
  private readonly store: UsageStore;
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly ready: Promise<void>;

  constructor(private readonly options: UsageOptions) {
    this.store = new UsageStore(vscode.Uri.joinPath(options.storage, usageFileName).fsPath, (message) => options.log.warn(message));
    this.ready = this.store.load().then((stats) => {
      this.counters = new UsageCounters(stats, () => this.changed());
      this.tracker = new SuggestionTracker(this.trackerDeps(this.counters));
    });
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) =>
        this.tracker?.changed(
          event.document.uri.toString(),
          event.contentChanges.map((change) => ({ offset: change.rangeOffset, removed: change.rangeLength, inserted: change.text })),
        ),
      ),
      vscode.window.onDidChangeTextEditorSelection((event) =>
        this.tracker?.cursorAt(event.textEditor.document.uri.toString(), event.textEditor.document.offsetAt(event.selections[0]!.active)),
      ),
      vscode.commands.registerCommand('pylot.exportUsageStats', (target?: vscode.Uri | string) => this.exportTo(target)),
      vscode.commands.registerCommand('pylot.resetUsageStats', (confirmed?: boolean) => this.reset(confirmed === true)),
    );
  }

  /** The suggestion VS Code shows now (the first item) and how long it took to get. */
  completionShown(document: vscode.TextDocument, position: vscode.Position, text: string, latencyMs: number): void {
    const model = this.options.completionModel() ?? 'unknown model';
    this.tracker?.shown(document.uri.toString(), document.offsetAt(position), text, { language: document.languageId, model }, latencyMs);
  }

  chatVote(model: string, vote: Vote, note?: string): void {
    this.counters?.vote(model, vote, note);
  }

  proposals(flow: 'refactor' | 'agent', kept: number, rejected: number): void {
    if (kept || rejected) this.counters?.proposals(flow, kept, rejected);
  }

  stats(): UsageStats | undefined {
    return this.counters?.stats;
  }

  dispose(): void {
    this.tracker?.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    if (this.counters) void this.store.flush(this.counters.stats);
  }

  private changed(): void {
    if (this.counters) this.store.schedule(() => this.counters!.stats);
    this.options.onChange();
  }

  private trackerDeps(counters: UsageCounters): TrackerDeps {
    return {
      counters,
      delaysMs: this.options.survivalDelaysMs ?? defaultSurvivalDelaysMs,
      timer: (run, ms) => {
        const timer = setTimeout(run, ms);
        return () => clearTimeout(timer);
      },
      textAt: (uri, start, end) => {
        const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri && !d.isClosed);
        return document?.getText(new vscode.Range(document.positionAt(start), document.positionAt(end)));
      },
    };
  }

  /** "Pylot: Export Usage Statistics": the file the user picks (or `target`), as JSON. */
  private async exportTo(target?: vscode.Uri | string): Promise<string | undefined> {
    await this.ready;
    const uri =
      typeof target === 'string'
        ? vscode.Uri.file(target)
        : (target ??
          (await vscode.window.showSaveDialog({
            title: 'Export Pylot usage statistics',
            defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? this.options.storage, 'pylot-usage-stats.json'),
            filters: { JSON: ['json'] },
          })));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${JSON.stringify(this.counters!.stats, null, 2)}\n`));
    if (target === undefined) void vscode.window.showInformationMessage(`Pylot usage statistics saved to ${uri.fsPath}.`);
    return uri.fsPath;
  }

  /** "Pylot: Reset Usage Statistics", after a confirmation unless `confirmed`. */
  private async reset(confirmed: boolean): Promise<boolean> {
    await this.ready;
    if (!confirmed) {
      const answer = await vscode.window.showWarningMessage(
        'Reset Pylot usage statistics? The counts kept on this machine start again from zero.',
        { modal: true },
        'Reset',
      );
      if (answer !== 'Reset') return false;
    }
    this.tracker?.dispose();
    this.counters!.reset();
    this.tracker = new SuggestionTracker(this.trackerDeps(this.counters!));
    await this.store.flush(this.counters!.stats);
    return true;
  }
}
