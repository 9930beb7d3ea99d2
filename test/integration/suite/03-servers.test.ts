// Server profiles in the real extension host: completions from a real llama-server (/infill), a pool
// that passes over a server that is down and says in the tooltip which one answered, and the
// fallback taking over, visibly, when that server goes down.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as vscode from 'vscode';
import { acceptGhostText, functionEditor, pylot, script, setting, testModels, waitFor } from './helpers';
import type { TestServer } from './fixtureScripts';

suite('Pylot with a llama-server', () => {
  const server = JSON.parse(process.env.PYLOT_TEST_SERVER ?? 'null') as TestServer | null;

  suiteSetup(async () => {
    assert.ok(server, 'PYLOT_TEST_SERVER is not set: run the integration tests through `npm test`.');
    await setting('servers', [{ name: 'lab', api: 'llama-server', baseUrl: server.url, retries: 0, connectTimeoutMs: 1000 }]);
  });

  suiteTeardown(async () => {
    for (const key of ['models.completion', 'fallback.completion', 'servers']) await setting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('completes through a server profile', async () => {
    const api = await pylot();
    await setting('models.completion', 'server:lab');
    await acceptGhostText(await functionEditor(), script);
    const model = api.models.state('completion').model;
    assert.equal(model?.engine, 'llama-server');
    assert.equal(model?.location, server!.url);
    assert.ok(api.statusText().startsWith(`Pylot $(check) completion: ${model!.name} (llama-server)`), api.statusText());
  });

  test('a pool passes over a server that is down, and the tooltip says which server answered', async () => {
    const api = await pylot();
    const lab = { name: 'lab', api: 'llama-server', baseUrl: server!.url, retries: 0, connectTimeoutMs: 1000 };
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    await setting('servers', [lab, { name: 'gone', api: 'llama-server', baseUrl: `http://127.0.0.1:${port}`, connectTimeoutMs: 1000 }]);
    await setting('models.completion', 'server:gone,server:lab');
    await acceptGhostText(await functionEditor(), script);
    await api.serverHealth.check();
    const tooltip = await waitFor('the pool in the tooltip', () => api.statusTooltip().includes('the last answer came from lab') && api.statusTooltip());
    assert.match(tooltip, /- completion: .* on a pool of servers \(gone down, lab answering\); the last answer came from lab/);
    assert.match(api.statusText(), /completion: .* \(llama-server pool\)/);
    await setting('servers', [lab]);
    await setting('models.completion', 'server:lab');
  });

  test('switches to the fallback when the server goes down, and says so', async () => {
    const api = await pylot();
    await setting('fallback.completion', testModels().scripted);
    await waitFor('the server model back after the setting change', () => api.models.state('completion').model?.engine === 'llama-server');
    process.kill(server!.pid, 'SIGKILL');
    await api.serverHealth.check();
    const model = await waitFor('the fallback', () => api.models.state('completion').model?.fallbackFrom && api.models.state('completion').model);
    assert.equal(model.engine, 'local');
    assert.match(model.fallbackFrom!.reason, /Cannot reach llama-server "lab" .*connection refused/);
    assert.match(api.statusText(), /^Pylot \$\(warning\) CPU-\w+ · completion: fallback pylot-test-scripted/);
    await acceptGhostText(await functionEditor(), script);
  });
});
