// MCP and VS Code's tools in a real VS Code: Pylot's read-only tools are in `vscode.lm.tools` and
// answer `vscode.lm.invokeTool`; an MCP server configured in pylot.mcp.servers (a real SDK server
// process over stdio) has its tool listed to the agent's model, the call asks for approval, runs on
// the server and its result reaches the model; with pylot.mcp.vscodeTools on, VS Code's other tools
// are offered too.
import * as assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AgentEventParams } from '../../../protocol/agent';
import type { AgentUi, ApprovalDecision, ApprovalRequest } from '../../../extension/agent/ui';
import { pylot, setting } from './helpers';
import { startScriptedChatServer, type ScriptedChatServer } from './scriptedChatServer';

const serverScript = path.resolve(__dirname, '../../fixtures/mcpServer.mjs');

class ApprovingUi implements AgentUi {
  readonly events: AgentEventParams[] = [];
  readonly requests: ApprovalRequest[] = [];
  constructor(private readonly answer: ApprovalDecision = { kind: 'allowOnce' }) {}
  onEvent(event: AgentEventParams): void {
    this.events.push(event);
  }
  async requestApproval(request: ApprovalRequest): Promise<ApprovalDecision> {
    this.requests.push(request);
    return this.answer;
  }
  async askContinue(): Promise<boolean> {
    return false;
  }
}

suite('MCP and VS Code tools', () => {
  let server: ScriptedChatServer;

  suiteSetup(async () => {
    server = await startScriptedChatServer();
    await setting('servers', [{ name: 'mcp-lab', api: 'openai-compatible', baseUrl: server.url, model: 'scripted-agent', retries: 0 }]);
    await setting('models.chat', 'server:mcp-lab');
  });

  suiteTeardown(async () => {
    for (const key of ['models.chat', 'servers', 'mcp.servers', 'mcp.vscodeTools']) await setting(key, undefined);
    await server.close();
  });

  test("Pylot's read-only tools are in vscode.lm.tools, and invoking one returns what it found", async () => {
    await pylot();
    const names = vscode.lm.tools.map((tool) => tool.name);
    assert.ok(names.includes('pylot_search_code'), names.join(', '));
    assert.ok(names.includes('pylot_get_definitions'), names.join(', '));
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(folder, 'mcpLab.ts'),
      new TextEncoder().encode('export function mcpLabAnswer(): number {\n  return 42;\n}\n'),
    );
    const result = await vscode.lm.invokeTool('pylot_get_definitions', { input: { symbol: 'mcpLabAnswer' }, toolInvocationToken: undefined });
    const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    assert.match(text, /mcpLab\.ts:1: export function mcpLabAnswer\(\): number \{/);
    await assert.rejects(
      Promise.resolve(vscode.lm.invokeTool('pylot_get_definitions', { input: { symbol: 7 }, toolInvocationToken: undefined })),
      /Bad arguments for pylot_get_definitions: "symbol" must be a string/,
    );
  });

  test('the agent lists and calls a tool of an MCP server configured in settings, after approval', async () => {
    const api = await pylot();
    await setting('mcp.servers', { notes: { command: process.execPath, args: [serverScript, 'notes'] } });
    server.reply(JSON.stringify({ tool: 'mcp_notes_lookup', args: { topic: 'add' } }), JSON.stringify({ answer: 'The notes point at src/math.ts.' }));
    const ui = new ApprovingUi();
    const requestsBefore = server.requests.length;
    const result = await api.agent.runAgentTurn({ task: 'What do the notes say about add?' }, ui);
    assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
    assert.equal(result.answer, 'The notes point at src/math.ts.');
    // The scripted server takes OpenAI tools: the MCP server's tools travel there, after Pylot's own.
    const offered = server.toolNames[requestsBefore]!;
    assert.deepEqual(
      offered.filter((name) => name.startsWith('mcp_')),
      ['mcp_notes_lookup', 'mcp_notes_write_note', 'mcp_notes_wipe'],
    );
    assert.ok(offered.includes('read_file'));
    assert.equal(ui.requests.length, 1);
    assert.equal(ui.requests[0]!.title, 'mcp_notes_lookup({"topic":"add"})');
    const results = ui.events.flatMap((event) => (event.type === 'toolResult' ? [[event.status, event.output]] : []));
    assert.deepEqual(results, [['ok', 'Notes about add: it is defined in src/math.ts.']]);
    assert.match(server.requests.at(-1)!.at(-1)!.content, /Result of mcp_notes_lookup:\nNotes about add/);
  });

  test("with pylot.mcp.vscodeTools on, VS Code's other tools are offered as vscode_*; Pylot's own are not offered twice", async () => {
    const api = await pylot();
    await setting('mcp.servers', undefined);
    await setting('mcp.vscodeTools', true);
    server.reply(JSON.stringify({ answer: 'done' }));
    const requestsBefore = server.requests.length;
    await api.agent.runAgentTurn({ task: 'List your tools.' }, new ApprovingUi());
    const offered = server.toolNames[requestsBefore]!.filter((name) => name.startsWith('vscode_'));
    console.log(`vscode.lm.tools: ${vscode.lm.tools.map((tool) => tool.name).join(', ')}; offered: ${offered.join(', ')}`);
    assert.ok(offered.length > 0, 'VS Code 1.139 lists tools of its own');
    assert.ok(!offered.some((name) => name.includes('pylot')), offered.join(', '));
    const slug = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    for (const name of offered)
      assert.ok(
        vscode.lm.tools.some((tool) => `vscode_${slug(tool.name.replace(/^vscode_/, ''))}`.slice(0, 60) === name),
        name,
      );
    assert.ok(offered.includes('vscode_terminal_last_command'), offered.join(', '));
  });

  test('a call of a VS Code tool asks as a command; denied, it is not invoked; allowed, it goes through vscode.lm.invokeTool', async () => {
    const api = await pylot();
    await setting('mcp.vscodeTools', true);
    const call = JSON.stringify({ tool: 'vscode_terminal_last_command', args: {} });
    server.reply(call, JSON.stringify({ answer: 'no' }));
    const denying = new ApprovingUi({ kind: 'deny' });
    await api.agent.runAgentTurn({ task: 'What ran last?' }, denying);
    assert.equal(denying.requests.length, 1);
    assert.equal(denying.requests[0]!.risk, 'command');
    assert.match(denying.requests[0]!.reasons.join(), /VS Code does not say this tool only reads/);
    assert.deepEqual(
      denying.events.flatMap((event) => (event.type === 'toolResult' ? [event.status] : [])),
      ['denied'],
    );
    server.reply(call, JSON.stringify({ answer: 'ok' }));
    const allowing = new ApprovingUi({ kind: 'allowOnce' });
    await api.agent.runAgentTurn({ task: 'What ran last?' }, allowing);
    // VS Code ran it (with no terminal it may answer with an error of its own): not denied.
    const [status] = allowing.events.flatMap((event) => (event.type === 'toolResult' ? [event.status] : []));
    assert.ok(status === 'ok' || status === 'error', String(status));
  });
});
