// The repair turn on the real sidecar and real node-llama-cpp: a scripted GGUF whose chat template
// has a tool-call format of its own (so the agent offers it tools natively) writes a call no reader
// can use; the loop gives it one turn under the call grammar, with the error, and the call it
// writes there is the one proposed to the extension. The test plays the extension.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentEvent, AgentRun, AskContinue, ExecuteTool, type AgentEventParams, type ToolCall } from '../../protocol/agent';
import { LoadModel } from '../../protocol/sidecar';
import { brokenCall, brokenCallAgentModel } from '../fixtures/models';
import { startHarness, type Harness } from './harness';

describe('repairing a broken tool call on node-llama-cpp', () => {
  let harness: Harness;
  const events: AgentEventParams[] = [];
  const proposed: ToolCall[] = [];

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    const info = await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await brokenCallAgentModel() }, contextSize: 4096 });
    assert.equal(info.capabilities.tools, true, "the model's chat wrapper has a tool-call format of its own");
    const session = await harness.sidecar.ensureStarted();
    session.rpc.onRequest(ExecuteTool.method, (params: { call: ToolCall }) => {
      proposed.push(params.call);
      return { status: 'ok', output: 'add is defined in src/math.ts:1' };
    });
    session.rpc.onRequest(AskContinue.method, () => ({ continue: false }));
    harness.sidecar.onNotification(AgentEvent, (event) => events.push(event));
  });
  after(() => harness.sidecar.dispose());

  it('repairs the broken call under the grammar, proposes the repaired call, and answers', async () => {
    const result = await harness.sidecar.request(AgentRun, { turnId: 'repair-1', task: 'Where is add defined?', maxSteps: 4 });
    assert.deepEqual(
      proposed.map((call) => [call.tool, call.args]),
      [[brokenCall.call.tool, brokenCall.call.args]],
    );
    assert.deepEqual({ outcome: result.outcome, answer: result.answer }, { outcome: 'answered', answer: brokenCall.answer });
    const turn = events.filter((e) => e.turnId === 'repair-1');
    assert.equal(turn.find((e) => e.type === 'toolCall')?.type === 'toolCall' && turn.find((e) => e.type === 'toolCall')!.format, 'json');
    const notices = turn.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
    assert.ok(
      notices.some((m) => /^Repaired the model's tool call \(There is no tool "lookup"/.test(m)),
      notices.join('\n'),
    );
    // The user never saw the broken call as text.
    const shown = turn.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
    assert.ok(!shown.includes('lookup'), shown);
    assert.ok(shown.includes(brokenCall.answer));
  });
});
