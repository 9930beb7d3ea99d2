// A turn that overflows a small context, on the real sidecar and real node-llama-cpp: the earlier
// conversation does not fit a 2,048-token context, so the model itself (the demo chat model, whose
// plain-text script becomes the summary) folds it into a summary, the chat is told, and the turn
// goes on to its call and answer. Token counts are the model's own tokenizer's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentEvent, AgentRun, AskContinue, ExecuteTool, type AgentEventParams, type ToolCall } from '../../protocol/agent';
import { LoadModel } from '../../protocol/sidecar';
import { demoChat, demoChatModel } from '../fixtures/models';
import { startHarness, type Harness } from './harness';

describe('summarising a turn that outgrows the context', () => {
  let harness: Harness;
  const events: AgentEventParams[] = [];
  const proposed: ToolCall[] = [];

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await demoChatModel() }, contextSize: 2048 });
    const session = await harness.sidecar.ensureStarted();
    session.rpc.onRequest(ExecuteTool.method, (params: { call: ToolCall }) => {
      proposed.push(params.call);
      return { status: 'ok', output: 'created hello.ts' };
    });
    session.rpc.onRequest(AskContinue.method, () => ({ continue: false }));
    harness.sidecar.onNotification(AgentEvent, (event) => events.push(event));
  });
  after(() => harness.sidecar.dispose());

  it('folds the earlier conversation into a summary written by the model, says so, and finishes the turn', async () => {
    // Six earlier turns of about 500 tokens each: three times what the context holds.
    const paragraph = (i: number) => `Turn ${i} notes about the shop module and its tests. `.repeat(60);
    const history = Array.from({ length: 6 }, (_, i) => ({ role: i % 2 ? ('assistant' as const) : ('user' as const), content: paragraph(i) }));
    const result = await harness.sidecar.request(AgentRun, { turnId: 'sum-1', task: 'Add a greeting file', history, maxTokensPerStep: 256, maxSteps: 4 });

    assert.deepEqual({ outcome: result.outcome, answer: result.answer }, { outcome: 'answered', answer: demoChat.answer });
    assert.deepEqual(
      proposed.map((call) => call.tool),
      [demoChat.call.tool],
    );
    const notices = events.filter((e) => e.turnId === 'sum-1').flatMap((e) => (e.type === 'notice' ? [e.message] : []));
    const summarised = notices
      .map((m) => /^Summarised 6 earlier messages to fit the model's 2048-token context \((\d+) → (\d+) tokens\)\.$/.exec(m))
      .find(Boolean);
    assert.ok(summarised, notices.join('\n'));
    const [before, after] = [Number(summarised[1]), Number(summarised[2])];
    assert.ok(before > 2048 && after < 2048 - 256, `${before} → ${after}`);
    // The summary generation is counted with the turn's tokens: more than the call and the answer alone.
    assert.ok((result.tokens ?? 0) > 40, `${result.tokens} tokens`);
  });
});
