// The HTML shell of Pylot's webviews: a strict Content-Security-Policy (nothing but the extension's
// own stylesheets, fonts and a nonce'd script), so model output rendered in a panel can run nothing.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface PageOptions {
  readonly script: vscode.Uri;
  readonly style: vscode.Uri;
  readonly title: string;
  /** The element the script fills, e.g. `<main id="app"></main>`. */
  readonly body: string;
  /** Extra image sources beyond the extension's own (e.g. `data:`). */
  readonly images?: readonly string[];
  /** VS Code's codicon stylesheet (dist/codicon.css; its font comes from dist too); `<vscode-icon>` finds it by its id. */
  readonly codicons?: vscode.Uri;
}

export function webviewPage(webview: vscode.Webview, options: PageOptions): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    `default-src 'none'`,
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    [`img-src ${webview.cspSource}`, ...(options.images ?? [])].join(' '),
    ...(options.codicons ? [`font-src ${webview.cspSource}`] : []),
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${webview.asWebviewUri(options.style)}">
${options.codicons ? `<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${webview.asWebviewUri(options.codicons)}">\n` : ''}<title>${options.title}</title>
</head>
<body>
${options.body}
<script nonce="${nonce}" src="${webview.asWebviewUri(options.script)}"></script>
</body>
</html>`;
}

/** One of Pylot's panels in `view`: its script and VS Code's codicons from dist/, its stylesheet from media/, and nothing else loadable. */
export function showPylotPage(
  view: vscode.WebviewView,
  extensionUri: vscode.Uri,
  page: Pick<PageOptions, 'title' | 'body' | 'images'> & { readonly script: string; readonly style: string },
): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  view.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
  view.webview.html = webviewPage(view.webview, {
    ...page,
    script: vscode.Uri.joinPath(dist, page.script),
    style: vscode.Uri.joinPath(media, page.style),
    codicons: vscode.Uri.joinPath(dist, 'codicon.css'),
  });
}
