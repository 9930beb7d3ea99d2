// The lenient reader held to the corpus of real small-model tool-call shapes: every trained format
// in it is read as the call it is, every answer stays an answer, and every reply that meant to call
// a tool but cannot be read goes to the repair turn (never to the user as the answer).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReply } from '../../sidecar/agent/parseReply';
import { outcomeOf, toolCallCorpus } from '../fixtures/toolCallCorpus';

describe('the small-model tool-call corpus', () => {
  const corpus = toolCallCorpus();

  it('covers the formats of the chat templates, broken variants and answers', () => {
    const families = new Set(corpus.map((entry) => entry.family));
    for (const family of [
      'qwen2.5',
      'qwen3-coder',
      'hermes',
      'llama3.1',
      'llama3.2',
      'mistral-v3',
      'mistral-v11',
      'functionary-v3.2',
      'deepseek-v3',
      'granite-3',
      'phi-4-mini',
    ])
      assert.ok(families.has(family), family);
    assert.ok(corpus.filter((entry) => entry.source.startsWith('broken')).length >= 25);
    assert.ok(corpus.some((entry) => 'answer' in entry.expect));
  });

  for (const entry of corpus) {
    it(`${entry.family}: ${entry.source}`, () => {
      assert.deepEqual(outcomeOf(parseReply(entry.text)), entry.expect, entry.text);
    });
  }

  it('says what was wrong, in words the repair turn can give the model', () => {
    const problems = corpus.filter((entry) => 'repair' in entry.expect).map((entry) => parseReply(entry.text));
    for (const reply of problems) assert.ok(reply.kind === 'invalid' && reply.problem.length > 10, JSON.stringify(reply));
    const unknown = parseReply('{"tool": "delete_file", "args": {"path": "a"}}');
    assert.match(unknown.kind === 'invalid' ? unknown.problem : '', /no tool "delete_file".*read_file/);
  });
});
