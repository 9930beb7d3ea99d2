// The local OpenAI-compatible API as a user turns it on in a real VS Code: the setting starts it,
// the status bar says so, "Pylot: Copy Local API Token" puts the token (kept in SecretStorage) on
// the clipboard, a client with it is answered by Pylot's chat model and one without it gets 401,
// and turning it off closes the port.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PylotApi } from '../../../extension/main';
import { demoChat } from './fixtureScripts';
import { freePort } from '../../rig/ports';
import { pylot, setting, testModels, useSettings, waitFor } from './helpers';

suite('The local API', () => {
  let api: PylotApi;

  suiteSetup(async () => {
    api = await pylot();
  });
  useSettings({ threads: 1, 'models.chat': testModels().demoChat }, ['localApi.enabled', 'localApi.port']);

  test('is off by default: no status bar item, no port', () => {
    assert.equal(api.localApi().state.url, undefined);
    assert.equal(api.localApi().statusText, '');
  });

  test('turned on, it serves the chat model to a client with the copied token, and 401 to one without', async () => {
    const port = await freePort();
    await setting('localApi.port', port);
    await setting('localApi.enabled', true);
    const url = await waitFor('the API listening', () => api.localApi().state.url);
    assert.equal(url, `http://127.0.0.1:${port}/v1`);
    await waitFor('the status bar item', () => api.localApi().statusText === '$(broadcast) API');

    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('pylot.copyLocalApiToken');
    const token = await vscode.env.clipboard.readText();
    assert.ok(token.length >= 32, 'a long random token');

    const refused = await fetch(`${url}/models`);
    assert.equal(refused.status, 401);
    const wrong = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${token}x` } });
    assert.equal(wrong.status, 401);

    // Turning it on loaded the chat role's model for clients.
    const models = await waitFor('the chat model served', async () => {
      const response = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { data: Array<{ id: string }> };
      return body.data.some((model) => model.id === 'pylot-chat') && body;
    });
    assert.ok(models.data.length >= 1);
    const reply = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'pylot-chat', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(((await reply.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content, demoChat.text);
  });

  test('turned off, the port is closed and the item gone', async () => {
    const url = api.localApi().state.url!;
    await setting('localApi.enabled', false);
    await waitFor('the API stopped', () => api.localApi().state.url === undefined);
    assert.equal(api.localApi().statusText, '');
    await assert.rejects(fetch(`${url}/models`));
  });
});
