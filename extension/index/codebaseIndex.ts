// The extension's side of the workspace index: opens one index per workspace folder in the
// sidecar (kept under this workspace's storage folder), forwards saves and file events, pauses
// and resumes it, and offers search to the rest of the extension (`@codebase`, the agent's
// search_code tool) through CodebaseIndex.search.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CloseIndex, DidChangeFiles, IndexStatusChanged, OpenIndex, SearchIndex, SetIndexingPaused, type IndexStatus } from '../../protocol/index';
import type { ResultOf } from '../../protocol/rpc';
import type { Log } from '../log';
import { atRestEncryption } from '../privacy/atRestKey';
import { readSetting } from '../settingsReader';
import type { Sidecar } from '../sidecar/supervisor';
import { IndexStatusBar } from './indexStatusBar';

export type CodebaseSearchResult = ResultOf<typeof SearchIndex>;
/** What `@codebase` and the agent's search_code call: CodebaseIndex.search. */
export type CodeSearch = (query: string, options: { limit?: number; signal?: AbortSignal }) => Promise<CodebaseSearchResult>;
type FileChange = 'created' | 'changed' | 'deleted';

/** File events are sent in batches: a branch switch touches thousands of files at once. */
const batchMs = 300;

export class CodebaseIndex implements vscode.Disposable {
  private readonly statuses = new Map<string, IndexStatus>();
  private readonly pending = new Map<string, FileChange>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusBar = new IndexStatusBar();
  private flushTimer: NodeJS.Timeout | undefined;
  private paused = false;
  private opened = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly sidecar: Sidecar,
    private readonly log: Log,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      this.statusBar,
      watcher,
      watcher.onDidCreate((uri) => this.queue(uri, 'created')),
      watcher.onDidChange((uri) => this.queue(uri, 'changed')),
      watcher.onDidDelete((uri) => this.queue(uri, 'deleted')),
      vscode.workspace.onDidSaveTextDocument((document) => this.queue(document.uri, 'changed')),
      vscode.workspace.onDidRenameFiles((event) => {
        for (const { oldUri, newUri } of event.files) {
          this.queue(oldUri, 'deleted');
          this.queue(newUri, 'created');
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.openAll()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        // Reopening with encryption turned on or off migrates what is stored (sidecar/index/shardStore.ts).
        if (event.affectsConfiguration('pylot.index') || event.affectsConfiguration('pylot.privacy.encryptAtRest')) void this.reopen();
      }),
      vscode.commands.registerCommand('pylot.pauseIndexing', () => this.setPaused(true)),
      vscode.commands.registerCommand('pylot.resumeIndexing', () => this.setPaused(false)),
      vscode.commands.registerCommand('pylot.searchCodebase', () => this.pickAndOpen()),
      { dispose: sidecar.onNotification(IndexStatusChanged, (status) => this.onStatus(status)) },
      // Indexing rides on the engine's first start (Pylot starts it on first need, never at
      // activation); a restarted sidecar has no open index, so they are opened again and resume from disk.
      { dispose: sidecar.onReady(() => this.openAfterStart()) },
    );
  }

  /** Searches every open workspace folder's index: ranked spans with file, lines, symbol and text. */
  async search(query: string, options: { limit?: number; signal?: AbortSignal } = {}): Promise<CodebaseSearchResult> {
    if (!enabled()) return { results: [], mode: 'keyword', message: 'The workspace index is turned off ("pylot.index.enabled").' };
    if (this.opened.size === 0) await this.openAll();
    return this.sidecar.request(SearchIndex, { query, limit: options.limit }, { signal: options.signal });
  }

  /** Where each open workspace folder's index is stored (for diagnostics and tests). */
  storageDirs(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((folder) => this.storageFor(folder)).filter((dir): dir is string => dir !== undefined);
  }

  /** The latest status of each folder's index. */
  status(): IndexStatus[] {
    return [...this.statuses.values()];
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const disposable of this.disposables) disposable.dispose();
  }

  private async openAll(): Promise<void> {
    const warn = (warning: string) => this.log.warn(warning);
    if (!readSetting('index.enabled', warn)) return;
    const exclude = [...readSetting('index.exclude', warn), ...readSetting('completion.exclude', warn)];
    const maxFileBytes = readSetting('index.maxFileSizeKb', warn) * 1024;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const storageDir = this.storageFor(folder);
      if (folder.uri.scheme !== 'file' || !storageDir || this.opened.has(folder.uri.fsPath)) continue;
      try {
        const encryption = await atRestEncryption(this.context, readSetting('privacy.encryptAtRest', warn));
        const opened = await this.sidecar.request(OpenIndex, { root: folder.uri.fsPath, storageDir, exclude, maxFileBytes, ...(encryption && { encryption }) });
        this.opened.add(folder.uri.fsPath);
        this.log.info(
          `Index of ${folder.name}: ${opened.files} files, ${opened.chunks} chunks on disk (generation ${opened.generation})${opened.writer ? '' : ', read-only: another window writes it'}.`,
        );
      } catch (error) {
        this.log.warn(`Could not open the index of ${folder.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (this.paused) await this.sidecar.request(SetIndexingPaused, { paused: true }).catch(() => undefined);
  }

  private async reopen(): Promise<void> {
    for (const root of this.opened) await this.sidecar.request(CloseIndex, { root }).catch(() => undefined);
    this.opened.clear();
    this.statuses.clear();
    this.statusBar.update([], this.paused);
    await this.openAll();
  }

  private openAfterStart(): void {
    this.opened.clear();
    void this.openAll();
  }

  /** Each folder's index lives in this workspace's storage, keyed by the folder. */
  private storageFor(folder: vscode.WorkspaceFolder): string | undefined {
    const base = this.context.storageUri ?? this.context.globalStorageUri;
    if (base.scheme !== 'file') return undefined;
    const key = createHash('sha1').update(folder.uri.toString()).digest('hex').slice(0, 16);
    return path.join(base.fsPath, 'index', key);
  }

  private queue(uri: vscode.Uri, change: FileChange): void {
    if (uri.scheme !== 'file' || this.opened.size === 0) return;
    const previous = this.pending.get(uri.fsPath);
    // created then changed is still a creation; anything then deleted is a deletion.
    this.pending.set(uri.fsPath, previous === 'created' && change === 'changed' ? 'created' : change);
    this.flushTimer ??= setTimeout(() => this.flush(), batchMs);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const changes = [...this.pending].map(([file, type]) => ({ type, path: file }));
    this.pending.clear();
    if (changes.length > 0) this.sidecar.notify(DidChangeFiles, { changes });
  }

  private async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    await vscode.commands.executeCommand('setContext', 'pylot.indexingPaused', paused);
    await this.sidecar
      .request(SetIndexingPaused, { paused })
      .catch((error: unknown) => this.log.warn(`Could not ${paused ? 'pause' : 'resume'} indexing: ${String(error)}`));
    this.statusBar.update(this.status(), paused);
  }

  private onStatus(status: IndexStatus): void {
    this.statuses.set(status.root, status);
    this.statusBar.update(this.status(), this.paused);
  }

  private async pickAndOpen(): Promise<void> {
    const query = await vscode.window.showInputBox({
      prompt: 'Search the codebase by meaning or keywords',
      placeHolder: 'e.g. where are retries with backoff handled',
    });
    if (!query) return;
    const answer = await this.search(query, { limit: 20 });
    if (answer.message) this.log.info(answer.message);
    const picked = await vscode.window.showQuickPick(
      answer.results.map((result) => ({
        label: `${result.relativePath}:${result.startLine}`,
        description: result.symbol,
        detail: result.text
          .split('\n')
          .find((line) => line.trim())
          ?.trim(),
        result,
      })),
      { placeHolder: answer.results.length ? `${answer.results.length} results (${answer.mode})` : 'Nothing found' },
    );
    if (!picked) return;
    const line = picked.result.startLine - 1;
    await vscode.window.showTextDocument(vscode.Uri.file(picked.result.path), { selection: new vscode.Range(line, 0, line, 0) });
  }
}

function enabled(): boolean {
  // Asked on every search; an invalid value is reported where the index opens.
  return readSetting('index.enabled', () => {});
}

/** Wires the index into the extension; what it returns is the search API for other features. */
export function registerCodebaseIndex(context: vscode.ExtensionContext, sidecar: Sidecar, log: Log): CodebaseIndex {
  const index = new CodebaseIndex(context, sidecar, log);
  context.subscriptions.push(index);
  return index;
}
