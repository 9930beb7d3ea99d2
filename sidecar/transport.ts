// Owns the sidecar's end of the IPC channel: every inbound message passes the guard before
// vscode-jsonrpc sees it, the guard's error answers go straight back, and the writer keeps the set
// of requests still unanswered (so a second request with an id in flight is refused, not lost).
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-jsonrpc/node';
import { inspect, requestKey } from './guard';
import { log } from './log';

export interface GuardedChannel {
  readonly reader: MessageReader;
  readonly writer: MessageWriter;
}

/** Drops are logged, but a storm of them must not flood the output channel: the first few, then a count. */
const loggedDropsPerMinute = 20;

export function guardedChannel(channel: NodeJS.Process): GuardedChannel {
  const inFlight = new Set<string>();
  const writer = new GuardedWriter(channel, inFlight);
  const reader = new GuardedReader(channel, inFlight, writer);
  return { reader, writer };
}

class GuardedReader extends AbstractMessageReader {
  private drops = { windowStart: 0, inWindow: 0 };

  constructor(
    private readonly channel: NodeJS.Process,
    private readonly inFlight: Set<string>,
    private readonly writer: GuardedWriter,
  ) {
    super();
    channel.on('error', (error) => this.fireError(error));
  }

  listen(callback: DataCallback): Disposable {
    const onMessage = (raw: unknown) => {
      const verdict = inspect(raw, this.inFlight);
      if (verdict.kind === 'forward') {
        if (verdict.requestKey !== undefined) this.inFlight.add(verdict.requestKey);
        callback(verdict.message as Message);
      } else if (verdict.kind === 'answer') {
        this.logDrop(`Refused a message: ${verdict.message}`);
        void this.writer.send({ jsonrpc: '2.0', id: verdict.id, error: { code: verdict.code, message: verdict.message } } as Message).catch(() => undefined);
      } else {
        this.logDrop(verdict.why);
      }
    };
    this.channel.on('message', onMessage);
    return { dispose: () => this.channel.off('message', onMessage) };
  }

  private logDrop(why: string): void {
    const now = Date.now();
    if (now - this.drops.windowStart > 60_000) {
      if (this.drops.inWindow > loggedDropsPerMinute)
        log('warn', `${this.drops.inWindow - loggedDropsPerMinute} more malformed messages were refused in the last minute.`);
      this.drops = { windowStart: now, inWindow: 0 };
    }
    if (++this.drops.inWindow <= loggedDropsPerMinute) log('warn', why);
  }
}

class GuardedWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(
    private readonly channel: NodeJS.Process,
    private readonly inFlight: Set<string>,
  ) {
    super();
    channel.on('error', (error) => this.fireError(error));
  }

  /** vscode-jsonrpc's answers: writing one settles its request's id. */
  write(message: Message): Promise<void> {
    const { id, method } = message as { id?: unknown; method?: unknown };
    if (method === undefined && (typeof id === 'string' || typeof id === 'number')) this.inFlight.delete(requestKey(id));
    return this.send(message);
  }

  /**
   * Sends without touching the in-flight set. A message that cannot be serialized throws here
   * and rejects, so vscode-jsonrpc answers its request with an InternalError instead of never.
   */
  send(message: Message): Promise<void> {
    try {
      this.channel.send!(message, undefined, undefined, (error: Error | null) => {
        if (error) this.fireError(error, message);
      });
      return Promise.resolve();
    } catch (error) {
      this.fireError(error, message);
      return Promise.reject(error);
    }
  }

  end(): void {}
}
