// Runs an approved command in the background: a shell in its own process group (so a cancel or
// a timeout ends everything it started), stdin closed, output capped to its head and tail.
import { spawn } from 'node:child_process';

export interface RunOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  /** Characters of output kept (head and tail); the middle is dropped. */
  readonly outputLimit: number;
  readonly signal: AbortSignal;
  /** Every chunk as it arrives, e.g. for a terminal that mirrors the run. */
  readonly onOutput?: (text: string) => void;
}

export interface CommandRun {
  readonly output: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly ms: number;
}

/** Runs a command to its end: this background runner, or a terminal's (extension/agent/shellTerminals.ts). */
export type CommandRunner = (command: string, options: RunOptions) => Promise<CommandRun>;

export function runCommand(command: string, options: RunOptions): Promise<CommandRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, {
      cwd: options.cwd,
      shell: true,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      // Pagers would wait for a keypress that never comes.
      env: { ...process.env, PAGER: 'cat', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' },
    });
    const output = new CappedText(options.outputLimit);
    let timedOut = false;
    let cancelled = false;
    const stop = () => {
      killTree(child.pid, 'SIGTERM');
      setTimeout(() => killTree(child.pid, 'SIGKILL'), 2000).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.push(text);
      options.onOutput?.(text);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const finish = (exitCode: number | null, extra = '') => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      if (extra) output.push(extra);
      resolve({ output: output.text(), exitCode, timedOut, cancelled, ms: performance.now() - started });
    };
    child.once('error', (error) => finish(null, `\n${error.message}`));
    child.once('close', (code) => finish(code));
    if (options.signal.aborted) onAbort();
  });
}

function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal); // the whole group: the shell and what it started
  } catch {
    // already gone
  }
}

/** Keeps the first and last `limit / 2` characters of a stream. */
export class CappedText {
  private head = '';
  private tail = '';
  private dropped = 0;

  constructor(private readonly limit: number) {}

  push(text: string): void {
    const half = Math.floor(this.limit / 2);
    if (this.head.length < half) {
      const take = text.slice(0, half - this.head.length);
      this.head += take;
      text = text.slice(take.length);
    }
    this.tail += text;
    if (this.tail.length > half) {
      this.dropped += this.tail.length - half;
      this.tail = this.tail.slice(this.tail.length - half);
    }
  }

  isEmpty(): boolean {
    return !this.head && !this.tail;
  }

  text(): string {
    return this.dropped ? `${this.head}\n[… ${this.dropped} characters of output dropped …]\n${this.tail}` : this.head + this.tail;
  }
}

export function describeRun(command: string, run: CommandRun): string {
  const how = run.cancelled
    ? 'cancelled'
    : run.timedOut
      ? `stopped after the ${Math.round(run.ms / 1000)} s time limit`
      : run.exitCode === null
        ? 'no exit code'
        : `exit code ${run.exitCode}`;
  return `$ ${command}\n${how} (${(run.ms / 1000).toFixed(1)} s)\n${run.output.trimEnd() || '(no output)'}`;
}
