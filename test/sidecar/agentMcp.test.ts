// MCP tools through the real sidecar agent: a real MCP server process (test/fixtures/mcpServer.ts,
// the official SDK) over stdio and over streamable HTTP on loopback; the extension's own McpHub,
// executeCall and policy play the extension's side of agent/executeTool; a scripted GGUF on real
// node-llama-cpp calls `mcp_notes_lookup` under the call grammar. The tool is listed to the model,
// the call is approved (or not) by the person, runs on the server, and the answer comes back. A
// hostile description still needs approval; a server that hangs or crashes fails that call with a
// clear error, and the turn and the sidecar go on.
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AgentEvent, AgentRun, AskContinue, ExecuteTool, type AgentEventParams, type ToolCall } from '../../protocol/agent';
import type { McpServer } from '../../protocol/settings';
import { LoadModel } from '../../protocol/sidecar';
import { executeCall } from '../../extension/agent/executeCall';
import type { ExternalTools } from '../../extension/agent/externalTool';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy, type ApprovalDecision } from '../../extension/agent/policy/policy';
import type { ApprovalRequest } from '../../extension/agent/ui';
import { McpHub } from '../../extension/mcp/mcpHub';
import { injection, startHttpMcpServer, type McpShape } from '../fixtures/mcpServer';
import { mcpCall, mcpCallAgentModel } from '../fixtures/models';
import { RecordingHost } from '../unit/helpers/toolHost';
import { repoRoot, startHarness, type Harness } from './harness';

const serverScript = path.join(repoRoot, 'out/test/fixtures/mcpServer.mjs');
const ws = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-agent-mcp-')));
const stdio = (shape: McpShape): McpServer => ({ command: process.execPath, args: [serverScript, shape], env: { NOTES_DIR: ws } });

describe('MCP tools in the real sidecar agent', () => {
  let harness: Harness;
  const hubs: McpHub[] = [];
  /** What the extension side saw this turn. */
  let turn: { events: AgentEventParams[]; proposed: ToolCall[]; asked: ApprovalRequest[]; tools: ExternalTools; answer: ApprovalDecision };

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    const info = await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: await mcpCallAgentModel() }, contextSize: 4096 });
    assert.equal(info.capabilities.tools, false, 'the agent uses grammar-constrained JSON calls on this model');
    const session = await harness.sidecar.ensureStarted();
    const policy = new AgentPolicy(new WorkspacePaths([{ name: 'ws', path: ws }]), () => ({
      autoApproveReads: true,
      allowCommands: [],
      denyCommands: [],
      allowWrites: [],
    }));
    // The extension's side of agent/executeTool, as AgentService wires it: the same executeCall and policy.
    session.rpc.onRequest(ExecuteTool.method, (params: { call: ToolCall }) => {
      turn.proposed.push(params.call);
      return executeCall(
        params.call,
        {
          policy,
          host: new RecordingHost(ws),
          ui: {
            onEvent: () => undefined,
            askContinue: async () => false,
            requestApproval: async (request) => (turn.asked.push(request), turn.answer),
          },
          approvalTimeoutMs: 10_000,
          saveRule: async () => undefined,
          beforeWrite: () => undefined,
          external: turn.tools,
        },
        new AbortController().signal,
      );
    });
    session.rpc.onRequest(AskContinue.method, () => ({ continue: false }));
    harness.sidecar.onNotification(AgentEvent, (event) => turn?.events.push(event));
  });
  after(async () => {
    await Promise.all(hubs.map((hub) => hub.dispose()));
    await harness.sidecar.dispose();
    rmSync(ws, { recursive: true, force: true });
  });

  async function runTurn(turnId: string, server: McpServer, answer: ApprovalDecision, timeoutMs = 20_000) {
    const hub = new McpHub(() => ({ notes: server }), { timeoutMs: () => timeoutMs, clientVersion: 'test' });
    hubs.push(hub);
    const { runners } = await hub.tools(new AbortController().signal);
    turn = { events: [], proposed: [], asked: [], tools: new Map(runners.map((runner) => [runner.tool.name, runner])), answer };
    const result = await harness.sidecar.request(AgentRun, {
      turnId,
      task: 'What do the notes say about add?',
      maxSteps: 4,
      tools: runners.map((runner) => runner.tool),
    });
    const results = turn.events.flatMap((event) => (event.type === 'toolResult' ? [{ status: event.status, output: event.output }] : []));
    return { result, results, ...turn };
  }

  for (const transport of ['stdio', 'http'] as const) {
    it(`lists the ${transport} server's tool to the model, asks before calling it, calls it, and answers`, async () => {
      process.env.NOTES_DIR = ws;
      const http = transport === 'http' ? await startHttpMcpServer('notes') : undefined;
      try {
        const { result, results, proposed, asked } = await runTurn(`mcp-${transport}`, http ? { url: http.url } : stdio('notes'), { kind: 'allowOnce' });
        assert.deepEqual(
          proposed.map((call) => [call.tool, call.args]),
          [[mcpCall.call.tool, mcpCall.call.args]],
        );
        assert.equal(asked.length, 1, 'a read-only tool of a server not marked trusted asks');
        assert.equal(asked[0]!.title, 'mcp_notes_lookup({"topic":"add"})');
        assert.match(asked[0]!.reasons.join(), /MCP server "notes" calls this tool read-only, but the server is not marked trusted/);
        assert.deepEqual(results, [{ status: 'ok', output: 'Notes about add: it is defined in src/math.ts.' }]);
        assert.deepEqual({ outcome: result.outcome, answer: result.answer }, { outcome: 'answered', answer: mcpCall.answer });
      } finally {
        await http?.close();
      }
    });
  }

  it('a trusted server’s read-only tool runs without a prompt', async () => {
    const { results, asked } = await runTurn('mcp-trusted', { ...stdio('notes'), trusted: true }, { kind: 'deny' });
    assert.equal(asked.length, 0);
    assert.equal(results[0]?.status, 'ok');
  });

  it('a hostile description asking for a command: the call still asks, a denial never reaches the server, no command is proposed', async () => {
    const { result, results, proposed, asked, tools } = await runTurn('mcp-injection', stdio('injection'), { kind: 'deny', feedback: 'no' });
    assert.equal(tools.get('mcp_notes_lookup')?.tool.description, injection, 'the model was shown the hostile text');
    assert.equal(asked.length, 1);
    assert.deepEqual(results, [{ status: 'denied', output: 'The user denied this call.' }]);
    assert.ok(!proposed.some((call) => call.tool === 'run_command'));
    assert.equal(result.outcome, 'answered');
  });

  it('a server that hangs: the call fails at the timeout with an error the model reads; the turn and the sidecar go on', async () => {
    const { result, results } = await runTurn('mcp-hang', stdio('hang'), { kind: 'allowOnce' }, 1500);
    assert.equal(results[0]?.status, 'error');
    assert.match(results[0]!.output, /MCP server "notes" failed: .*timed out/i);
    assert.equal(result.outcome, 'answered');
  });

  it('a server that crashes mid-call: the error quotes it, and the sidecar still answers the next turn', async () => {
    const crashed = await runTurn('mcp-crash', stdio('crash'), { kind: 'allowOnce' });
    assert.equal(crashed.results[0]?.status, 'error');
    assert.match(crashed.results[0]!.output, /segmentation fault/);
    const next = await runTurn('mcp-after-crash', stdio('notes'), { kind: 'allowOnce' });
    assert.equal(next.result.outcome, 'answered');
    assert.equal(next.results[0]?.status, 'ok');
  });
});
