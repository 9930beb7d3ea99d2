// Prompt lookup on the local chat engine, on real node-llama-cpp in this process (a scripted model,
// greedy): a generation that copies its prompt gets the same text with and without it, and the
// model kept the tokens guessed from the prompt; guesses the model rejects change nothing either.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GenerateOptions } from '../../sidecar/engine/engine';
import type { LocalEngine } from '../../sidecar/engine/local/localEngine';
import { scriptedModel } from '../fixtures/models';
import { loadInProcessEngine } from './inProcessEngine';

const script = 'return total * scale + offset;';

describe('prompt lookup for generations that copy their prompt', () => {
  let engine: LocalEngine;
  const options = (copiesInput: boolean): GenerateOptions => ({ maxTokens: 32, temperature: 0, signal: new AbortController().signal, copiesInput });

  before(async () => {
    engine = await loadInProcessEngine('chat', await scriptedModel(script, { name: 'lookup' }), 2048);
  });
  after(() => engine.dispose());

  for (const [shape, prompt, kept] of [
    ['an answer that copies the prompt', `Rename nothing in:\n${script}\nAnswer:\n`, true],
    ['an answer the prompt only half matches', 'Rewrite:\nreturn total - scale * 2 + offset - 1;\nAnswer:\n', false],
    ['a prompt that never contains the answer', 'Write a function that adds two numbers.\n', false],
    ['the answer twice, with other code between (guesses from the wrong copy are rejected)', `${script}\nconst x = 1;\n${script}\n`, false],
  ] as const) {
    it(`${shape}: the same text with and without prompt lookup`, async () => {
      const plain = await engine.complete(prompt, options(false));
      const guessed = await engine.complete(prompt, options(true));
      assert.equal(plain.text, script);
      assert.equal(guessed.text, plain.text);
      assert.equal(guessed.tokens, plain.tokens, 'tokens generated, not tokens checked');
      assert.equal(plain.predictions, undefined, 'off unless asked');
      if (kept) assert.ok((guessed.predictions?.accepted ?? 0) >= 4, JSON.stringify(guessed.predictions));
    });
  }

  it('in a chat too: the tokens guessed from the last user message are kept, and the text is the same', async () => {
    const messages = [{ role: 'user' as const, content: `Rewrite this line:\n${script}` }];
    const plain = await engine.chat(messages, options(false));
    const guessed = await engine.chat(messages, options(true));
    assert.equal(guessed.text, plain.text);
    assert.ok(plain.text.includes(script), plain.text);
    assert.ok((guessed.predictions?.accepted ?? 0) >= 4, JSON.stringify(guessed.predictions));
  });
});
