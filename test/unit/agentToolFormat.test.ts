// Which local models get their own tool-call format: those whose node-llama-cpp chat wrapper has
// a call syntax of its own (trained on it); the generic wrappers get grammar-constrained JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as lib from 'node-llama-cpp';
import { hasOwnToolFormat, nullableOptionals } from '../../sidecar/engine/local/toolFormat';

describe('local tool-call format', () => {
  it('uses the trained formats and not node-llama-cpp\'s generic one', () => {
    const trained = [new lib.QwenChatWrapper(), new lib.Llama3_1ChatWrapper(), new lib.MistralChatWrapper(), new lib.FunctionaryChatWrapper()];
    const generic = [new lib.GeneralChatWrapper(), new lib.ChatMLChatWrapper(), new lib.AlpacaChatWrapper()];
    assert.deepEqual(trained.map((w) => hasOwnToolFormat(w, lib)), trained.map(() => true));
    assert.deepEqual(generic.map((w) => hasOwnToolFormat(w, lib)), generic.map(() => false));
  });

  it('makes optional parameters nullable, since the grammar writes every key', () => {
    const schema = { type: 'object', properties: { path: { type: 'string' }, startLine: { type: 'integer' } }, required: ['path'] };
    assert.deepEqual(nullableOptionals(schema), { type: 'object', properties: { path: { type: 'string' }, startLine: { type: ['integer', 'null'] } } });
  });
});
