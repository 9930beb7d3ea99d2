// Cheap editor signals for the sidecar's context engine: where the user looked and edited, which
// tabs are open, and the clipboard. Collected from VS Code events, sent at most every few hundred
// milliseconds (and again after a sidecar restart); the ranking happens in the sidecar. Also the
// workspace folders and excludes, which bound what the sidecar reads as context.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ContextSignals, type TouchedRange } from '../../protocol/context';
import type { ParamsOf } from '../../protocol/rpc';
import type { PrivacyFilter } from '../completion/privacy';
import type { Sidecar } from '../sidecar/supervisor';

const sendAfterMs = 400;
const maxRanges = 16;
const maxTabs = 20;
const maxClipboardChars = 4_000;
/** Edits this close to an earlier one extend it instead of starting a new range. */
const nearbyLines = 3;
/** Scrolling through a file is many visits, not one range growing to the whole file. */
const maxMergedLines = 120;

export class SignalReporter implements vscode.Disposable {
  private visited: TouchedRange[] = [];
  private edited: TouchedRange[] = [];
  private clipboardText: string | undefined;
  private clipboardSent = false;
  private workspaceSent = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly sidecar: Sidecar,
    private readonly privacy: PrivacyFilter,
  ) {
    this.unsubscribe = sidecar.onReady(() => {
      this.clipboardSent = false;
      this.workspaceSent = false;
      this.schedule();
    });
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        for (const change of event.contentChanges) {
          const lines = change.text.split('\n').length - 1;
          this.edited = touch(this.edited, event.document.uri, change.range.start.line, change.range.start.line + lines);
        }
        if (event.contentChanges.length) this.schedule();
      }),
      vscode.window.onDidChangeTextEditorVisibleRanges((event) => {
        const range = event.visibleRanges[0];
        if (range) this.visited = touch(this.visited, event.textEditor.document.uri, range.start.line, range.end.line);
        this.schedule();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.schedule()),
      vscode.window.onDidChangeWindowState((state) => state.focused && this.schedule()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.resendWorkspace()),
      vscode.workspace.onDidChangeConfiguration(
        (event) =>
          (event.affectsConfiguration('pylot.completion.exclude') || event.affectsConfiguration('python.defaultInterpreterPath')) && this.resendWorkspace(),
      ),
    );
  }

  private resendWorkspace(): void {
    this.workspaceSent = false;
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.send();
    }, sendAfterMs);
  }

  private async send(): Promise<void> {
    if (this.sidecar.status.status !== 'ready') return;
    const allowed = (uri: string) => !this.privacy.isExcluded(vscode.Uri.parse(uri));
    const params: ParamsOf<typeof ContextSignals> = {
      openTabs: openTabs().filter(allowed).slice(0, maxTabs),
      visited: this.visited.filter((r) => allowed(r.uri)),
      edited: this.edited.filter((r) => allowed(r.uri)),
    };
    if (!this.workspaceSent) {
      this.workspaceSent = true;
      const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
      // The Python extension's interpreter setting, when the user set one ("python" alone is a PATH lookup).
      const interpreter = vscode.workspace.getConfiguration('python').get<string>('defaultInterpreterPath');
      const pythonEnvironment = interpreter && path.isAbsolute(interpreter) ? interpreter : undefined;
      params.workspace = {
        folders,
        exclude: vscode.workspace.getConfiguration('pylot').get<string[]>('completion.exclude', []),
        ...(pythonEnvironment && { pythonEnvironment }),
      };
    }
    const clipboard = clipboardAllowed()
      ? await vscode.env.clipboard.readText().then(
          (text) => text,
          () => undefined,
        )
      : undefined;
    if (clipboard !== undefined && clipboard.length <= maxClipboardChars && (clipboard !== this.clipboardText || !this.clipboardSent)) {
      this.clipboardText = clipboard;
      this.clipboardSent = true;
      // Text copied from a document Pylot stays out of never leaves; from another one, the sidecar judges where it came from.
      const source = clipboardSource(clipboard);
      const excluded = source !== undefined && this.privacy.isExcluded(source.uri);
      params.clipboard = excluded ? { text: '', at: Date.now() } : { text: clipboard, at: Date.now(), ...(source && { source: source.uri.toString() }) };
    }
    this.sidecar.notify(ContextSignals, params);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.unsubscribe();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

/** The open document the clipboard's text was copied from, when one holds it (short texts say too little). */
function clipboardSource(text: string): vscode.TextDocument | undefined {
  const copied = text.trim();
  if (copied.length < 8) return undefined;
  return vscode.workspace.textDocuments.find((document) => document.getText().includes(copied));
}

/** Text documents in tabs, the active editor's first. */
function openTabs(): string[] {
  const active = vscode.window.activeTextEditor?.document.uri.toString();
  const uris = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .flatMap((tab) => (tab.input instanceof vscode.TabInputText ? [tab.input.uri.toString()] : []));
  return [...new Set(active ? [active, ...uris] : uris)];
}

/** Records a touched range, most recent first, merging it with a nearby earlier one of the same document. */
export function touch(ranges: readonly TouchedRange[], uri: vscode.Uri, startLine: number, endLine: number): TouchedRange[] {
  const key = uri.toString();
  const near = ranges.find(
    (r) =>
      r.uri === key &&
      startLine <= r.endLine + nearbyLines &&
      endLine >= r.startLine - nearbyLines &&
      Math.max(r.endLine, endLine) - Math.min(r.startLine, startLine) <= maxMergedLines,
  );
  const merged: TouchedRange = near
    ? { uri: key, startLine: Math.min(near.startLine, startLine), endLine: Math.max(near.endLine, endLine), at: Date.now() }
    : { uri: key, startLine, endLine, at: Date.now() };
  return [merged, ...ranges.filter((r) => r !== near)].slice(0, maxRanges);
}

/**
 * `pylot.context.clipboard`. In a browser (code-server, vscode.dev) reading the clipboard asks for
 * the browser's permission and shows an error when refused, so there it is read only when the user
 * turned the setting on themselves; in the desktop app, where reading is silent, it is on by default.
 */
function clipboardAllowed(): boolean {
  const setting = vscode.workspace.getConfiguration('pylot').inspect<boolean>('context.clipboard');
  const explicit: unknown = setting?.workspaceFolderValue ?? setting?.workspaceValue ?? setting?.globalValue;
  // Anything but true or false counts as unset: a stray "false" string must not read the clipboard.
  return typeof explicit === 'boolean' ? explicit : vscode.env.uiKind === vscode.UIKind.Desktop;
}
