// A file named in an answer (`src/a.ts:12`), opened in the editor at that line. The path comes from
// model output, so only a plain workspace-relative path to an existing file of a workspace folder
// is opened: no absolute paths, no `..`, no URIs; anything else gets a visible "not found".
import * as vscode from 'vscode';

export async function openFileLink(path: string, line: number | undefined): Promise<void> {
  const segments = path.split('/');
  const plain = !path.startsWith('/') && !path.includes('\\') && !path.includes(':') && segments.every((s) => s && s !== '.' && s !== '..');
  for (const folder of plain ? (vscode.workspace.workspaceFolders ?? []) : []) {
    const uri = vscode.Uri.joinPath(folder.uri, ...segments);
    const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
    if (!stat || !(stat.type & vscode.FileType.File)) continue;
    const editor = await vscode.window.showTextDocument(uri, { preview: true });
    if (line !== undefined) {
      const at = new vscode.Position(Math.min(line, editor.document.lineCount) - 1, 0);
      editor.selection = new vscode.Selection(at, at);
      editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return;
  }
  void vscode.window.showWarningMessage(`Pylot: "${path}" is not a file of this workspace.`);
}
