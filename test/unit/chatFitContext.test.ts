import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContextTooSmallError, fitToContext, type PromptMessage } from '../../extension/chat/fitContext';

/** One token per character makes the arithmetic readable. */
const countTokens = (text: string) => text.length;
const overhead = 8;

function conversation(pairs: number, size: number): PromptMessage[] {
  const messages: PromptMessage[] = [];
  for (let i = 0; i < pairs; i++) {
    messages.push({ role: 'user', content: `q${i}`.padEnd(size, '.') }, { role: 'assistant', content: `a${i}`.padEnd(size, '.') });
  }
  messages.push({ role: 'user', content: 'latest question' });
  return messages;
}

describe('fitting a chat into the context', () => {
  it('keeps everything when it fits', () => {
    const history = conversation(2, 50);
    const fitted = fitToContext('system', history, { contextSize: 4096, replyTokens: 512, countTokens });
    assert.equal(fitted.droppedMessages, 0);
    assert.deepEqual(fitted.messages, [{ role: 'system', content: 'system' }, ...history]);
    assert.equal(fitted.estimatedTokens, 6 + 4 * 50 + 15 + 6 * overhead);
  });

  it('drops the oldest messages first and keeps the system prompt and the newest turns', () => {
    const history = conversation(10, 100);
    // Room for the system prompt, the question and four earlier messages.
    const budget = 6 + overhead + 15 + overhead + 4 * (100 + overhead);
    const fitted = fitToContext('system', history, { contextSize: budget + 256, replyTokens: 256, countTokens });
    assert.equal(fitted.messages[0]!.content, 'system');
    assert.equal(fitted.messages.at(-1)!.content, 'latest question');
    assert.deepEqual(fitted.messages.slice(1, -1).map((m) => m.content.slice(0, 2)), ['q8', 'a8', 'q9', 'a9']);
    assert.equal(fitted.droppedMessages, 16);
    assert.ok(fitted.estimatedTokens <= budget);
  });

  it('never starts the kept history with an answer whose question was dropped', () => {
    const history = conversation(3, 100);
    const budget = 6 + overhead + 15 + overhead + 3 * (100 + overhead); // three fit: a1, q2, a2
    const fitted = fitToContext('system', history, { contextSize: budget + 100, replyTokens: 100, countTokens });
    assert.deepEqual(fitted.messages.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.equal(fitted.droppedMessages, 4);
  });

  it('shortens an oversized newest message in the middle, keeping its head and its question at the end', () => {
    const pasted = `HEAD ${'x'.repeat(5000)} TAIL: what does this do?`;
    const fitted = fitToContext('system', [{ role: 'user', content: pasted }], { contextSize: 1024, replyTokens: 256, countTokens });
    const sent = fitted.messages.at(-1)!.content;
    assert.ok(fitted.shortened);
    assert.ok(sent.startsWith('HEAD '));
    assert.ok(sent.endsWith('TAIL: what does this do?'));
    assert.match(sent, /middle left out/);
    assert.ok(fitted.estimatedTokens <= 1024 - 256, `${fitted.estimatedTokens}`);
  });

  it('refuses when the context cannot hold even the system prompt and a reply', () => {
    assert.throws(() => fitToContext('s'.repeat(600), [{ role: 'user', content: 'hi' }], { contextSize: 512, replyTokens: 128, countTokens }), ContextTooSmallError);
  });

  it('estimates tokens on the high side by default', () => {
    const fitted = fitToContext('', [{ role: 'user', content: 'x'.repeat(300) }], { contextSize: 4096, replyTokens: 0 });
    assert.equal(fitted.estimatedTokens, 100 + 2 * overhead);
  });
});
