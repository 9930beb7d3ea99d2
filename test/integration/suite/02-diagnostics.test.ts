// Pylot: Show Diagnostics in the real extension host: one readable report, secrets redacted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { pylot, setting, testModels, waitFor } from './helpers';

suite('Pylot diagnostics', () => {
  suiteTeardown(async () => {
    await setting('models.completion', undefined);
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
});
