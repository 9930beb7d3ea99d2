// `npm start`'s demo chat model on the real sidecar and real node-llama-cpp, the way the chat panel
// drives it: plain chat (Ask) gets its scripted sentence; an agent turn (Agent) gets one create_file
// call under the call grammar, then, once the call and its result are in the transcript, the final
// answer — whether the user allowed the call or denied it. The test plays the extension: it answers
// agent/executeTool and agent/askContinue and watches agent/event notifications.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AgentEvent, AgentRun, AskContinue, ExecuteTool, type AgentEventParams, type ToolCall, type ToolResult } from '../../protocol/agent';
import { Generate, LoadModel } from '../../protocol/sidecar';
import { demoChat, demoChatModel } from '../fixtures/models';
import { startHarness, type Harness } from './harness';

describe('the demo chat model', () => {
  let harness: Harness;
  const events: AgentEventParams[] = [];
  const proposed: ToolCall[] = [];
  const asked: string[] = [];
  let result: ToolResult;

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await demoChatModel() }, contextSize: 4096 });
    const session = await harness.sidecar.ensureStarted();
    session.rpc.onRequest(ExecuteTool.method, (params: { call: ToolCall }) => {
      proposed.push(params.call);
      return result;
    });
    session.rpc.onRequest(AskContinue.method, (params: { reason: string }) => {
      asked.push(params.reason);
      return { continue: false };
    });
    harness.sidecar.onNotification(AgentEvent, (event) => events.push(event));
  });
  after(() => harness.sidecar.dispose());
  beforeEach(() => {
    proposed.length = 0;
    asked.length = 0;
  });

  it('answers plain chat with its scripted sentence', async () => {
    // As Ask mode sends it (extension/chat/askBackend.ts).
    const reply = await harness.sidecar.request(Generate, {
      role: 'chat',
      messages: [{ role: 'user', content: 'What can you do?' }],
      maxTokens: 512,
      temperature: 0.3,
    });
    assert.equal(reply.text, demoChat.text);
    assert.equal(reply.stopReason, 'eos');
  });

  it('as an agent proposes creating hello.ts, then answers once the tool has run', async () => {
    result = { status: 'ok', output: 'Created hello.ts.' };
    const run = await harness.sidecar.request(AgentRun, { turnId: 'demo-1', task: 'Create a hello file', mode: 'agent', workspaceFolders: ['workspace'] });
    assert.deepEqual(
      proposed.map((call) => [call.id, call.tool, call.args]),
      [['demo-1.1', demoChat.call.tool, demoChat.call.args]],
    );
    assert.deepEqual({ outcome: run.outcome, steps: run.steps, answer: run.answer }, { outcome: 'answered', steps: 2, answer: demoChat.answer });
    assert.deepEqual(asked, []);
    const turn = events.filter((e) => e.turnId === 'demo-1');
    assert.deepEqual(
      turn.filter((e) => e.type === 'notice'),
      [],
      'no corrections or fallbacks',
    );
    assert.deepEqual(
      turn.filter((e) => e.type === 'toolCall').map((e) => e.type === 'toolCall' && e.format),
      ['json'],
    );
    assert.deepEqual(
      turn.filter((e) => e.type === 'toolResult').map((e) => e.type === 'toolResult' && [e.status, e.output]),
      [['ok', 'Created hello.ts.']],
    );
    // The answer streams to the panel as it is generated.
    assert.equal(
      turn
        .filter((e) => e.type === 'text')
        .map((e) => e.type === 'text' && e.text)
        .join(''),
      demoChat.answer,
    );
  });

  it('answers just the same when the user denies the call', async () => {
    result = { status: 'denied', output: 'The user denied this call.', feedback: 'Not now.' };
    const run = await harness.sidecar.request(AgentRun, { turnId: 'demo-2', task: 'Add a greeting', mode: 'agent', workspaceFolders: ['workspace'] });
    assert.deepEqual(
      proposed.map((call) => [call.tool, call.args]),
      [[demoChat.call.tool, demoChat.call.args]],
    );
    assert.deepEqual({ outcome: run.outcome, steps: run.steps, answer: run.answer }, { outcome: 'answered', steps: 2, answer: demoChat.answer });
    assert.deepEqual(asked, []);
    assert.deepEqual(
      events.filter((e) => e.turnId === 'demo-2' && e.type === 'toolResult').map((e) => e.type === 'toolResult' && e.status),
      ['denied'],
    );
  });

  it('still chats plainly after agent turns', async () => {
    const reply = await harness.sidecar.request(Generate, {
      role: 'chat',
      messages: [
        { role: 'user', content: 'Create a hello file' },
        { role: 'assistant', content: demoChat.answer },
        { role: 'user', content: 'Thanks! And now?' },
      ],
      maxTokens: 512,
      temperature: 0.3,
    });
    assert.equal(reply.text, demoChat.text);
  });
});
