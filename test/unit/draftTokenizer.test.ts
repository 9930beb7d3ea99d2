// Whether a draft model's tokenizer can draft for the chat model, judged from the two GGUF headers
// before anything is loaded (llama.cpp's token-by-token check runs once both are loaded).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenizerMismatch, type TokenizerFacts } from '../../sidecar/engine/local/draftModel';

const qwen: TokenizerFacts = { model: 'gpt2', bos: 151_643, eos: 151_645 };

describe('a draft model tokenizer, from its header', () => {
  it('accepts the same tokenizer type, BOS and EOS', () => {
    assert.equal(tokenizerMismatch(qwen, { ...qwen }), undefined);
    assert.equal(tokenizerMismatch({ model: 'llama' }, { model: 'llama' }), undefined, 'no BOS or EOS on either side is the same');
  });

  const noEos: TokenizerFacts = { model: 'gpt2', bos: qwen.bos };
  for (const [shape, target, draft, why] of [
    ['another tokenizer type', qwen, { ...qwen, model: 'llama' }, /its tokenizer is "llama", the chat model's is "gpt2"/],
    ['no tokenizer at all', qwen, { bos: qwen.bos, eos: qwen.eos }, /its tokenizer is "none", the chat model's is "gpt2"/],
    ['another BOS token', qwen, { ...qwen, bos: 1 }, /its BOS token is 1, the chat model's is 151643/],
    ['another EOS token', qwen, { ...qwen, eos: 2 }, /its EOS token is 2, the chat model's is 151645/],
    ['no EOS token', qwen, noEos, /its EOS token is none, the chat model's is 151645/],
    ['an EOS the chat model lacks', noEos, qwen, /its EOS token is 151645, the chat model's is none/],
  ] as const) {
    it(`refuses ${shape}`, () => {
      assert.match(tokenizerMismatch(target, draft) ?? '', why);
    });
  }
});
