// Files run in name order: 01 needs a freshly activated extension with its engine not yet started.
// Pylot inside a real VS Code extension host (code-server 1.139): activation, the status bar,
// ghost text from the real sidecar and a real GGUF model, bad models, restarts and crashes.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PylotApi } from '../../../extension/main';
import { acceptGhostText, functionEditor, otherScript, pylot, script, setting, testModels, useSettings, waitFor } from './helpers';

suite('Pylot in a real VS Code', () => {
  const models = testModels();
  let api: PylotApi;

  suiteSetup(async () => {
    api = await pylot();
  });
  useSettings({ threads: 1 }, ['models.completion']);

  test('activates cheaply and leaves the engine for first use', async () => {
    console.log(`activation took ${api.activationMs.toFixed(1)} ms in the extension host`);
    assert.equal(api.sidecar.status.status, 'idle');
    assert.equal(api.sidecar.pid, undefined);
    const commands = await vscode.commands.getCommands(true);
    for (const command of ['pylot.restartSidecar', 'pylot.showLogs', 'pylot.selectModel']) assert.ok(commands.includes(command), command);
  });

  test('says in the status bar that no completion model is set', () => {
    assert.equal(api.statusText(), 'Pylot $(circle-slash) completion: none');
  });

  test('shows ghost text from the sidecar that VS Code accepts', async () => {
    await setting('models.completion', models.scripted);
    assert.equal(api.statusText(), `Pylot $(circle-outline) completion: ${path.basename(models.scripted)} (not loaded)`);
    const editor = await functionEditor();
    await acceptGhostText(editor, script);
    assert.equal(editor.document.lineAt(1).text, `  ${script}`);
    assert.equal(api.sidecar.status.status, 'ready');
    assert.match(api.statusText(), /^Pylot \$\(check\) CPU-\w+ · completion: pylot-test-scripted( · \d+ tok\/s)?$/);
  });

  test('hot-swaps the model when the setting changes', async () => {
    await setting('models.completion', models.scriptedOther);
    await waitFor('the new model', () => api.models.state('completion').model?.location === models.scriptedOther);
    const editor = await functionEditor();
    await acceptGhostText(editor, otherScript);
  });

  test('reports each bad model clearly and keeps the engine up for a good one', async () => {
    const pid = api.sidecar.pid;
    const cases: Array<[string, RegExp]> = [
      ['/nonexistent/model.gguf', /not found/],
      [models.notGguf, /not a GGUF model file/],
      [models.truncatedData, /truncated/],
      [models.tooLarge, /needs about .* of memory/],
    ];
    for (const [path, reason] of cases) {
      await setting('models.completion', path);
      const state = await waitFor(`an error for ${path}`, () => {
        const current = api.models.state('completion');
        return current.state === 'error' && current.spec === path && current;
      });
      assert.match(state.error?.message ?? '', reason);
      assert.equal(api.statusText(), 'Pylot $(warning) completion: failed');
      assert.equal(api.sidecar.pid, pid, 'the engine kept running');
    }
    await setting('models.completion', models.scripted);
    await acceptGhostText(await functionEditor(), script);
  });

  test('Pylot: Restart Sidecar gives a fresh process with the model reloaded', async () => {
    const before = api.sidecar.pid;
    await vscode.commands.executeCommand('pylot.restartSidecar');
    await waitFor('the model back after the restart', () => api.models.state('completion').state === 'ready');
    assert.notEqual(api.sidecar.pid, before);
    await acceptGhostText(await functionEditor(), script);
  });

  test('a crashed sidecar is restarted and its model reloaded', async () => {
    const crashed = api.sidecar.pid!;
    process.kill(crashed, 'SIGKILL');
    await waitFor('a restarted sidecar', () => api.sidecar.status.status === 'ready' && api.sidecar.pid !== crashed);
    await waitFor('the reloaded model', () => api.models.state('completion').state === 'ready');
    await acceptGhostText(await functionEditor(), script);
  });
});
