// Which local models get their own tool-call format: those whose node-llama-cpp chat wrapper has
// a call syntax of its own (trained on it); the generic wrappers get grammar-constrained JSON. Calls
// and results travel in node-llama-cpp's own history shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as lib from 'node-llama-cpp';
import type { ChatMessage } from '../../sidecar/engine/engine';
import { chatHistory } from '../../sidecar/engine/local/llamaChatHistory';
import { hasOwnToolFormat, nullableOptionals } from '../../sidecar/engine/local/toolFormat';

describe('local tool-call format', () => {
  it("uses the trained formats and not node-llama-cpp's generic one", () => {
    const trained = [new lib.QwenChatWrapper(), new lib.Llama3_1ChatWrapper(), new lib.MistralChatWrapper(), new lib.FunctionaryChatWrapper()];
    const generic = [new lib.GeneralChatWrapper(), new lib.ChatMLChatWrapper(), new lib.AlpacaChatWrapper()];
    assert.deepEqual(
      trained.map((w) => hasOwnToolFormat(w, lib)),
      trained.map(() => true),
    );
    assert.deepEqual(
      generic.map((w) => hasOwnToolFormat(w, lib)),
      generic.map(() => false),
    );
  });

  it('makes optional parameters nullable, since the grammar writes every key', () => {
    const schema = { type: 'object', properties: { path: { type: 'string' }, startLine: { type: 'integer' } }, required: ['path'] };
    assert.deepEqual(nullableOptionals(schema), { type: 'object', properties: { path: { type: 'string' }, startLine: { type: ['integer', 'null'] } } });
  });
});

describe('chat history for node-llama-cpp', () => {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You are Pylot.' },
    { role: 'user', content: 'Where is add?' },
    { role: 'assistant', content: '{"tool":"get_definitions"}', toolCall: { id: 'call_1', name: 'get_definitions', arguments: '{"symbol":"add"}' } },
    { role: 'user', content: 'Result of get_definitions:\nsrc/math.ts:1', toolResult: { id: 'call_1' } },
  ];

  it("keeps calls and results in the model's own format, and continues that response", () => {
    assert.deepEqual(chatHistory(messages, true), [
      { type: 'system', text: 'You are Pylot.' },
      { type: 'user', text: 'Where is add?' },
      {
        type: 'model',
        response: [{ type: 'functionCall', name: 'get_definitions', params: { symbol: 'add' }, result: 'Result of get_definitions:\nsrc/math.ts:1' }],
      },
    ]);
  });

  it('writes them as text for plain chat, with a new response to generate', () => {
    assert.deepEqual(
      chatHistory(messages).map((item) => item.type),
      ['system', 'user', 'model', 'user', 'model'],
    );
    assert.deepEqual(chatHistory(messages).at(-1), { type: 'model', response: [] });
  });
});
