// The agent in a real VS Code: the real sidecar runs the loop on a scripted OpenAI-compatible
// model, the extension's policy and tools do the work, and the test answers the approvals through
// the AgentUi the chat panel will implement. An edit shows a diff first and changes nothing until
// approved; approved it is one undoable edit; denied or unanswered it changes nothing; commands ask.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AgentEventParams } from '../../../protocol/agent';
import type { AgentUi, ApprovalDecision, ApprovalRequest } from '../../../extension/agent/ui';
import { pylot, setting, waitFor } from './helpers';
import { startScriptedChatServer, type ScriptedChatServer } from './scriptedChatServer';

const original = 'export function add(a: number, b: number): number {\n  return a - b;\n}\n';
const editCall = JSON.stringify({ tool: 'edit_file', args: { path: 'math.ts', oldText: 'return a - b;', newText: 'return a + b;' } });
const answer = (text: string) => JSON.stringify({ answer: text });

/** An AgentUi whose decisions the test scripts; it checks what a person would see at each prompt. */
class TestUi implements AgentUi {
  readonly events: AgentEventParams[] = [];
  readonly requests: ApprovalRequest[] = [];
  diffShown = false;
  fileWhileAsking: string | undefined;
  promptClosed = false;

  /** What running commands printed, as it came, and the events seen by then. */
  readonly commandOutput: Array<{ callId: string; text: string; eventsBefore: number }> = [];

  constructor(
    private readonly decide: (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalDecision>,
    private readonly file?: string,
    private readonly eventSeen?: (event: AgentEventParams) => void,
  ) {}

  onEvent(event: AgentEventParams): void {
    this.events.push(event);
    this.eventSeen?.(event);
  }

  onCommandOutput(callId: string, text: string): void {
    this.commandOutput.push({ callId, text, eventsBefore: this.events.length });
  }

  async requestApproval(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
    this.requests.push(request);
    signal.addEventListener('abort', () => (this.promptClosed = true));
    if (request.change) {
      await request.change.show();
      this.diffShown = !!diffTab();
      if (this.file) this.fileWhileAsking = readFileSync(this.file, 'utf8');
    }
    return this.decide(request, signal);
  }

  async askContinue(): Promise<boolean> {
    return false;
  }

  results(): Array<{ status: string; output: string }> {
    return this.events.flatMap((event) => (event.type === 'toolResult' ? [{ status: event.status, output: event.output }] : []));
  }
}

function diffTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .find((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'pylot-proposed');
}

const never = (_request: ApprovalRequest, signal: AbortSignal) =>
  new Promise<ApprovalDecision>((resolve) => signal.addEventListener('abort', () => resolve({ kind: 'allowOnce' })));

suite('Pylot agent', () => {
  let server: ScriptedChatServer;
  let folder: string;
  let file: string;

  suiteSetup(async () => {
    server = await startScriptedChatServer();
    await setting('servers', [{ name: 'agent-lab', api: 'openai-compatible', baseUrl: server.url, model: 'scripted-agent', retries: 0 }]);
    await setting('models.chat', 'server:agent-lab');
    await setting('agent.allowCommands', ['echo']);
    folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    file = path.join(folder, 'math.ts');
  });

  setup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Through VS Code's file service: VS Code may still hold math.ts from an earlier test (a language
    // server opens files too), and a file changed behind its back would not save (a conflict).
    await vscode.workspace.fs.writeFile(vscode.Uri.file(file), new TextEncoder().encode(original));
    await waitFor(
      'VS Code to see the reset math.ts',
      () => {
        const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === file);
        return !open || (open.getText() === original && !open.isDirty);
      },
      10_000,
    );
  });

  suiteTeardown(async () => {
    for (const key of ['models.chat', 'servers', 'agent.allowCommands', 'agent.approvalTimeoutSeconds', 'agent.checkpointMaxMB']) await setting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  test('an edit shows a diff and asks; approved, the file changes in one undoable edit', async () => {
    const api = await pylot();
    server.reply(editCall, answer('add now adds.'));
    const ui = new TestUi(async () => ({ kind: 'allowOnce' }), file);
    const result = await api.agent.runAgentTurn({ task: 'Fix add in math.ts' }, ui);

    assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
    assert.equal(result.answer, 'add now adds.');
    const [request] = ui.requests;
    assert.equal(request?.risk, 'write');
    assert.equal(request?.title, 'Edit math.ts');
    assert.deepEqual(request?.options, ['allowOnce', 'allowSession', 'always', 'deny']);
    assert.ok(ui.diffShown, 'the diff editor showed the proposal');
    assert.equal(ui.fileWhileAsking, original, 'nothing touched the file before approval');
    assert.equal(diffTab(), undefined, 'the diff closed once decided');
    const changed = original.replace('a - b', 'a + b');
    assert.equal(readFileSync(file, 'utf8'), changed);
    assert.deepEqual(result.changedFiles, [file]);

    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    await waitFor('the edit undone', () => document.getText() === original, 10_000);
  });

  test('denied, the file stays as it was and the feedback reaches the model', async () => {
    const api = await pylot();
    server.reply(editCall, answer('I left it.'));
    const ui = new TestUi(async () => ({ kind: 'deny', feedback: 'subtraction is intended here' }), file);
    const result = await api.agent.runAgentTurn({ task: 'Fix add in math.ts' }, ui);
    assert.equal(result.outcome, 'answered');
    assert.equal(readFileSync(file, 'utf8'), original);
    assert.deepEqual(result.changedFiles, []);
    assert.deepEqual(
      ui.results().map((r) => r.status),
      ['denied'],
    );
    assert.match(server.requests.at(-1)!.at(-1)!.content, /The user denied edit_file[\s\S]*subtraction is intended here/);
  });

  test('a command asks even when its prefix is allowed, if its shape can do more; a plain allowed one runs', async () => {
    const api = await pylot();
    const target = path.join(folder, 'made-by-agent.txt');
    server.reply(
      JSON.stringify({ tool: 'run_command', args: { command: 'echo pylot > made-by-agent.txt', cwd: null } }),
      JSON.stringify({ tool: 'run_command', args: { command: 'echo hello from the agent', cwd: null } }),
      answer('ran both'),
    );
    const ui = new TestUi(async () => ({ kind: 'allowOnce' }));
    const result = await api.agent.runAgentTurn({ task: 'Write a file with echo' }, ui);
    assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
    assert.equal(ui.requests.length, 1, 'only the redirecting command asked');
    assert.equal(ui.requests[0]!.risk, 'command');
    assert.ok(ui.requests[0]!.reasons.includes('redirection'));
    assert.deepEqual(ui.requests[0]!.options, ['allowOnce', 'deny']);
    assert.equal(readFileSync(target, 'utf8').trim(), 'pylot');
    const outputs = ui.results();
    assert.deepEqual(
      outputs.map((r) => r.status),
      ['ok', 'ok'],
    );
    assert.match(outputs[1]!.output, /exit code 0[\s\S]*hello from the agent/);
  });

  test('pylot.runAgent asks with the diff editor and a QuickPick; its checkpoint restores the file', async () => {
    const api = await pylot();
    server.reply(editCall, answer('fixed with the fallback UI'));
    const run = vscode.commands.executeCommand<{ turnId: string; outcome: string } | undefined>('pylot.runAgent', 'Fix add in math.ts');
    let settled = false;
    void Promise.resolve(run).finally(() => (settled = true));
    await waitFor('the diff editor with the proposal', () => diffTab(), 30_000);
    assert.equal(readFileSync(file, 'utf8'), original, 'nothing written while the prompt is open');
    // The first QuickPick item is "Allow once"; VS Code's own command accepts it, as Enter would.
    await waitFor(
      'the approval accepted',
      async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((resolve) => setTimeout(resolve, 300));
        return settled || readFileSync(file, 'utf8') !== original;
      },
      30_000,
    );
    const result = await run;
    assert.equal(result?.outcome, 'answered');
    assert.equal(readFileSync(file, 'utf8'), original.replace('a - b', 'a + b'));

    assert.ok(api.agent.checkpoints().some((checkpoint) => checkpoint.turnId === result!.turnId));
    assert.deepEqual(await api.agent.restoreCheckpoint(result!.turnId), { restored: [file], notRestored: [] });
    assert.equal(readFileSync(file, 'utf8'), original);
  });

  test('a checkpoint puts back the exact bytes, and names the file over pylot.agent.checkpointMaxMB', async () => {
    const api = await pylot();
    await setting('agent.checkpointMaxMB', 1);
    // Mixed line ends and a BOM: bytes an editor's text does not round-trip. And a 1.5 MB file, over the 1 MB cap.
    const mixed = path.join(folder, 'mixed.ts');
    const mixedBytes = Buffer.from('\ufeffconst a = 1;\r\nconst b = 2;\nconst c = 3;\r\n');
    writeFileSync(mixed, mixedBytes);
    const big = path.join(folder, 'big.txt');
    const bigText = 'filler line of the big file\n'.repeat(55_000) + 'THE END\n';
    writeFileSync(big, bigText);
    // Open, as a person would have it: VS Code shows it without the BOM and with one kind of line end.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(mixed));
    const call = (args: object) => JSON.stringify({ tool: 'edit_file', args });
    server.reply(
      call({ path: 'mixed.ts', oldText: 'const b = 2;', newText: 'const b = 20;' }),
      call({ path: 'big.txt', oldText: 'THE END', newText: 'THE NEW END' }),
      answer('edited both'),
    );
    const ui = new TestUi(async () => ({ kind: 'allowOnce' }));
    const result = await api.agent.runAgentTurn({ task: 'Edit both files' }, ui);
    await setting('agent.checkpointMaxMB', undefined);
    assert.equal(result.outcome, 'answered', JSON.stringify(ui.results()));
    assert.deepEqual(
      ui.results().map((r) => r.status),
      ['ok', 'ok'],
      JSON.stringify(ui.results()),
    );
    assert.match(readFileSync(big, 'utf8'), /THE NEW END\n$/);
    const notices = ui.events.flatMap((event) => (event.type === 'notice' ? [event.message] : []));
    assert.deepEqual(notices, [
      "big.txt cannot be restored from this reply's checkpoint: it is 1.5 MB, over what is left of the 1 MB checkpoint cap (pylot.agent.checkpointMaxMB).",
    ]);
    const report = await api.agent.restoreCheckpoint(result.turnId);
    assert.deepEqual(report.restored, [mixed]);
    assert.deepEqual(
      report.notRestored.map((n) => n.file),
      [big],
    );
    assert.ok(readFileSync(mixed).equals(mixedBytes), `mixed.ts came back byte for byte: ${JSON.stringify(readFileSync(mixed, 'latin1'))}`);
    await waitFor(
      'the editor to show the restored text',
      () =>
        vscode.workspace.textDocuments
          .find((d) => d.uri.fsPath === mixed)
          ?.getText()
          .includes('const b = 2;'),
      10_000,
    );
  });

  test("a command's output is seen while it runs, and the agent reads the rest until it exits", async () => {
    const api = await pylot();
    const gate = path.join(folder, 'go-live');
    rmSync(gate, { force: true });
    const command = "printf 'first part\\n'; while [ ! -f go-live ]; do sleep 0.05; done; printf 'second part\\n'";
    server.reply(JSON.stringify({ tool: 'run_command', args: { command, waitSeconds: 1 } }), (messages) => {
      const id = /as (cmd-\d+)\./.exec(messages.map((m) => m.content).join('\n'))?.[1] ?? 'cmd-?';
      return JSON.stringify({ tool: 'read_command_output', args: { id, waitSeconds: 30 } });
    });
    server.reply(answer('it finished'));
    // The command cannot end before its call returned: it waits for the file this writes then.
    const ui = new TestUi(
      async () => ({ kind: 'allowOnce' }),
      undefined,
      (event) => event.type === 'toolResult' && event.output.includes('still running') && writeFileSync(gate, ''),
    );
    try {
      const result = await api.agent.runAgentTurn({ task: 'Run the slow command' }, ui);
      assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
      const [started, read] = ui.results();
      assert.match(started!.output, /still running after \d+ s, as cmd-\d+\./);
      // The read returns once new output came (the exit may follow a moment later).
      assert.match(read!.output, /^cmd-\d+ (is still running \(\d+ s\)|exited with code 0 after [\d.]+ s)\. New output:\nsecond part$/);
      const live = ui.commandOutput.find((chunk) => chunk.text.includes('first part'));
      const callReturned = ui.events.findIndex((event) => event.type === 'toolResult');
      assert.ok(live && live.eventsBefore <= callReturned, 'the first part was shown while the command ran, before its call returned');
    } finally {
      rmSync(gate, { force: true });
    }
  });

  test('the agent keeps a plan the user sees, updated as it goes, without asking', async () => {
    const api = await pylot();
    const plan = (text: string) => JSON.stringify({ tool: 'update_plan', args: { plan: text } });
    server.reply(
      plan('[ ] Read math.ts\n[ ] Fix add()'),
      JSON.stringify({ tool: 'read_file', args: { path: 'math.ts' } }),
      plan('[x] Read math.ts\n[ ] Fix add()'),
      answer('planned'),
    );
    const ui = new TestUi(async () => ({ kind: 'deny' }));
    const result = await api.agent.runAgentTurn({ task: 'Plan the fix' }, ui);
    assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
    assert.deepEqual(ui.requests, [], 'a plan never asks');
    const [first, , second] = ui.results();
    assert.deepEqual(first, { status: 'ok', output: 'Plan (0 of 2 done):\n→ Read math.ts\n○ Fix add()' });
    assert.deepEqual(second, { status: 'ok', output: 'Plan (1 of 2 done):\n✓ Read math.ts\n→ Fix add()' });
  });

  test('the read-only tools run without asking and see what VS Code sees', async () => {
    const api = await pylot();
    writeFileSync(path.join(folder, '.env'), 'TOKEN=do-not-read\n');
    const document = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((edit) => edit.insert(new vscode.Position(3, 0), '// unsaved note\n'));
    const call = (tool: string, args: object) => JSON.stringify({ tool, args });
    server.reply(
      call('read_file', { path: 'math.ts' }),
      call('list_files', { path: '.' }),
      call('search_text', { query: 'return a' }),
      call('get_definitions', { symbol: 'add' }),
      call('search_code', { query: 'add numbers' }),
      call('read_file', { path: '.env' }),
      answer('looked around'),
    );
    // The workspace index has math.ts by now (it indexes in the background as files appear).
    await waitFor('math.ts in the index', async () => (await api.searchCodebase('add')).results.some((span) => span.relativePath === 'math.ts'));
    const ui = new TestUi(async () => ({ kind: 'deny' }));
    const result = await api.agent.runAgentTurn({ task: 'Look around', mode: 'ask' }, ui);
    assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
    assert.deepEqual(ui.requests, [], 'reads were auto-approved');
    const [read, list, search, definitions, index, secret] = ui.results();
    assert.match(read!.output, /4 \| \/\/ unsaved note/, "read_file sees the open editor's unsaved text");
    assert.match(list!.output, /^math\.ts$/m);
    assert.doesNotMatch(list!.output, /\.env/);
    assert.match(search!.output, /math\.ts:2: return a - b;/);
    assert.match(definitions!.output, /math\.ts/);
    assert.deepEqual([index!.status, secret!.status], ['ok', 'denied']);
    assert.match(index!.output, /^math\.ts:\d+-\d+/m, 'search_code answers from the workspace index');
    assert.doesNotMatch(JSON.stringify(ui.events), /do-not-read/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('no decision before the timeout means deny, and the prompt is closed', async () => {
    const api = await pylot();
    await setting('agent.approvalTimeoutSeconds', 1);
    server.reply(editCall, JSON.stringify({ tool: 'create_file', args: { path: 'never.ts', content: 'x' } }), answer('nothing approved'));
    const ui = new TestUi(never, file);
    const result = await api.agent.runAgentTurn({ task: 'Fix add in math.ts' }, ui);
    assert.equal(result.outcome, 'answered');
    assert.equal(readFileSync(file, 'utf8'), original);
    assert.equal(existsSync(path.join(folder, 'never.ts')), false);
    assert.ok(ui.promptClosed);
    assert.deepEqual(
      ui.results().map((r) => r.status),
      ['denied', 'denied'],
    );
    assert.match(ui.results()[0]!.output, /No decision within 1 s/);
  });
});
