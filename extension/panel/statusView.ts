// Hosts the Pylot panel (webview-ui/) in the activity bar: strict CSP with a nonce, messages
// validated against the shared contract in both directions.
import type { Log } from '../log';
import * as vscode from 'vscode';
import { code } from '../../protocol/logLine';
import { WebviewMessage, type HostMessage, type PanelState } from '../../protocol/webview';
import { showPylotPage } from '../webviewPage';

export class StatusViewProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'pylot.status';
  private view: vscode.WebviewView | undefined;
  private pendingRefresh: NodeJS.Timeout | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly state: () => PanelState,
    private readonly log: Log,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    showPylotPage(view, this.extensionUri, {
      script: 'webview.js',
      style: 'panel.css',
      title: 'Pylot Engine',
      body: '<main id="app" aria-live="polite"></main>',
    });
    view.webview.onDidReceiveMessage((raw: unknown) => {
      const parsed = WebviewMessage.safeParse(raw);
      if (!parsed.success) return this.log.warn`Ignoring malformed message from the Pylot panel: ${code(raw)}`;
      const message = parsed.data;
      if (message.type === 'ready') this.refresh();
      else void vscode.commands.executeCommand(`pylot.${message.command}`);
    });
    view.onDidDispose(() => (this.view = undefined));
  }

  /** Many changes in a row (usage counts while typing) are one redraw. */
  refreshSoon(): void {
    if (this.pendingRefresh) return;
    this.pendingRefresh = setTimeout(() => {
      this.pendingRefresh = undefined;
      this.refresh();
    }, 500);
  }

  refresh(): void {
    const message: HostMessage = { type: 'state', state: this.state() };
    void this.view?.webview.postMessage(message);
  }
}
