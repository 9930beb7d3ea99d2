// The words a person reads for each role's state — the status bar shows `short`, its tooltip and the
// Engine panel `long` — for every condition a role can be in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capabilityWords, specName, summarizeRole } from '../../protocol/roleStatus';
import type { ModelInfo } from '../../protocol/sidecar';
import type { RoleView } from '../../protocol/webview';

const chat: ModelInfo = {
  role: 'chat',
  key: 'file:/models/qwen2.5-coder-1.5b-instruct-q8_0.gguf',
  engine: 'local',
  name: 'qwen2.5-coder-1.5b-instruct',
  location: '/models/qwen2.5-coder-1.5b-instruct-q8_0.gguf',
  contextSize: 8192,
  fim: false,
  capabilities: { infill: false, chat: true, tools: false, embeddings: false, grammar: true },
  loadMs: 812,
};

const words = (view: RoleView) => {
  const { condition, short, long } = summarizeRole(view);
  return { condition, short, long };
};

describe('role status words', () => {
  it('a chat model with its draft model, and one whose draft is not used, says which and why', () => {
    const draft = { name: 'qwen2.5-0.5b-instruct', location: '/models/qwen2.5-0.5b-instruct-q8_0.gguf', contextSize: 8192 };
    assert.equal(
      summarizeRole({ role: 'chat', spec: chat.location, state: 'ready', model: { ...chat, draft } }).long,
      'qwen2.5-coder-1.5b-instruct is loaded (8,192 tokens of context), drafting with qwen2.5-0.5b-instruct',
    );
    const draftUnused = 'The draft model "llama-3.2-1b.gguf" is not used: its tokenizer differs. Chat runs without it.';
    const unused = summarizeRole({ role: 'chat', spec: chat.location, state: 'ready', model: { ...chat, draftUnused } });
    assert.equal(unused.condition, 'ready', 'chat itself works');
    assert.equal(unused.long, `qwen2.5-coder-1.5b-instruct is loaded (8,192 tokens of context). ${draftUnused}`);
    const server = {
      ...chat,
      engine: 'llama-server' as const,
      location: 'http://127.0.0.1:8080',
      draftUnused: 'The draft model is not used: it applies to local chat models only.',
    };
    assert.match(
      summarizeRole({ role: 'chat', spec: 'server:box', state: 'ready', model: server }).long,
      /server at http:\/\/127\.0\.0\.1:8080\. The draft model is not used: it applies to local chat models only\.$/,
    );
  });

  it('a role with no model set', () => {
    assert.deepEqual(words({ role: 'embeddings', state: 'none' }), { condition: 'missing', short: 'none', long: 'no embeddings model is set' });
  });

  it('set but not loaded yet: named by its file, its server profile or its catalog id', () => {
    assert.deepEqual(words({ role: 'chat', spec: '/home/me/models/demo-chat-1a2b.gguf', state: 'unloaded' }), {
      condition: 'not loaded',
      short: 'demo-chat-1a2b.gguf (not loaded)',
      long: 'demo-chat-1a2b.gguf loads when it is first needed',
    });
    assert.equal(summarizeRole({ role: 'completion', spec: 'C:\\models\\fim.gguf', state: 'unloaded' }).short, 'fim.gguf (not loaded)');
    assert.equal(specName('server:gpu-box'), 'gpu-box');
    assert.equal(specName('catalog:qwen2.5-coder-0.5b'), 'qwen2.5-coder-0.5b');
  });

  it('loading, with its progress when known', () => {
    assert.deepEqual(words({ role: 'chat', spec: '/m/chat.gguf', state: 'loading', progress: 0.426 }), {
      condition: 'loading',
      short: 'loading 43%',
      long: 'loading chat.gguf 43%…',
    });
    assert.equal(summarizeRole({ role: 'chat', spec: '/m/chat.gguf', state: 'loading' }).short, 'loading');
  });

  it('loaded locally, on a server, or standing in as the fallback', () => {
    assert.deepEqual(words({ role: 'chat', state: 'ready', model: chat }), {
      condition: 'ready',
      short: 'qwen2.5-coder-1.5b-instruct',
      long: 'qwen2.5-coder-1.5b-instruct is loaded (8,192 tokens of context)',
    });
    const server = { ...chat, engine: 'llama-server' as const, name: 'qwen2.5-coder-7b', location: 'http://192.168.1.20:8080' };
    assert.deepEqual(words({ role: 'chat', state: 'ready', model: server }), {
      condition: 'server',
      short: 'qwen2.5-coder-7b (llama-server)',
      long: 'qwen2.5-coder-7b on the llama-server server at http://192.168.1.20:8080',
    });
    const fallback = { ...chat, fallbackFrom: { key: 'server:gpu-box', reason: 'gpu-box did not answer' } };
    assert.deepEqual(words({ role: 'chat', state: 'ready', model: fallback }), {
      condition: 'fallback',
      short: 'fallback qwen2.5-coder-1.5b-instruct',
      long: 'qwen2.5-coder-1.5b-instruct stands in: gpu-box did not answer',
    });
  });

  it('failed, with the reason', () => {
    assert.deepEqual(words({ role: 'completion', spec: '/m/notes.txt', state: 'error', error: '/m/notes.txt is not a GGUF model file' }), {
      condition: 'failed',
      short: 'failed',
      long: 'notes.txt could not be loaded: /m/notes.txt is not a GGUF model file',
    });
  });

  it('lists what the loaded model can do, from the model, not the engine process', () => {
    assert.deepEqual(capabilityWords(chat.capabilities), ['chat', 'JSON-schema output']);
    assert.deepEqual(capabilityWords({ infill: true, chat: true, tools: true, embeddings: false, grammar: true }), [
      'fill-in-the-middle',
      'chat',
      'tool calls',
      'JSON-schema output',
    ]);
    assert.deepEqual(capabilityWords({ infill: false, chat: false, tools: false, embeddings: true, grammar: false }), ['embeddings']);
  });
});
