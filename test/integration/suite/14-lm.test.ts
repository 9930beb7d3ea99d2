// Pylot's chat model in VS Code's own language-model API, as any extension (or VS Code's chat) uses
// it: vscode.lm.selectChatModels finds it with its real context size, a request streams the scripted
// model's answer through the real sidecar, a tool call round-trips (the model calls, the caller
// answers with the result, the model answers), and tokens are counted with the model's tokenizer.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PylotApi } from '../../../extension/main';
import { demoChat } from './fixtureScripts';
import { pylot, setting, testModels, useSettings, waitFor } from './helpers';
import { startScriptedChatServer } from './scriptedChatServer';

const createFile: vscode.LanguageModelChatTool = {
  name: 'create_file',
  description: 'Creates a file in the workspace.',
  inputSchema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] },
};

async function collect(response: vscode.LanguageModelChatResponse): Promise<{ texts: string[]; calls: vscode.LanguageModelToolCallPart[] }> {
  const texts: string[] = [];
  const calls: vscode.LanguageModelToolCallPart[] = [];
  for await (const part of response.stream) {
    if (part instanceof vscode.LanguageModelTextPart) texts.push(part.value);
    else if (part instanceof vscode.LanguageModelToolCallPart) calls.push(part);
  }
  return { texts, calls };
}

suite("VS Code's language-model API", () => {
  const models = testModels();
  let api: PylotApi;

  suiteSetup(async () => {
    api = await pylot();
  });
  useSettings({ threads: 1 }, ['models.chat']);

  test('offers no Pylot model while no chat model is set', async () => {
    await setting('models.chat', undefined);
    await waitFor('no pylot model', async () => (await vscode.lm.selectChatModels({ vendor: 'pylot' })).length === 0, 10_000);
  });

  test('finds the chat model, with its real context size once loaded', async () => {
    await setting('models.chat', models.demoChat);
    const [listed] = await waitFor('a pylot model', async () => {
      const found = await vscode.lm.selectChatModels({ vendor: 'pylot' });
      return found.length ? found : undefined;
    });
    assert.equal(listed!.vendor, 'pylot');
    assert.equal(listed!.id, 'pylot-chat');
    const info = await api.models.ensureLoaded('chat');
    const [loaded] = await waitFor('the loaded model listed', async () => {
      const found = await vscode.lm.selectChatModels({ vendor: 'pylot', id: 'pylot-chat' });
      return found[0]?.name.startsWith(info.name) ? found : undefined;
    });
    // The prompt may take what a reply (at most half the context) leaves.
    assert.equal(loaded!.maxInputTokens + Math.min(4096, Math.floor(info.contextSize / 2)), info.contextSize);
  });

  test('streams the model’s answer', async () => {
    const [model] = await vscode.lm.selectChatModels({ vendor: 'pylot' });
    const response = await model!.sendRequest([vscode.LanguageModelChatMessage.User('What can you do?')], {}, new vscode.CancellationTokenSource().token);
    const { texts, calls } = await collect(response);
    assert.equal(texts.join(''), demoChat.text);
    assert.ok(texts.length > 1, `${texts.length} parts: it streamed`);
    assert.deepEqual(calls, []);
  });

  test('a tool call round-trips: the model calls, the caller answers, the model answers', async () => {
    const [model] = await vscode.lm.selectChatModels({ vendor: 'pylot' });
    const token = new vscode.CancellationTokenSource().token;
    const messages = [vscode.LanguageModelChatMessage.User('Create a hello file')];
    const first = await collect(await model!.sendRequest(messages, { tools: [createFile] }, token));
    assert.equal(first.calls.length, 1);
    const [call] = first.calls;
    assert.equal(call!.name, 'create_file');
    assert.deepEqual(call!.input, demoChat.call.args);
    assert.ok(call!.callId);

    messages.push(
      vscode.LanguageModelChatMessage.Assistant([call!]),
      vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart(call!.callId, [new vscode.LanguageModelTextPart('Created hello.ts.')])]),
    );
    const second = await collect(await model!.sendRequest(messages, { tools: [createFile] }, token));
    assert.deepEqual(second.calls, []);
    assert.equal(second.texts.join(''), demoChat.answer);
  });

  test("counts tokens with the model's tokenizer", async () => {
    const [model] = await vscode.lm.selectChatModels({ vendor: 'pylot' });
    const short = await model!.countTokens('hello');
    const long = await model!.countTokens('hello '.repeat(50));
    assert.ok(short >= 1 && short <= 3, `${short}`);
    assert.ok(long >= 50 && long <= 101, `${long}`);
  });

  test('offers each server profile as a model of its own, with the context its server reports', async () => {
    const stub = await startScriptedChatServer('stub-model');
    try {
      await setting('servers', [
        { name: 'stub', api: 'openai-compatible', baseUrl: `${stub.url}/v1`, model: 'stub-model', retries: 0, connectTimeoutMs: 1000 },
      ]);
      const [model] = await waitFor('the profile listed with its context', async () => {
        const found = await vscode.lm.selectChatModels({ vendor: 'pylot', id: 'pylot-server-stub' });
        return found[0]?.name.endsWith('(Pylot · stub)') ? found : undefined;
      });
      // The server says 8192 tokens; a reply may take half of it.
      assert.equal(model!.maxInputTokens, 4096);
      stub.reply('Hello from the stub server.');
      const { texts } = await collect(
        await model!.sendRequest([vscode.LanguageModelChatMessage.User('hi there')], {}, new vscode.CancellationTokenSource().token),
      );
      assert.equal(texts.join(''), 'Hello from the stub server.');
      assert.equal(stub.requests.at(-1)?.at(-1)?.content, 'hi there');
      // The chat role's model is still listed beside it.
      assert.deepEqual((await vscode.lm.selectChatModels({ vendor: 'pylot' })).map((m) => m.id).sort(), ['pylot-chat', 'pylot-server-stub']);
    } finally {
      await setting('servers', undefined);
      await stub.close();
    }
  });
});
