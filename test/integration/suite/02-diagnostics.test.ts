// Pylot: Show Diagnostics in the real extension host: one readable report, secrets redacted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { pylot, setting, testModels, waitFor } from './helpers';

suite('Pylot diagnostics', () => {
  suiteTeardown(async () => {
    await setting('models.completion', undefined);
    await setting('models.chat', undefined);
    await setting('chat.draftModel', undefined);
    await setting('servers', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('reports versions, hardware, models, settings without secrets, and recent logs', async () => {
    const api = await pylot();
    await setting('servers', [{ name: 'lab', api: 'llama-server', baseUrl: 'http://user:hunter2@127.0.0.1:9/' }]);
    await setting('models.completion', testModels().scripted);
    await api.models.ensureLoaded('completion');
    void vscode.commands.executeCommand('pylot.showDiagnostics');
    const report = await waitFor('the diagnostics document', () => {
      const document = vscode.window.activeTextEditor?.document;
      return document?.languageId === 'markdown' && document.getText().startsWith('# Pylot diagnostics') && document.getText();
    });
    assert.match(report, /- Pylot \d+\.\d+\.\d+, VS Code 1\.\d+/);
    assert.match(report, /- Backend: cpu/);
    assert.match(report, /- completion: ready — pylot-test-scripted \(local, .*scripted.*\.gguf\), context \d+/);
    assert.match(report, /- chat: none — none set/);
    assert.match(report, /"baseUrl": "http:\/\/<redacted>@127\.0\.0\.1:9\/"/);
    assert.ok(!report.includes('hunter2'));
    assert.match(report, /## Last log lines[\s\S]*Loaded pylot-test-scripted/);
  });

  test("names the chat model's draft model, or why the one set is not used (chat loads either way)", async () => {
    const api = await pylot();
    const { scripted, scriptedOther, nextEdit } = testModels();
    await setting('models.chat', scripted);
    // A draft on another vocabulary (Qwen2's, the chat model's is deepseek-coder's).
    await setting('chat.draftModel', nextEdit);
    await api.models.ensureLoaded('chat');
    const why = await waitFor('chat loaded without its draft', () => api.models.state('chat').model?.draftUnused);
    assert.match(why, /^The draft model ".+\.gguf" is not used: .*Speculative decoding needs the same vocabulary.*Chat runs without it\.$/);
    assert.equal(api.models.state('chat').state, 'ready');
    // The setting changed to a draft that fits: chat loads again, with it.
    await setting('chat.draftModel', scriptedOther);
    const draft = await waitFor('chat loaded with its draft', () => api.models.state('chat').model?.draft);
    assert.equal(draft.location, scriptedOther);
    void vscode.commands.executeCommand('pylot.showDiagnostics');
    const report = await waitFor('the diagnostics document naming the draft', () => {
      const text = vscode.window.activeTextEditor?.document.getText();
      return text?.startsWith('# Pylot diagnostics') && text.includes('draft model') && text;
    });
    assert.match(report, /- chat: ready — pylot-test-scripted .*; draft model pylot-test-scripted-other \(.*\.gguf\)/);
  });
});
