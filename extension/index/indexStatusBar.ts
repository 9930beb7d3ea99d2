// Indexing at a glance: a status bar item while the index is loading, scanning, indexing, paused
// or broken (click to pause or resume), and window progress while it works. Hidden when idle.
import * as vscode from 'vscode';
import type { IndexStatus } from '../../protocol/index';

export class IndexStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pylot.index', vscode.StatusBarAlignment.Right, 99);
  private progress: { report(value: { message?: string }): void; done(): void } | undefined;

  constructor() {
    this.item.name = 'Pylot Index';
  }

  /** The status bar text now, for tests. */
  get text(): string {
    return this.item.text;
  }

  update(statuses: readonly IndexStatus[], paused: boolean): void {
    const working = statuses.filter((s) => s.state === 'loading' || s.state === 'scanning' || s.state === 'indexing');
    const failed = statuses.find((s) => s.state === 'error');
    const done = statuses.reduce((sum, s) => sum + s.filesIndexed, 0);
    const total = statuses.reduce((sum, s) => sum + s.filesTotal, 0);
    const chunks = statuses.reduce((sum, s) => sum + s.chunks, 0);
    const notes = [...new Set(statuses.flatMap((s) => (s.message ? [s.message] : [])))];
    const tooltip = [`${done} of ${total} files indexed, ${chunks} chunks.`, ...notes].join('\n\n');
    if (failed) this.show('$(error) Index', tooltip, 'pylot.showLogs');
    else if (paused && statuses.length > 0) this.show('$(debug-pause) Index paused', `${tooltip}\n\nClick to resume.`, 'pylot.resumeIndexing');
    else if (working.length > 0) this.show(`$(sync~spin) Indexing ${done}/${total}`, `${tooltip}\n\nClick to pause.`, 'pylot.pauseIndexing');
    else this.item.hide();
    this.updateProgress(working.length > 0 && !paused, `${done}/${total} files`);
  }

  dispose(): void {
    this.progress?.done();
    this.item.dispose();
  }

  private show(text: string, tooltip: string, command: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.show();
  }

  private updateProgress(active: boolean, message: string): void {
    if (!active) {
      this.progress?.done();
      this.progress = undefined;
      return;
    }
    if (!this.progress) {
      let finish = () => {};
      const finished = new Promise<void>((resolve) => (finish = resolve));
      let reporter: vscode.Progress<{ message?: string }> | undefined;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Pylot: indexing' }, (progress) => {
        reporter = progress;
        progress.report({ message });
        return finished;
      });
      this.progress = { report: (value) => reporter?.report(value), done: finish };
    }
    this.progress.report({ message });
  }
}
