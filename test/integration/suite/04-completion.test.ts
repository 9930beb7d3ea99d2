// The completion engine in the real extension host: typed-through suggestions shown with no engine
// call, word-by-word partial accept, and excluded files never completed nor sent to the engine.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Ping } from '../../../protocol/sidecar';
import { multiLineScript } from './fixtureScripts';
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

  test("cycles alternatives with VS Code's next/previous suggestion commands", async () => {
    await setting('models.completion', testModels().scriptedMultiLine);
    try {
      await (await pylot()).models.ensureLoaded('completion');
      const firstLine = multiLineScript.slice(0, multiLineScript.indexOf('\n'));
      // An explicit trigger asks for alternatives: the block first, then its first line alone.
      const accepted = async (cycle: string[]) => {
        const editor = await functionEditor();
        await waitFor('a suggestion accepted', async () => {
          await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
          await sleep(400);
          for (const command of cycle) {
            await vscode.commands.executeCommand(command);
            await sleep(200);
          }
          await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
          return editor.document.lineAt(1).text.trim().length > 0;
        });
        const text = editor.document.getText();
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        return text;
      };
      assert.ok((await accepted([])).includes(multiLineScript), 'the first suggestion is the block');
      const next = await accepted(['editor.action.inlineSuggest.showNext']);
      assert.ok(next.includes(`  ${firstLine}\n}`) && !next.includes('return b'), `the next one is the first line alone: ${JSON.stringify(next)}`);
      const back = await accepted(['editor.action.inlineSuggest.showNext', 'editor.action.inlineSuggest.showPrevious']);
      assert.ok(back.includes(multiLineScript), 'previous goes back to the block');
    } finally {
      await setting('models.completion', testModels().scripted);
      await (await pylot()).models.ensureLoaded('completion');
    }
  });

  test('typing fast cancels what is no longer wanted: never more than one generation at a time', async () => {
    const api = await pylot();
    // The 0.5B-shaped bench model: slow enough on a CPU that typing always overtakes its generations.
    await setting('models.completion', testModels().bench);
    await setting('completion.maxTokens', 128);
    await setting('completion.timeLimitMs', 5_000);
    try {
      await api.models.ensureLoaded('completion');
      const before = await api.sidecar.request(Ping, null);
      const editor = await functionEditor();
      const typed = 'const total = a + b';
      // The first keystroke starts a long generation (128 tokens on a slow model); typing on departs from it.
      await vscode.commands.executeCommand('type', { text: typed[0] });
      await waitFor('a generation in the sidecar', async () => (await api.sidecar.request(Ping, null)).completions!.inFlight > 0, 30_000);
      for (const char of typed.slice(1)) {
        await vscode.commands.executeCommand('type', { text: char });
        await sleep(40);
      }
      await sleep(1_000);
      const after = await api.sidecar.request(Ping, null);
      assert.equal(editor.document.lineAt(1).text, `  ${typed}`, 'nothing but what was typed');
      assert.ok(after.completions!.maxInFlight <= 1, `at most one generation at a time (${after.completions!.maxInFlight})`);
      const started = after.completions!.total - before.completions!.total;
      assert.ok(started < typed.length, `${started} generations for ${typed.length} keystrokes`);
      assert.ok(after.completions!.cancelled > before.completions!.cancelled, 'a generation the user typed past was stopped');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      await setting('completion.maxTokens', undefined);
      await setting('completion.timeLimitMs', undefined);
      await setting('models.completion', testModels().scripted);
      await api.models.ensureLoaded('completion');
    }
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
