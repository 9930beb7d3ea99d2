// The event-stream parser the server engines read llama-server and OpenAI streams with: events
// split anywhere across chunks, every line ending, comments (llama-server's keep-alive pings).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser, type SseEvent } from '../../sidecar/engine/server/sse';

const parse = (...chunks: string[]): SseEvent[] => {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
};
const data = (...values: string[]) => values.map((value) => ({ event: 'message', data: value }));

describe('SseParser', () => {
  it("reads llama-server's /completion stream, which ends with stop: true and no [DONE]", () => {
    const stream = 'data: {"content":"return","stop":false}\n\ndata: {"content":"","stop":true}\n\n';
    assert.deepEqual(parse(stream), data('{"content":"return","stop":false}', '{"content":"","stop":true}'));
  });

  it('gives the same events however the stream is split, down to one character at a time', () => {
    const stream = 'data: {"a":1}\r\n\r\n: ping\n\nevent: error\ndata: x\rdata: y\r\rdata: [DONE]\n\n';
    const whole = parse(stream);
    assert.deepEqual(whole, [
      { event: 'message', data: '{"a":1}' },
      { event: 'error', data: 'x\ny' },
      { event: 'message', data: '[DONE]' },
    ]);
    assert.deepEqual(parse(...stream), whole);
    for (let cut = 1; cut < stream.length; cut++) assert.deepEqual(parse(stream.slice(0, cut), stream.slice(cut)), whole, `split at ${cut}`);
  });

  it('takes "data:" without a space, and ignores comments, unknown fields and empty events', () => {
    assert.deepEqual(parse(':keep-alive\n\nid: 7\nretry: 10\n\ndata:{"x":1}\n\n\n\n'), data('{"x":1}'));
  });

  it('holds an event back until its blank line', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: {"content":"ret'), []);
    assert.deepEqual(parser.push('urn"}\n'), []);
    assert.deepEqual(parser.push('\n'), data('{"content":"return"}'));
  });
});
