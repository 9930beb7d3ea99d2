// The completion engine in the real extension host: typed-through suggestions shown with no engine
// call, word-by-word partial accept, and excluded files never completed nor sent to the engine.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { acceptGhostText, functionEditor, pylot, script, setting, sleep, testModels, waitFor } from './helpers';

suite('Pylot completion engine', () => {
  suiteSetup(async () => {
    await setting('models.completion', testModels().scripted);
    await (await pylot()).models.ensureLoaded('completion');
  });

  suiteTeardown(async () => {
    await setting('models.completion', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('typing the start of a suggestion shows the rest from the cache, with no engine call', async () => {
    const api = await pylot();
    const editor = await functionEditor();
    // Shown once by the engine…
    await waitFor('a first suggestion', async () => {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await sleep(300);
      return api.completionStats().engineCalls > 0 && api.completionStats();
    });
    const before = api.completionStats();
    // …then typed through: "ret" typed, "urn a + b;" still shown and accepted.
    await vscode.commands.executeCommand('type', { text: 'ret' });
    await acceptGhostText(editor, script);
    assert.equal(editor.document.lineAt(1).text, `  ${script}`);
    const after = api.completionStats();
    assert.equal(after.engineCalls, before.engineCalls, 'no new engine call');
    assert.ok(after.cacheHits > before.cacheHits);
  });

  test('accepts a suggestion word by word', async () => {
    const editor = await functionEditor();
    await waitFor('the first word accepted', async () => {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await sleep(300);
      await vscode.commands.executeCommand('editor.action.inlineSuggest.acceptNextWord');
      return editor.document.lineAt(1).text.trim().length > 0;
    });
    const partial = editor.document.lineAt(1).text.trim();
    assert.ok(script.startsWith(partial) && partial.length < script.length, `partially accepted: "${partial}"`);
    await acceptGhostText(editor, script);
    assert.equal(editor.document.lineAt(1).text, `  ${script}`);
  });

  test('never completes in, nor mirrors, a secret file', async () => {
    const api = await pylot();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration run opens a workspace folder');
    const secret = vscode.Uri.joinPath(folder.uri, '.env');
    await vscode.workspace.fs.writeFile(secret, new TextEncoder().encode('API_TOKEN=\n'));
    const editor = await vscode.window.showTextDocument(secret);
    editor.selection = new vscode.Selection(0, 10, 0, 10);
    const before = api.completionStats();
    for (let attempt = 0; attempt < 3; attempt++) {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await sleep(300);
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
    }
    assert.equal(editor.document.getText(), 'API_TOKEN=\n');
    assert.deepEqual(api.completionStats(), before);
  });
});
