// The agent loop on the real sidecar and real node-llama-cpp: a scripted GGUF says a JSON tool
// call that satisfies the call schema, generated under the grammar built from that schema. The
// test plays the extension: it answers agent/executeTool and agent/askContinue, the requests the
// sidecar sends to propose calls, and watches agent/event notifications.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentEvent, AgentRun, AskContinue, ExecuteTool, type AgentEventParams, type ToolCall } from '../../protocol/agent';
import { ErrorCodes } from '../../protocol/rpc';
import { LoadModel } from '../../protocol/sidecar';
import { scriptedModel } from '../fixtures/models';
import { rejectsWithCode, startHarness, type Harness } from './harness';

// Every token distinct (a scripted model's rule) in the starcoder vocabulary, which merges `":{"`.
const script = '{"tool":"get_definitions","args":{"symbol": "add"}}';

describe('agent loop on node-llama-cpp', () => {
  let harness: Harness;
  const events: AgentEventParams[] = [];
  const proposed: ToolCall[] = [];
  const asked: string[] = [];
  let onExecute: (call: ToolCall, cancelled: Promise<void>) => Promise<unknown> = async () => ({ status: 'ok', output: 'add is defined in src/math.ts:1' });

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, {
      role: 'chat',
      source: { kind: 'file', path: await scriptedModel(script, { name: 'scripted-agent-call', vocab: 'starcoder' }) },
      contextSize: 2048,
    });
    const session = await harness.sidecar.ensureStarted();
    session.rpc.onRequest(ExecuteTool.method, (params: { call: ToolCall }, token) => {
      proposed.push(params.call);
      return onExecute(params.call, new Promise((resolve) => token.onCancellationRequested(() => resolve())));
    });
    session.rpc.onRequest(AskContinue.method, (params: { reason: string }) => {
      asked.push(params.reason);
      return { continue: false };
    });
    harness.sidecar.onNotification(AgentEvent, (event) => events.push(event));
  });
  after(() => harness.sidecar.dispose());

  it('generates a grammar-constrained tool call, proposes it to the extension, and stops when the same call repeats', async () => {
    const result = await harness.sidecar.request(AgentRun, { turnId: 'real-1', task: 'Where is add defined?', maxSteps: 6 });
    assert.equal(result.outcome, 'loopStopped');
    assert.equal(result.steps, 3);
    // Two executions, then the third identical proposal is held back and the user is asked.
    assert.deepEqual(
      proposed.map((call) => [call.tool, call.args]),
      [
        ['get_definitions', { symbol: 'add' }],
        ['get_definitions', { symbol: 'add' }],
      ],
    );
    assert.equal(asked.length, 1);
    const turn = events.filter((e) => e.turnId === 'real-1');
    const calls = turn.filter((e) => e.type === 'toolCall');
    assert.deepEqual(
      calls.map((e) => e.type === 'toolCall' && e.format),
      ['json', 'json'],
    );
    const results = turn.filter((e) => e.type === 'toolResult');
    assert.deepEqual(
      results.map((e) => e.type === 'toolResult' && e.output),
      ['add is defined in src/math.ts:1', 'add is defined in src/math.ts:1'],
    );
  });

  it('cancels the tool the extension is running when the turn is cancelled', async () => {
    let sawCancel = false;
    onExecute = async (_call, cancelled) => {
      await cancelled;
      sawCancel = true;
      return { status: 'denied', output: 'cancelled' };
    };
    const abort = new AbortController();
    const run = harness.sidecar.request(AgentRun, { turnId: 'real-2', task: 'Where is add defined?' }, { signal: abort.signal });
    const deadline = Date.now() + 60_000;
    while (!proposed.some((call) => call.id.startsWith('real-2')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    abort.abort();
    await rejectsWithCode(run, ErrorCodes.Cancelled);
    const waitUntil = Date.now() + 5000;
    while (!sawCancel && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(sawCancel, 'the pending agent/executeTool request was cancelled');
  });
});
