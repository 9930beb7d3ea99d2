// Hosts the Pylot panel (webview-ui/) in the activity bar: strict CSP with a nonce, messages
// validated against the shared contract in both directions.
import type { Log } from '../log';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { WebviewMessage, type HostMessage, type PanelState } from '../../protocol/webview';

export class StatusViewProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'pylot.status';
  private view: vscode.WebviewView | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly state: () => PanelState,
    private readonly log: Log,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    view.webview.html = page(view.webview, vscode.Uri.joinPath(dist, 'webview.js'), vscode.Uri.joinPath(media, 'panel.css'));
    view.webview.onDidReceiveMessage((raw: unknown) => {
      const parsed = WebviewMessage.safeParse(raw);
      if (!parsed.success) return this.log.warn(`Ignoring malformed message from the Pylot panel: ${JSON.stringify(raw)}`);
      const message = parsed.data;
      if (message.type === 'ready') this.refresh();
      else void vscode.commands.executeCommand(`pylot.${message.command}`);
    });
    view.onDidDispose(() => (this.view = undefined));
  }

  refresh(): void {
    const message: HostMessage = { type: 'state', state: this.state() };
    void this.view?.webview.postMessage(message);
  }
}

function page(webview: vscode.Webview, script: vscode.Uri, style: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${webview.asWebviewUri(style)}">
<title>Pylot</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${webview.asWebviewUri(script)}"></script>
</body>
</html>`;
}
