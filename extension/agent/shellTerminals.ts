// The "Pylot Agent" terminals the agent's commands run in when the user chose
// pylot.agent.runCommandsInTerminal. A command runs through VS Code's shell integration in a real
// terminal, and its output, read as it comes and made plain (tools/terminalText.ts), feeds the same
// running-command record as the background runner (tools/backgroundCommands.ts: waitSeconds,
// read_command_output, the cap, the turn's end). Where the shell does not integrate within a few
// seconds, commands go to the background runner instead, mirrored into a plain output terminal.
import * as vscode from 'vscode';
import { CappedText, type CommandRun, type CommandRunner, type RunOptions } from './tools/commandRunner';
import { TerminalText } from './tools/terminalText';

/** How long a new terminal's shell has to report shell integration. */
const activationMs = 8000;
/** After Ctrl+C, how long a command has to end before its terminal is closed under it. */
const interruptGraceMs = 2000;
/** After the end of a command or of its output, how long the other may lag behind. */
const settleMs = 1000;

export const noShellIntegration =
  'Shell integration did not start in the "Pylot Agent" terminal within a few seconds (the shell may not support it, or terminal.integrated.shellIntegration.enabled is off), so commands run in the background runner and are only shown in a terminal.';

interface Shell {
  readonly terminal: vscode.Terminal;
  busy: boolean;
}

export class AgentTerminals implements vscode.Disposable {
  private readonly shells: Shell[] = [];
  private shown?: { readonly terminal: vscode.Terminal; write(text: string): void };
  /** Set when a shell did not integrate: later commands go to the background runner at once. */
  private unavailable = false;
  private readonly subscriptions: vscode.Disposable[] = [
    vscode.window.onDidCloseTerminal((closed) => {
      const index = this.shells.findIndex((shell) => shell.terminal === closed);
      if (index >= 0) this.shells.splice(index, 1);
    }),
    // The user may have turned shell integration on or changed the shell: try again.
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('terminal.integrated')) this.unavailable = false;
    }),
  ];

  /**
   * A runner for one command in `cwd` through an idle terminal's shell integration (a new terminal
   * if none is idle there), or undefined when shell integration is not to be had.
   */
  async shellRunner(cwd: string, signal: AbortSignal): Promise<CommandRunner | undefined> {
    if (this.unavailable) return undefined;
    const shell = this.shells.find((s) => !s.busy && s.terminal.shellIntegration?.cwd?.fsPath === cwd) ?? (await this.newShell(cwd, signal));
    if (!shell) return undefined;
    shell.busy = true;
    return (command, options) => execute(shell.terminal, command, options).finally(() => (shell.busy = false));
  }

  /** The output terminal a background run is mirrored into. */
  mirror(): { write(text: string): void } {
    if (this.shown && vscode.window.terminals.includes(this.shown.terminal)) return this.shown;
    const writes = new vscode.EventEmitter<string>();
    const terminal = vscode.window.createTerminal({ name: 'Pylot Agent', pty: { onDidWrite: writes.event, open: () => undefined, close: () => undefined } });
    this.shown = { terminal, write: (text) => writes.fire(text) };
    terminal.show(true);
    return this.shown;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const shell of this.shells) shell.terminal.dispose();
    this.shown?.terminal.dispose();
  }

  private async newShell(cwd: string, signal: AbortSignal): Promise<Shell | undefined> {
    // Pagers would wait for a keypress the agent never sends.
    const terminal = vscode.window.createTerminal({ name: 'Pylot Agent', cwd, env: { PAGER: 'cat', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' } });
    terminal.show(true);
    if (!(await integrated(terminal, signal))) {
      terminal.dispose();
      if (!signal.aborted) this.unavailable = true;
      return undefined;
    }
    const shell = { terminal, busy: false };
    this.shells.push(shell);
    return shell;
  }
}

/** Whether the terminal's shell integration starts within activationMs. */
function integrated(terminal: vscode.Terminal, signal: AbortSignal): Promise<boolean> {
  if (terminal.shellIntegration) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      changed.dispose();
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), activationMs);
    const changed = vscode.window.onDidChangeTerminalShellIntegration((event) => event.terminal === terminal && done(true));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `command` in the terminal and resolves when it ended: its output (plain, capped), its exit
 * code. A time limit or a cancel sends Ctrl+C, and closes the terminal if that did not end it.
 */
function execute(terminal: vscode.Terminal, command: string, options: RunOptions): Promise<CommandRun> {
  const started = performance.now();
  const integration = terminal.shellIntegration;
  if (!integration) return Promise.resolve({ output: noShellIntegration, exitCode: null, timedOut: false, cancelled: false, ms: 0 });
  const output = new CappedText(options.outputLimit);
  const plain = new TerminalText();
  let finished = false;
  // Nothing after the result: a late chunk would reach the card and the record of an ended run.
  const emit = (text: string) => {
    if (!text || finished) return;
    output.push(text);
    options.onOutput?.(text);
  };
  return new Promise((resolve) => {
    let timedOut = false;
    let cancelled = false;
    let exitCode: number | undefined;
    let ended = false;
    let read = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      if (finished) return;
      emit(plain.flush());
      finished = true;
      for (const timer of timers) clearTimeout(timer);
      for (const subscription of subscriptions) subscription.dispose();
      options.signal.removeEventListener('abort', onAbort);
      resolve({ output: output.text(), exitCode: exitCode ?? null, timedOut, cancelled, ms: performance.now() - started });
    };
    // The end event and the end of the output come in either order.
    const settle = () => (ended && read ? finish() : timers.push(setTimeout(finish, settleMs)));
    const interrupt = () => {
      terminal.sendText('\x03', false);
      timers.push(setTimeout(() => terminal.dispose(), interruptGraceMs));
    };
    const onAbort = () => {
      cancelled = true;
      interrupt();
    };
    timers.push(
      setTimeout(() => {
        timedOut = true;
        interrupt();
      }, options.timeoutMs),
    );
    const subscriptions = [
      vscode.window.onDidEndTerminalShellExecution((event) => {
        if (event.execution !== execution || ended) return;
        exitCode = event.exitCode;
        ended = true;
        settle();
      }),
      vscode.window.onDidCloseTerminal((closed) => {
        if (closed !== terminal) return;
        if (!cancelled && !timedOut) emit('\n[the "Pylot Agent" terminal was closed before the command ended]');
        finish();
      }),
    ];
    const execution = integration.executeCommand(command);
    const stream = execution.read();
    void (async () => {
      try {
        for await (const chunk of stream) emit(plain.push(chunk));
      } catch {
        // The terminal went away; its close ends the run.
      } finally {
        read = true;
        settle();
      }
    })();
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();
  });
}
