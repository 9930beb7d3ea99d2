// The context engine from the real extension host: the extension mirrors the open documents and
// reports its signals (open tabs, the clipboard), and the sidecar answers with the definitions the
// current file imports from the workspace, read from disk.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ContextSnippets } from '../../../protocol/context';
import { pylot, setting, sleep, waitFor } from './helpers';

suite('Pylot context engine', () => {
  suiteTeardown(async () => {
    await setting('context.clipboard', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('snippets carry imported definitions and the clipboard the extension reported', async () => {
    const api = await pylot();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration run opens a workspace folder');
    const write = (name: string, text: string) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, name), new TextEncoder().encode(text));
    await write(
      'context/shapes.ts',
      'export interface Circle {\n  radius: number;\n}\n\nexport function area(circle: Circle): number {\n  return Math.PI * circle.radius ** 2;\n}\n',
    );
    const main = vscode.Uri.joinPath(folder.uri, 'context/report.ts');
    await write(
      'context/report.ts',
      "import { area, type Circle } from './shapes';\n\nexport function describe(circle: Circle): string {\n  const size = area(circle);\n  \n}\n",
    );
    const editor = await vscode.window.showTextDocument(main);
    // code-server is VS Code for the Web: the clipboard is read only when the user turned it on.
    await setting('context.clipboard', true);
    const clipboard = `circle.radius.toFixed(${Date.now() % 1000})`;
    await vscode.env.clipboard.writeText(clipboard);
    // A tab change makes the extension report its signals (debounced) once the sidecar runs.
    await api.sidecar.ensureStarted();
    await vscode.commands.executeCommand('workbench.action.keepEditor');

    const snippets = await waitFor('context snippets with the definitions and the clipboard', async () => {
      const result = await api.sidecar
        .request(ContextSnippets, { uri: main.toString(), version: editor.document.version, position: { line: 4, character: 2 } })
        .catch(() => undefined);
      const found = result && result.snippets.some((s) => s.source === 'imported') && result.snippets.some((s) => s.source === 'clipboard');
      if (!found) await vscode.window.showTextDocument(main, { preview: false }).then(() => sleep(500));
      return found && result.snippets;
    });
    const imported = snippets.filter((s) => s.source === 'imported');
    assert.ok(imported.length > 0 && imported.every((s) => s.filename.endsWith('shapes.ts')), JSON.stringify(imported));
    // Short neighbouring definitions travel together: area may share its snippet with Circle.
    assert.ok(
      imported.some((s) => s.text.includes('export function area(circle: Circle): number {')),
      JSON.stringify(imported),
    );
    assert.equal(snippets.find((s) => s.source === 'clipboard')?.text, clipboard);

    // Show Diagnostics names what the cursor's context draws on, by file, never its text.
    const shown = await vscode.window.showTextDocument(main, { preview: false });
    shown.selection = new vscode.Selection(4, 2, 4, 2);
    void vscode.commands.executeCommand('pylot.showDiagnostics');
    const report = await waitFor('the diagnostics document', () => {
      const document = vscode.window.activeTextEditor?.document;
      return document?.languageId === 'markdown' && document.getText().startsWith('# Pylot diagnostics') && document.getText();
    });
    const section = report.slice(report.indexOf('## Completion context at the cursor'), report.indexOf('## Settings'));
    assert.match(section, /- imported: \S*shapes\.ts \([\d,]+ characters\)/);
    assert.match(section, /- assembled in \d+ ms/);
    assert.ok(!section.includes('Math.PI') && !section.includes(clipboard), 'names and sizes only, never the code');
  });
});
