// The draft read ahead of Enter, host side: Ask's backend sends the sidecar the very chat a send
// would (same messages, same reply room) and only for a loaded local chat model — a server model is
// never sent an unsent draft; DraftWarm keeps one read in flight and cancels it on demand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatWebviewMessage } from '../../protocol/chat';
import { Generate, WarmChat, type ModelInfo } from '../../protocol/sidecar';
import { AskBackend } from '../../extension/chat/askBackend';
import type { ChatBackend, DraftRequest } from '../../extension/chat/backend';
import { DraftWarm } from '../../extension/chat/draftWarm';
import type { Log } from '../../extension/log';
import type { ModelManager, RoleState } from '../../extension/models/modelManager';
import type { Sidecar } from '../../extension/sidecar/supervisor';

const info = (engine: ModelInfo['engine'], chat = true): ModelInfo =>
  ({
    role: 'chat',
    key: 'k',
    engine,
    name: 'm',
    location: engine === 'local' ? '/models/m.gguf' : 'http://10.0.0.2:8080',
    contextSize: 4096,
    fim: false,
    capabilities: { infill: false, chat, tools: false, embeddings: false, grammar: true },
    loadMs: 1,
  }) as ModelInfo;

function fakes(state: RoleState) {
  const requests: Array<{ method: string; params: unknown }> = [];
  const sidecar = {
    request: async (def: { method: string }, params: unknown) => {
      requests.push({ method: def.method, params });
      return def.method === Generate.method ? { text: 'answer', stopReason: 'eos', tokens: 1, engineMs: 1 } : { warmed: true };
    },
    onNotification: () => () => undefined,
  } as unknown as Sidecar;
  const models = { state: () => state, ensureLoaded: async () => state.model, noteAnswer: () => undefined } as unknown as ModelManager;
  return { requests, backend: new AskBackend(sidecar, models) };
}

const draft = (signal = new AbortController().signal): DraftRequest => ({
  mode: 'ask',
  systemPrompt: 'You are Pylot.',
  history: [{ role: 'user', content: 'How do I sum an array?' }],
  signal,
});

describe('reading the draft ahead of Enter', () => {
  it('sends a loaded local chat model the same chat and reply room as the send', async () => {
    const { requests, backend } = fakes({ state: 'ready', spec: '/models/m.gguf', model: info('local') });
    await backend.warm(draft());
    await backend.send({ ...draft(), chatId: 'c', turnId: 't', attachments: [] }, { text: () => undefined, toolCall: () => assert.fail() });
    assert.deepEqual(
      requests.map((r) => r.method),
      [WarmChat.method, Generate.method],
    );
    const [warm, send] = requests.map((r) => r.params as { messages: unknown; maxTokens: number });
    assert.deepEqual(warm!.messages, send!.messages);
    assert.equal(warm!.maxTokens, send!.maxTokens);
  });

  it('never sends an unsent draft to a server chat model, nor to one not loaded or unable to chat', async () => {
    for (const state of [
      { state: 'ready', spec: 'server:team', model: info('llama-server') },
      { state: 'ready', spec: 'server:openai', model: info('openai-compatible') },
      { state: 'loading', spec: '/models/m.gguf' },
      { state: 'unloaded', spec: '/models/m.gguf' },
      { state: 'none' },
      { state: 'error', spec: '/models/m.gguf' },
      { state: 'ready', spec: '/models/m.gguf', model: info('local', false) },
    ] as RoleState[]) {
      const { requests, backend } = fakes(state);
      await backend.warm(draft());
      assert.deepEqual(requests, [], JSON.stringify(state));
    }
  });

  it('keeps one read in flight: a newer draft or cancel() aborts the one before', async () => {
    const signals: AbortSignal[] = [];
    const backend: ChatBackend = {
      send: () => assert.fail(),
      warm: (request) => {
        signals.push(request.signal);
        return new Promise((resolve) => request.signal.addEventListener('abort', () => resolve()));
      },
    };
    const log = { debug: () => undefined } as unknown as Log;
    const controller = { draftRequest: async (_: unknown, signal: AbortSignal) => ({ backend, request: draft(signal) }) };
    const warm = new DraftWarm(controller, () => true, log);
    const first = warm.warm({ text: 'How do I' });
    await new Promise((resolve) => setImmediate(resolve));
    const second = warm.warm({ text: 'How do I sum' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      signals.map((s) => s.aborted),
      [true, false],
    );
    warm.cancel();
    await Promise.all([first, second]);
    assert.equal(signals[1]!.aborted, true);
    const off = new DraftWarm(controller, () => false, log);
    await off.warm({ text: 'anything' });
    assert.equal(signals.length, 2, 'turned off: nothing read');
  });

  it('the panel may post a draft (blank too) but nothing else in its shape', () => {
    assert.ok(ChatWebviewMessage.safeParse({ type: 'draft', text: '', mode: 'ask', attachments: [] }).success);
    for (const bad of [
      { type: 'draft', text: 'x', mode: 'root', attachments: [] },
      { type: 'draft', text: 'x'.repeat(200_001), mode: 'ask', attachments: [] },
      { type: 'draft', text: 'x', mode: 'ask' },
      { type: 'draft', text: 7, mode: 'ask', attachments: [] },
    ])
      assert.equal(ChatWebviewMessage.safeParse(bad).success, false, JSON.stringify(bad).slice(0, 80));
  });
});
