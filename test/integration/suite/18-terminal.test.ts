// The agent's commands in a real terminal (pylot.agent.runCommandsInTerminal): they run through VS
// Code's shell integration in a "Pylot Agent" terminal (bash here), and the agent reads their output
// while they run, their end and exit code, as plain text within the output cap; the turn's end stops
// them. The real sidecar runs the loop on a scripted OpenAI-compatible model. Each command waits on a
// file the test writes, so nothing depends on timing.
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AgentEventParams } from '../../../protocol/agent';
import type { AgentUi, ApprovalDecision } from '../../../extension/agent/ui';
import { pylot, setting, waitFor } from './helpers';
import { startScriptedChatServer, type ScriptedChatServer } from './scriptedChatServer';

type Messages = ReadonlyArray<{ role: string; content: string }>;

/** Allows every command and keeps what the user would see: the events and the live output. */
class AllowingUi implements AgentUi {
  readonly events: AgentEventParams[] = [];
  readonly live: Array<{ text: string; eventsBefore: number }> = [];
  constructor(private readonly eventSeen: (event: AgentEventParams) => void = () => undefined) {}
  onEvent(event: AgentEventParams): void {
    this.events.push(event);
    this.eventSeen(event);
  }
  onCommandOutput(_callId: string, text: string): void {
    this.live.push({ text, eventsBefore: this.events.length });
  }
  async requestApproval(): Promise<ApprovalDecision> {
    return { kind: 'allowOnce' };
  }
  async askContinue(): Promise<boolean> {
    return false;
  }
  results(): string[] {
    return this.events.flatMap((event) => (event.type === 'toolResult' ? [event.output] : []));
  }
}

const lastMessage = (messages: Messages) => messages[messages.length - 1]?.content ?? '';
const commandId = (messages: Messages) => /as (cmd-\d+)\./.exec(messages.map((m) => m.content).join('\n'))?.[1] ?? 'cmd-?';
const read = (messages: Messages) => JSON.stringify({ tool: 'read_command_output', args: { id: commandId(messages), waitSeconds: 30 } });
/** Reads again until the command has ended, then answers. */
const readToEnd = (messages: Messages) =>
  / (exited with code|was cancelled|was stopped)/.test(lastMessage(messages)) ? JSON.stringify({ answer: 'done' }) : read(messages);
// eslint-disable-next-line no-control-regex -- what must not reach the agent
const controlCharacters = /[\x00-\x08\x0b-\x1f\x7f]/;

function agentTerminal(): vscode.Terminal | undefined {
  return vscode.window.terminals.find((terminal) => terminal.name === 'Pylot Agent' && terminal.shellIntegration);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

suite('Pylot agent: commands in a terminal', () => {
  let server: ScriptedChatServer;
  let folder: string;

  suiteSetup(async () => {
    server = await startScriptedChatServer();
    await setting('servers', [{ name: 'terminal-lab', api: 'openai-compatible', baseUrl: server.url, model: 'scripted-agent', retries: 0 }]);
    await setting('models.chat', 'server:terminal-lab');
    await setting('agent.runCommandsInTerminal', true);
    // A shell VS Code integrates with, whatever this machine's default shell is.
    await vscode.workspace.getConfiguration('terminal.integrated').update('defaultProfile.linux', 'bash', vscode.ConfigurationTarget.Global);
    folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  });

  // A turn may end before it used every reply queued for it (a command ends sooner or later).
  setup(() => server.clear());

  suiteTeardown(async () => {
    for (const key of ['models.chat', 'servers', 'agent.runCommandsInTerminal', 'agent.commandOutputLimit']) await setting(key, undefined);
    await vscode.workspace.getConfiguration('terminal.integrated').update('defaultProfile.linux', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  test('a long command runs in the terminal; the agent reads its output while it runs, then its end and exit code', async () => {
    const api = await pylot();
    const gate = path.join(folder, 'go-terminal');
    rmSync(gate, { force: true });
    const command =
      "printf 'first part\\n'; while [ ! -f go-terminal ]; do sleep 0.05; done; printf '\\033[1;31msecond\\033[0m part\\n'; echo \"shell=$$\"; (exit 3)";
    server.reply(JSON.stringify({ tool: 'run_command', args: { command, waitSeconds: 1 } }), read, readToEnd, readToEnd);
    // The command cannot end before its call returned: it waits for the file this writes then.
    const ui = new AllowingUi((event) => event.type === 'toolResult' && event.output.includes('still running') && writeFileSync(gate, ''));
    try {
      const result = await api.agent.runAgentTurn({ task: 'Run the slow command in the terminal' }, ui);
      assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
      const [started, ...reads] = ui.results();
      assert.match(started!, /still running after \d+ s, as cmd-\d+\./);
      const callReturned = ui.events.findIndex((event) => event.type === 'toolResult');
      const firstLive = ui.live.find((chunk) => chunk.text.includes('first part'));
      assert.ok(firstLive && firstLive.eventsBefore <= callReturned, 'the card showed the first part while the command ran');
      // It ran in the terminal's own shell: $$ is the terminal's process.
      const terminal = agentTerminal();
      assert.ok(terminal, 'a "Pylot Agent" terminal with shell integration is open');
      const shellPid = await terminal.processId;
      const seen = [started!, ...reads].join('\n');
      assert.match(seen, new RegExp(`first part\\n[^]*second part\\nshell=${shellPid}\\b`), seen);
      assert.match(reads[reads.length - 1]!, /^cmd-\d+ exited with code 3 after [\d.]+ s\./);
      for (const text of [started!, ...reads]) assert.doesNotMatch(text, controlCharacters, 'no escape sequence reaches the agent');
    } finally {
      rmSync(gate, { force: true });
    }
  });

  test('huge output without newlines, full of escape sequences, reaches the agent plain and within the cap', async () => {
    await setting('agent.commandOutputLimit', 1000);
    const api = await pylot();
    const command = "head -c 300000 /dev/zero | tr '\\0' x; printf '\\033]0;a hostile title\\007\\033[2J\\033[H\\033[31mEND-MARK\\033[0m'";
    server.reply(JSON.stringify({ tool: 'run_command', args: { command } }), JSON.stringify({ answer: 'done' }));
    const ui = new AllowingUi();
    try {
      const result = await api.agent.runAgentTurn({ task: 'Print a lot' }, ui);
      assert.equal(result.outcome, 'answered', JSON.stringify(ui.events).slice(0, 2000));
      const [output] = ui.results();
      const body = output!.split('\n').slice(2).join('\n'); // after "$ command" and "exit code 0 (…)"
      assert.match(output!, /^\$ head -c 300000 [^\n]*\nexit code 0 \(/, 'ran in the terminal, with no note of a fallback');
      assert.match(body, /^x{400,500}\n\[… \d+ characters of output dropped …\]\nx+END-MARK$/);
      assert.ok(body.length < 1100, `the output kept is within the cap: ${body.length} characters`);
      assert.doesNotMatch(output!, controlCharacters);
      assert.doesNotMatch(body, /hostile title/);
    } finally {
      await setting('agent.commandOutputLimit', undefined);
    }
  });

  let lastRun: string[] = [];
  /** Runs `command` (it prints `pid=N` first) in a turn that ends while it still runs; its pid, seen alive then. */
  async function leaveRunning(command: string): Promise<number> {
    const api = await pylot();
    let aliveBeforeEnd = false;
    // Reads until the command printed its pid, then ends the turn with it still running.
    const untilPid = (messages: Messages) => {
      const pid = /pid=(\d+)/.exec(messages.map((m) => m.content).join('\n'))?.[1];
      if (!pid) return read(messages);
      aliveBeforeEnd = alive(Number(pid));
      return JSON.stringify({ answer: 'left it running' });
    };
    server.reply(JSON.stringify({ tool: 'run_command', args: { command, waitSeconds: 1 } }), untilPid, untilPid);
    const ui = new AllowingUi();
    const result = await api.agent.runAgentTurn({ task: 'Start a long command' }, ui);
    assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
    assert.match(ui.results()[0]!, /still running after \d+ s, as cmd-\d+\./);
    lastRun = ui.results();
    const pid = Number(/pid=(\d+)/.exec(lastRun.join('\n'))?.[1]);
    assert.ok(pid > 0, 'the command printed its pid');
    assert.ok(aliveBeforeEnd, 'the command ran until its turn ended');
    return pid;
  }

  test("the turn's end stops a command still running in the terminal (Ctrl+C), and the terminal stays", async () => {
    const pid = await leaveRunning("sh -c 'echo pid=$$; exec sleep 600'");
    await waitFor('the command to be stopped after its turn ended', () => !alive(pid), 30_000);
    const terminal = agentTerminal();
    assert.ok(terminal && terminal.exitStatus === undefined, 'the terminal is still open for the next command');
  });

  test('a command that ignores Ctrl+C is stopped by closing its terminal', async () => {
    // $PPID: the shell of the terminal it runs in (another one if an earlier command's is still busy).
    const pid = await leaveRunning('sh -c \'trap "" INT; echo pid=$$ shell=$PPID; while :; do sleep 1; done\'');
    const shellPid = Number(/shell=(\d+)/.exec(lastRun.join('\n'))?.[1]);
    assert.ok(
      await Promise.all(vscode.window.terminals.map((t) => t.processId)).then((pids) => pids.includes(shellPid)),
      'it ran in a terminal open until its turn ended',
    );
    await waitFor('the command to be stopped after its turn ended', () => !alive(pid), 30_000);
    await waitFor('its terminal to be closed', async () => !(await Promise.all(vscode.window.terminals.map((t) => t.processId))).includes(shellPid), 30_000);
  });

  test('a command in the terminal is stopped at its time limit, and the agent is told', async () => {
    await setting('agent.commandTimeoutSeconds', 3);
    try {
      const api = await pylot();
      server.reply(JSON.stringify({ tool: 'run_command', args: { command: "sh -c 'echo pid=$$; exec sleep 600'" } }), JSON.stringify({ answer: 'done' }));
      const ui = new AllowingUi();
      const result = await api.agent.runAgentTurn({ task: 'Run a command that takes too long' }, ui);
      assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
      const [output] = ui.results();
      assert.match(output!, /^\$ sh -c [^\n]*\nstopped after the 3 s time limit \([\d.]+ s\)\npid=\d+/);
      const pid = Number(/pid=(\d+)/.exec(output!)?.[1]);
      await waitFor('the command to be gone', () => !alive(pid), 30_000);
    } finally {
      await setting('agent.commandTimeoutSeconds', undefined);
    }
  });

  test('a terminal the user closes ends its command, and the agent reads that', async () => {
    const api = await pylot();
    const command = "sh -c 'echo pid=$$; exec sleep 600'";
    server.reply(JSON.stringify({ tool: 'run_command', args: { command, waitSeconds: 1 } }), read, readToEnd);
    // The user closes the terminal once the call returned with the command still running.
    const ui = new AllowingUi((event) => event.type === 'toolResult' && event.output.includes('still running') && agentTerminal()?.dispose());
    const result = await api.agent.runAgentTurn({ task: 'Run a command whose terminal gets closed' }, ui);
    assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
    const reads = ui.results().slice(1).join('\n');
    // The note may come with the read before the end or with the end.
    assert.match(reads, /\n\[the "Pylot Agent" terminal was closed before the command ended\]/, reads);
    assert.match(ui.results().at(-1)!, /^cmd-\d+ ended without an exit code after [\d.]+ s\. New output:/);
    const pid = Number(/pid=(\d+)/.exec(ui.results().join('\n'))?.[1]);
    await waitFor('the command to be gone with its terminal', () => !alive(pid), 30_000);
  });

  test('where shell integration does not start, the command runs in the background runner, with a note, shown in a terminal', async () => {
    for (const terminal of vscode.window.terminals.filter((t) => t.name === 'Pylot Agent')) terminal.dispose();
    await waitFor('the agent terminals to close', () => !vscode.window.terminals.some((t) => t.name === 'Pylot Agent'), 10_000);
    const integration = vscode.workspace.getConfiguration('terminal.integrated');
    await integration.update('shellIntegration.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      const api = await pylot();
      server.reply(JSON.stringify({ tool: 'run_command', args: { command: 'echo "runner=$PPID"' } }), JSON.stringify({ answer: 'done' }));
      const ui = new AllowingUi();
      const result = await api.agent.runAgentTurn({ task: 'Run it without shell integration' }, ui);
      assert.equal(result.outcome, 'answered', JSON.stringify(ui.events));
      const [output] = ui.results();
      assert.match(
        output!,
        /^Shell integration did not start in the "Pylot Agent" terminal within a few seconds .*\n\$ echo "runner=\$PPID"\nexit code 0 \([\d.]+ s\)\nrunner=\d+$/,
      );
      // The background runner's shell is a child of the extension host, not of a terminal.
      assert.equal(Number(/runner=(\d+)/.exec(output!)?.[1]), process.pid);
      assert.ok(
        vscode.window.terminals.some((t) => t.name === 'Pylot Agent'),
        'the run is shown in a "Pylot Agent" terminal',
      );
      assert.ok(!agentTerminal(), 'no terminal claims shell integration');
    } finally {
      await integration.update('shellIntegration.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
