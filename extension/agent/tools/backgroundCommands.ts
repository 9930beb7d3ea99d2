// Commands the agent started that may outlive their call: run_command with `waitSeconds` returns
// while the command still runs, and read_command_output reads what it printed since the last read
// (capped the same way as a whole run: its head and tail) until it exits. Each run still ends at its
// time limit, and when its turn ends. The same record serves a run in a terminal (its runner is
// ../shellTerminals.ts). No `vscode`: the background runner is commandRunner.ts.
import { CappedText, describeRun, runCommand, type CommandRun, type CommandRunner, type RunOptions } from './commandRunner';

interface Running {
  readonly command: string;
  readonly started: number;
  readonly outputLimit: number;
  unread: CappedText;
  result?: CommandRun;
  /** Wakes readers waiting for more output or the end. */
  wake: () => void;
  changed: Promise<void>;
}

/** The most runs remembered; the oldest finished ones are forgotten first. */
const maxRuns = 20;

export class BackgroundCommands {
  private readonly runs = new Map<string, Running>();
  private next = 1;

  /**
   * Starts `command`; resolves with the whole run if it ends within `waitMs`, else with what it
   * printed so far and the id to read the rest under. `run` runs it (the background runner by default).
   */
  async start(command: string, options: RunOptions, waitMs: number, run: CommandRunner = runCommand): Promise<string> {
    const id = `cmd-${this.next++}`;
    const running: Running = {
      command,
      started: Date.now(),
      outputLimit: options.outputLimit,
      unread: new CappedText(options.outputLimit),
      wake: () => undefined,
      changed: Promise.resolve(),
    };
    this.arm(running);
    this.forgetOld();
    this.runs.set(id, running);
    const done = run(command, {
      ...options,
      onOutput: (text) => {
        running.unread.push(text);
        options.onOutput?.(text);
        running.wake();
      },
    }).then((result) => {
      running.result = result;
      running.wake();
      return result;
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([done, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)))]);
    clearTimeout(timer);
    if (waited) {
      this.runs.delete(id);
      return describeRun(command, waited);
    }
    return `$ ${command}\nstill running after ${seconds(running)} s, as ${id}. Its output so far:\n${this.take(running)}\nRead what it prints next with read_command_output {"id": "${id}"}.`;
  }

  /** What `id` printed since the last read; waits up to `waitMs` for something new or for its end. */
  async read(id: string, waitMs: number, signal: AbortSignal): Promise<string> {
    const running = this.runs.get(id);
    if (!running) throw new Error(`No command ${id} is running or was started in this session (${[...this.runs.keys()].join(', ') || 'none'}).`);
    if (!running.result && running.unread.isEmpty() && waitMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await Promise.race([running.changed, aborted, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    }
    const output = this.take(running);
    if (!running.result) return `${id} is still running (${seconds(running)} s). New output:\n${output}`;
    this.runs.delete(id);
    const { result } = running;
    const how = result.cancelled
      ? 'was cancelled'
      : result.timedOut
        ? 'was stopped at its time limit'
        : result.exitCode === null
          ? 'ended without an exit code'
          : `exited with code ${result.exitCode}`;
    return `${id} ${how} after ${(result.ms / 1000).toFixed(1)} s. New output:\n${output}`;
  }

  /** The unread output, emptied. */
  private take(running: Running): string {
    const text = running.unread.text().trimEnd();
    running.unread = new CappedText(running.outputLimit);
    this.arm(running);
    return text || '(none)';
  }

  private arm(running: Running): void {
    running.changed = new Promise((resolve) => (running.wake = resolve));
  }

  private forgetOld(): void {
    for (const [id, running] of this.runs) {
      if (this.runs.size < maxRuns) return;
      if (running.result) this.runs.delete(id);
    }
  }
}

function seconds(running: Running): number {
  return Math.round((Date.now() - running.started) / 1000);
}
