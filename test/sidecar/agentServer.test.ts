// The agent on an OpenAI-compatible server, through the real sidecar: tools go out in the API's
// own `tools` field (what llama-server --jinja renders with the model's template), the model's
// streamed tool call comes back in fragments and is proposed to the extension as a native call;
// a server that refuses tools gets JSON calls instead.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { AgentEvent, AgentRun, ExecuteTool, toolSpecs, type AgentEventParams, type ToolCall } from '../../protocol/agent';
import { LoadModel } from '../../protocol/sidecar';
import { startHarness, type Harness } from './harness';
import { fakeServer, type Fake } from './serverEngineFakes';

type Chunk = { content?: string; tool_calls?: unknown[]; finish?: string };

function stream(res: ServerResponse, chunks: Chunk[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const chunk of chunks) {
    const delta = { ...(chunk.content ? { content: chunk.content } : {}), ...(chunk.tool_calls ? { tool_calls: chunk.tool_calls } : {}) };
    res.write(`data: ${JSON.stringify({ choices: [{ delta, finish_reason: chunk.finish ?? null }] })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

describe('agent on an OpenAI-compatible server', () => {
  let harness: Harness;
  let server: Fake;
  const bodies: Array<{ tools?: Array<{ function: { name: string; parameters: { required: string[] } } }>; messages: Array<{ content: string }> }> = [];
  const replies: Array<(res: ServerResponse) => void> = [];
  const proposed: ToolCall[] = [];
  const events: AgentEventParams[] = [];

  before(async () => {
    server = await fakeServer({
      'GET /v1/models': (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'tool-model', context_length: 8192 }] })),
      'POST /v1/chat/completions': (_req, res, body) => {
        bodies.push(JSON.parse(body));
        (replies.shift() ?? ((r: ServerResponse) => stream(r, [{ content: 'out of script', finish: 'stop' }])))(res);
      },
    });
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, {
      role: 'chat',
      source: { kind: 'server', api: 'openai-compatible', name: 'fake', baseUrl: server.url, retries: 0 },
    });
    const session = await harness.sidecar.ensureStarted();
    session.rpc.onRequest(ExecuteTool.method, (params: { call: ToolCall }) => {
      proposed.push(params.call);
      return { status: 'ok', output: 'src/a.ts:3: // TODO tidy' };
    });
    harness.sidecar.onNotification(AgentEvent, (event) => events.push(event));
  });
  after(async () => {
    await harness.sidecar.dispose();
    await server.close();
  });

  it("offers the tools in the API's own format and proposes the streamed tool call", async () => {
    replies.push(
      (res) =>
        stream(res, [
          { tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'search_text', arguments: '' } }] },
          { tool_calls: [{ index: 0, function: { arguments: '{"query": "TO' } }] },
          { tool_calls: [{ index: 0, function: { arguments: 'DO"}' } }], finish: 'tool_calls' },
        ]),
      (res) => stream(res, [{ content: 'One TODO, in src/a.ts.' }, { finish: 'stop' }]),
    );
    const result = await harness.sidecar.request(AgentRun, { turnId: 'native-1', task: 'Find the TODOs' });
    assert.equal(result.outcome, 'answered');
    assert.equal(result.answer, 'One TODO, in src/a.ts.');
    assert.deepEqual(
      proposed.map((c) => [c.tool, c.args]),
      [['search_text', { query: 'TODO' }]],
    );
    assert.equal(
      events.find((e) => e.type === 'toolCall' && e.turnId === 'native-1')?.type === 'toolCall' &&
        (events.find((e) => e.type === 'toolCall') as { format: string }).format,
      'native',
    );
    assert.equal(bodies[0]!.tools!.length, toolSpecs.length);
    assert.deepEqual(bodies[0]!.tools!.find((t) => t.function.name === 'edit_file')!.function.parameters.required, ['path', 'newText']);
    // The call and its result go back in the API's own shape: an assistant tool_calls entry and a tool message.
    const [call, toolResult] = bodies[1]!.messages.slice(-2) as Array<Record<string, unknown>>;
    assert.deepEqual(call, {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search_text', arguments: '{"query":"TODO"}' } }],
    });
    assert.equal(toolResult!.role, 'tool');
    assert.equal(toolResult!.tool_call_id, 'call_1');
    assert.match(String(toolResult!.content), /Result of search_text:\nsrc\/a.ts:3/);
  });

  it('switches to JSON calls when the server refuses tools', async () => {
    proposed.length = 0;
    replies.push(
      (res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":400,"message":"tools param requires --jinja flag"}}'),
      (res) => stream(res, [{ content: '{"tool": "list_files", "args": {"path": "src", "recursive": null}}' }, { finish: 'stop' }]),
      (res) => stream(res, [{ content: '{"answer": "src has a.ts"}' }, { finish: 'stop' }]),
    );
    const before = bodies.length;
    const result = await harness.sidecar.request(AgentRun, { turnId: 'native-2', task: 'What is in src?' });
    assert.equal(result.answer, 'src has a.ts');
    assert.deepEqual(
      proposed.map((c) => [c.tool, c.args]),
      [['list_files', { path: 'src' }]],
    );
    const sent = bodies.slice(before) as Array<{ tools?: unknown; response_format?: { type: string } }>;
    assert.ok(sent[0]!.tools);
    assert.equal(sent[1]!.tools, undefined);
    assert.equal(sent[1]!.response_format?.type, 'json_schema');
    assert.ok(events.some((e) => e.turnId === 'native-2' && e.type === 'notice' && /--jinja/.test(e.message)));
  });
});
