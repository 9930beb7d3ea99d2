// Issue-14 numbers: what a summary turn costs. The real sidecar and node-llama-cpp run an agent turn
// with the demo chat model (its plain-text script stands in for the summary) at small contexts,
// with an earlier conversation of three times the context, and the same turn without history: the
// difference in prompt tokens evaluated and tokens generated is the summary's cost; the notice says
// what the transcript shrank from and to. Token counts are the model's own tokenizer's.
import { AgentEvent, AgentRun, AskContinue, ExecuteTool, type AgentEventParams } from '../../protocol/agent';
import { LoadModel } from '../../protocol/sidecar';
import { demoChatModel } from '../fixtures/models';
import { startHarness } from '../sidecar/harness';
import { table } from './stats';

const harness = startHarness({ settings: () => ({ threads: 2 }) });
const rows = [['context', 'history', 'transcript before → after', 'prompt tokens: no history', 'with summary', 'generated: no history', 'with summary']];
const events: AgentEventParams[] = [];
const paragraph = (i: number) => `Turn ${i} notes about the shop module and its tests. `.repeat(60);
try {
  for (const contextSize of [2048, 4096]) {
    await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await demoChatModel() }, contextSize });
    const session = await harness.sidecar.ensureStarted();
    session.rpc.onRequest(ExecuteTool.method, () => ({ status: 'ok', output: 'created hello.ts' }));
    session.rpc.onRequest(AskContinue.method, () => ({ continue: false }));
    harness.sidecar.onNotification(AgentEvent, (event) => events.push(event));
    const turns = Math.ceil((3 * contextSize) / 500);
    const history = Array.from({ length: turns }, (_, i) => ({ role: i % 2 ? ('assistant' as const) : ('user' as const), content: paragraph(i) }));
    const plain = await harness.sidecar.request(AgentRun, { turnId: `plain-${contextSize}`, task: 'Add a greeting file', maxTokensPerStep: 256 });
    const summarised = await harness.sidecar.request(AgentRun, { turnId: `sum-${contextSize}`, task: 'Add a greeting file', history, maxTokensPerStep: 256 });
    const notice = events.find((e) => e.turnId === `sum-${contextSize}` && e.type === 'notice' && e.message.startsWith('Summarised'));
    const shrank = notice?.type === 'notice' ? (/\((\d+ → \d+) tokens\)/.exec(notice.message)?.[1] ?? '?') : 'no summary';
    rows.push([
      String(contextSize),
      `${turns} messages`,
      shrank,
      String(plain.promptTokens ?? '?'),
      String(summarised.promptTokens ?? '?'),
      String(plain.tokens ?? '?'),
      String(summarised.tokens ?? '?'),
    ]);
  }
} finally {
  await harness.sidecar.dispose();
}
console.log('\nSummary turn cost (demo chat model, real sidecar; the extra prompt and generated tokens are the summary generation)');
console.log(table(rows));
