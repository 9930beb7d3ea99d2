// A real sidecar on a raw IPC channel: the test writes the JSON lines itself, so it can send what
// child.send cannot (nesting too deep for JSON.stringify, ids of every type), and it sees every
// line that comes back, so an unanswered or doubly answered request is visible.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { sidecarModule, waitForExit } from './harness';

export type Answer = { jsonrpc?: unknown; id: unknown; result?: unknown; error?: { code: unknown; message: unknown } };

export class RawSidecar {
  /** Every message the sidecar sent, in order. */
  readonly received: Array<Record<string, unknown>> = [];
  readonly stderr: string[] = [];
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(
    readonly child: ChildProcess,
    private readonly channel: Socket,
  ) {
    let buffer = '';
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        this.received.push(JSON.parse(buffer.slice(0, end)) as Record<string, unknown>);
        buffer = buffer.slice(end + 1);
      }
      this.wake();
    });
    channel.on('error', () => undefined);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.stderr.push(chunk));
    child.once('exit', (code, signal) => {
      this.exit = { code, signal };
      this.wake();
    });
  }

  /** Starts dist/sidecar.mjs with fd 3 as its IPC channel in JSON mode, exactly what fork() sets up. */
  static start(env: Record<string, string> = {}): RawSidecar {
    const child = spawn(process.execPath, [sidecarModule], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_CHANNEL_FD: '3', NODE_CHANNEL_SERIALIZATION_MODE: 'json', ...env },
    });
    return new RawSidecar(child, child.stdio[3] as Socket);
  }

  get exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exit;
  }

  /** One message, serialized here; `line` sends text as is (one message per line). */
  send(message: unknown): void {
    this.write(JSON.stringify(message));
  }

  /** Several messages in one write, so the sidecar reads them in one chunk, in one tick. */
  sendAll(messages: readonly unknown[]): void {
    this.write(messages.map((message) => JSON.stringify(message)).join('\n'));
  }

  write(line: string): void {
    this.channel.write(`${line}\n`);
  }

  /** Sends a request with a fresh id ("raw-N") and resolves with its answer. */
  async request(method: string, params?: unknown, timeoutMs = 10_000): Promise<Answer> {
    const id = `raw-${this.nextId++}`;
    this.send(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    return (await this.answers(id, 1, timeoutMs))[0]!;
  }

  /** The answers carrying `id` (compared as JSON: 1 and "1" differ), once there are `count` of them. */
  async answers(id: unknown, count = 1, timeoutMs = 10_000): Promise<Answer[]> {
    const key = JSON.stringify(id);
    const matching = () => this.received.filter((m) => !('method' in m) && JSON.stringify(m.id) === key) as Answer[];
    await this.until(() => matching().length >= count, `${count} answer(s) to id ${key}`, timeoutMs);
    return matching();
  }

  async until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `timed out waiting for ${what}${this.exit ? ` (the sidecar exited: ${JSON.stringify(this.exit)})` : ''}\n${this.stderr.join('').slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (!done() && !this.exit) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        if (done()) resolve();
        else reject(new Error(`the sidecar exited (${JSON.stringify(this.exit)}) before ${what}\n${this.stderr.join('').slice(-2000)}`));
      };
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    const pid = this.child.pid;
    if (this.exit || pid === undefined) return;
    this.channel.destroy();
    this.child.kill('SIGKILL');
    await waitForExit(pid);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
