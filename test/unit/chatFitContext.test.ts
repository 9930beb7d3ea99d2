// Fitting a chat into the model's context (the sidecar does it for model/generate with fitToContext),
// and what a text costs when the engine has no tokenizer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PylotError } from '../../protocol/rpc';
import type { ChatMessage } from '../../sidecar/engine/engine';
import { countTokens as engineTokens, fitConversation, perMessageOverhead as overhead } from '../../sidecar/engine/tokenBudget';

type PromptMessage = ChatMessage;

/** One token per character makes the arithmetic readable. */
const countTokens = async (text: string) => text.length;
const system: PromptMessage = { role: 'system', content: 'system' };
const fitToContext = (systemPrompt: string, history: readonly PromptMessage[], options: { contextSize: number; replyTokens: number }) =>
  fitConversation([{ role: 'system', content: systemPrompt }, ...history], options.contextSize, options.replyTokens, countTokens);

function conversation(pairs: number, size: number): PromptMessage[] {
  const messages: PromptMessage[] = [];
  for (let i = 0; i < pairs; i++) {
    messages.push({ role: 'user', content: `q${i}`.padEnd(size, '.') }, { role: 'assistant', content: `a${i}`.padEnd(size, '.') });
  }
  messages.push({ role: 'user', content: 'latest question' });
  return messages;
}

describe('fitting a chat into the context', () => {
  it('keeps everything when it fits', async () => {
    const history = conversation(2, 50);
    const fitted = await fitToContext('system', history, { contextSize: 4096, replyTokens: 512 });
    assert.equal(fitted.droppedMessages, 0);
    assert.deepEqual(fitted.messages, [system, ...history]);
    assert.equal(fitted.tokens, 6 + 4 * 50 + 15 + 6 * overhead);
  });

  it('drops the oldest messages first and keeps the system prompt and the newest turns', async () => {
    const history = conversation(10, 100);
    // Room for the system prompt, the question and four earlier messages.
    const budget = 6 + overhead + 15 + overhead + 4 * (100 + overhead);
    const fitted = await fitToContext('system', history, { contextSize: budget + 256, replyTokens: 256 });
    assert.equal(fitted.messages[0]!.content, 'system');
    assert.equal(fitted.messages.at(-1)!.content, 'latest question');
    assert.deepEqual(
      fitted.messages.slice(1, -1).map((m) => m.content.slice(0, 2)),
      ['q8', 'a8', 'q9', 'a9'],
    );
    assert.equal(fitted.droppedMessages, 16);
    assert.ok(fitted.tokens <= budget);
  });

  it('never starts the kept history with an answer whose question was dropped', async () => {
    const history = conversation(3, 100);
    const budget = 6 + overhead + 15 + overhead + 3 * (100 + overhead); // three fit: a1, q2, a2
    const fitted = await fitToContext('system', history, { contextSize: budget + 100, replyTokens: 100 });
    assert.deepEqual(
      fitted.messages.map((m) => m.role),
      ['system', 'user', 'assistant', 'user'],
    );
    assert.equal(fitted.droppedMessages, 4);
  });

  it('shortens an oversized newest message in the middle, keeping its head and its question at the end', async () => {
    const pasted = `HEAD ${'x'.repeat(5000)} TAIL: what does this do?`;
    const fitted = await fitToContext('system', [{ role: 'user', content: pasted }], { contextSize: 1024, replyTokens: 256 });
    const sent = fitted.messages.at(-1)!.content;
    assert.ok(fitted.shortened);
    assert.ok(sent.startsWith('HEAD '));
    assert.ok(sent.endsWith('TAIL: what does this do?'));
    assert.match(sent, /middle left out/);
    assert.ok(fitted.tokens <= 1024 - 256, `${fitted.tokens}`);
  });

  it('refuses when the context cannot hold even the system prompt and a reply', async () => {
    await assert.rejects(
      fitToContext('s'.repeat(600), [{ role: 'user', content: 'hi' }], { contextSize: 512, replyTokens: 128 }),
      (error) => error instanceof PylotError && /too small/.test(error.message),
    );
  });

  it("counts with the engine's tokenizer, and on the high side when it has none", async () => {
    const signal = new AbortController().signal;
    assert.equal(await engineTokens({ tokenize: async (text) => [...text.split(' ').keys()] }, 'three words here', signal), 3);
    const noTokenizer = { tokenize: async () => Promise.reject(new Error('no /tokenize')) };
    assert.equal(await engineTokens(noTokenizer, 'x'.repeat(300), signal), 100);
  });
});
