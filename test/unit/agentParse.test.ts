// The lenient reader for models without a grammar: the shapes small models really write; and the
// answer text streamed while a reply is generated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnswerStream } from '../../sidecar/agent/answerStream';
import { parseReply } from '../../sidecar/agent/parseReply';

describe('reading a model reply as a tool call or an answer', () => {
  const cases: Array<[string, string, unknown]> = [
    ['plain {tool,args}', '{"tool":"read_file","args":{"path":"a.ts"}}', { kind: 'call', tool: 'read_file', args: { path: 'a.ts' } }],
    [
      'fenced, with prose around',
      'Let me read it.\n```json\n{"tool": "read_file", "args": {"path": "a.ts"}}\n```\n',
      { kind: 'call', tool: 'read_file', args: { path: 'a.ts' } },
    ],
    [
      'Hermes/Qwen <tool_call>',
      '<tool_call>\n{"name": "list_files", "arguments": {"path": "src"}}\n</tool_call>',
      { kind: 'call', tool: 'list_files', args: { path: 'src' } },
    ],
    [
      'OpenAI function with string arguments',
      '{"function": {"name": "search_text", "arguments": "{\\"query\\": \\"TODO\\"}"}}',
      { kind: 'call', tool: 'search_text', args: { query: 'TODO' } },
    ],
    [
      'flat arguments, camelCase name',
      '{"tool": "readFile", "path": "b.ts", "startLine": "3"}',
      { kind: 'call', tool: 'read_file', args: { path: 'b.ts', startLine: 3 } },
    ],
    [
      'trailing comma and Python literals',
      "{'tool': 'list_files', 'args': {'path': '.', 'recursive': True,}}",
      { kind: 'call', tool: 'list_files', args: { path: '.', recursive: true } },
    ],
    ['answer object', '{"answer": "It works."}', { kind: 'answer', text: 'It works.' }],
    ['plain prose is the answer', 'The bug is on line 3.', { kind: 'answer', text: 'The bug is on line 3.' }],
  ];
  for (const [name, text, expected] of cases) it(name, () => assert.deepEqual(parseReply(text), expected));

  it('names unknown tools and bad arguments instead of guessing', () => {
    assert.match((parseReply('{"tool": "rm", "args": {}}') as { problem: string }).problem, /no tool "rm"/);
    assert.match(
      (parseReply('{"tool": "read_file", "args": {"path": true, "extra": 1}}') as { problem: string }).problem,
      /"path" must be a string; unknown parameter "extra"/,
    );
    assert.equal(parseReply('  ').kind, 'invalid');
    // Cut off by the token limit: not an answer.
    assert.equal(parseReply('{"tool": "edit_file", "args": {"path": "a.ts", "newText": "function').kind, 'invalid');
  });
});

describe('streaming the answer while it is generated', () => {
  const feed = (kind: 'plain' | 'json', chunks: string[]) => {
    const shown: string[] = [];
    const stream = new AnswerStream(kind, (text) => shown.push(text));
    for (const chunk of chunks) stream.push(chunk);
    return shown;
  };

  it('decodes a JSON answer chunk by chunk, holding back a split escape', () => {
    assert.deepEqual(feed('json', ['{"ans', 'wer": "Line', ' one\\', 'nLine \\u00', 'e9', '"}']), ['Line', ' one', '\nLine ', 'é']);
  });

  it('shows nothing for a call', () => {
    assert.deepEqual(feed('json', ['{"tool": "read_file", "args": {"path": "a"}}']), []);
    assert.deepEqual(feed('plain', ['  {"name": "x"}']), []);
    assert.deepEqual(feed('plain', ['Looking', ' now.']), ['Looking', ' now.']);
  });
});
