// Owns the sidecar process: lazy start, initialize with a timeout, heartbeat, typed requests, and
// crash supervision (in-flight requests fail with a typed error, restart with backoff, give up
// after too many crashes). Pure Node, no `vscode` import: the extension wraps it, tests drive it.
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { ErrorCodes, PylotError, type NotificationDef, type ParamsOf, type RequestDef, type ResultOf } from '../../protocol/rpc';
import { Initialize, Ping, PROTOCOL_VERSION, Shutdown, type SidecarSettings } from '../../protocol/sidecar';
import { sidecarSpawnOptions } from './spawnOptions';
import type { SidecarStatus } from '../../protocol/webview';
import { Endpoint, type RequestHandler, type RequestOptions } from '../../protocol/endpoint';

export type InitializeResult = ResultOf<typeof Initialize>;

export interface StatusChange {
  readonly status: SidecarStatus;
  /** Why it is restarting or stopped. */
  readonly detail?: string;
  /** True when it stopped because it kept crashing (offer Restart and Show Logs). */
  readonly gaveUp?: boolean;
}

export interface SupervisorTiming {
  initializeTimeoutMs: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  restartDelaysMs: readonly number[];
  crashLimit: number;
  crashWindowMs: number;
  shutdownGraceMs: number;
}

export const defaultTiming: SupervisorTiming = {
  initializeTimeoutMs: 60_000,
  heartbeatIntervalMs: 15_000,
  heartbeatTimeoutMs: 10_000,
  // Recovery is start (Node, llama.cpp, ~1 s) + model reload on top of this delay. The first
  // restart is immediate; the crash limit, not the delay, ends a crash loop, so delays stay short
  // (measured kill → model reloaded: docs/decisions.md).
  restartDelaysMs: [0, 250, 500, 1_000],
  crashLimit: 5,
  crashWindowMs: 3 * 60_000,
  shutdownGraceMs: 3_000,
};

export interface SidecarOptions {
  /** The built sidecar entry (dist/sidecar.mjs). */
  readonly modulePath: string;
  /** Node binary to run it with; defaults to the extension host's own. */
  readonly nodePath?: string;
  readonly client: { name: string; version: string };
  readonly settings: () => SidecarSettings;
  /** Where the sidecar keeps what it measured between starts (the extension's global storage). */
  readonly cacheDir?: string;
  readonly log: (line: string) => void;
  readonly env?: Readonly<Record<string, string>>;
  readonly timing?: Partial<SupervisorTiming>;
}

interface Session {
  readonly child: ChildProcess;
  readonly rpc: MessageConnection;
  readonly connection: Endpoint;
  info?: InitializeResult;
  heartbeat?: NodeJS.Timeout;
  /** Set when we asked it to exit, so its exit is not a crash. */
  intentional?: boolean;
}

type Listener<T> = (value: T) => void;

export class Sidecar {
  private readonly timing: SupervisorTiming;
  private session: Session | undefined;
  private starting: Promise<Session> | undefined;
  private pendingRestart: AbortController | undefined;
  private crashTimes: number[] = [];
  private current: StatusChange = { status: 'idle' };
  private readonly inFlight = new Set<(error: Error) => void>();
  private readonly statusListeners = new Set<Listener<StatusChange>>();
  private readonly readyListeners = new Set<Listener<InitializeResult>>();
  /** Per method: the contract entry and its listeners (JSON-RPC allows one handler per method). */
  private readonly notificationListeners = new Map<string, { def: NotificationDef; listeners: Set<(params: never) => void> }>();
  /** Per method: the handler of a request the sidecar sends. */
  private readonly requestHandlers = new Map<string, { def: RequestDef; handler: RequestHandler<RequestDef> }>();

  constructor(private readonly options: SidecarOptions) {
    this.timing = { ...defaultTiming, ...options.timing };
  }

  get status(): StatusChange {
    return this.current;
  }

  get info(): InitializeResult | undefined {
    return this.session?.info;
  }

  get pid(): number | undefined {
    return this.session?.child.pid;
  }

  onStatus(listener: Listener<StatusChange>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Called after every successful start, restarts included: the place to reload models. */
  onReady(listener: Listener<InitializeResult>): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  /** Listens to a notification from every sidecar process, restarts included; returns the unsubscribe. */
  onNotification<D extends NotificationDef>(def: D, handler: (params: ParamsOf<D>) => void): () => void {
    let entry = this.notificationListeners.get(def.method);
    if (!entry) {
      entry = { def, listeners: new Set() };
      this.notificationListeners.set(def.method, entry);
      if (this.session) this.dispatch(this.session.connection, entry);
    }
    const listeners = entry.listeners as Set<(params: ParamsOf<D>) => void>;
    listeners.add(handler);
    return () => listeners.delete(handler);
  }

  /** Answers a request the sidecar sends (the agent's tool calls), in every sidecar process, restarts included. */
  onRequest<D extends RequestDef>(def: D, handler: RequestHandler<D>): void {
    if (this.requestHandlers.has(def.method)) throw new Error(`${def.method} already has a handler`);
    this.requestHandlers.set(def.method, { def, handler: handler as RequestHandler<RequestDef> });
    this.session?.connection.onRequest(def, handler);
  }

  private dispatch(connection: Endpoint, entry: { def: NotificationDef; listeners: Set<(params: never) => void> }): void {
    connection.onNotification(entry.def, (params) => {
      for (const listener of entry.listeners) (listener as (params: unknown) => void)(params);
    });
  }

  /** Sends a notification if the sidecar runs; dropped otherwise (the receiver resyncs on start). */
  notify<D extends NotificationDef>(def: D, params: ParamsOf<D>): void {
    const session = this.session;
    if (!session?.info) return;
    void session.connection.notify(def, params).catch(() => undefined);
  }

  /** Sends a request, starting the sidecar first if this is the first need. */
  async request<D extends RequestDef>(def: D, params: ParamsOf<D>, options?: RequestOptions): Promise<ResultOf<D>> {
    const session = await this.ensureStarted();
    return this.track(session.connection.request(def, params, options));
  }

  ensureStarted(): Promise<Session> {
    if (this.session?.info) return Promise.resolve(this.session);
    if (this.starting) return this.starting;
    if (this.current.status === 'stopped') {
      return Promise.reject(
        new PylotError(
          ErrorCodes.SidecarExited,
          `The Pylot sidecar is stopped${this.current.detail ? `: ${this.current.detail}` : ''}. Run "Pylot: Restart Sidecar".`,
        ),
      );
    }
    return this.start(0);
  }

  /** User-initiated: forget past crashes and start a fresh process. */
  async restart(): Promise<void> {
    await this.stop();
    this.crashTimes = [];
    this.setStatus({ status: 'idle' });
    await this.ensureStarted();
  }

  /** Unloads models, then disconnects; the sidecar exits on disconnect, killed if it lingers. */
  async stop(detail?: string): Promise<void> {
    this.pendingRestart?.abort();
    const starting = this.starting;
    this.starting = undefined;
    await starting?.catch(() => undefined);
    const session = this.session;
    if (session) {
      session.intentional = true;
      const answered = await session.connection.request(Shutdown, null, { timeoutMs: this.timing.shutdownGraceMs }).then(
        () => true,
        () => false,
      );
      // A sidecar that did not answer shutdown will not act on a disconnect either: no second grace.
      await this.terminate(session, answered);
    }
    this.setStatus({ status: 'stopped', detail });
  }

  dispose(): Promise<void> {
    this.statusListeners.clear();
    this.readyListeners.clear();
    return this.stop();
  }

  private start(delayMs: number): Promise<Session> {
    const attempt = (async () => {
      if (delayMs > 0) {
        this.pendingRestart = new AbortController();
        await sleep(delayMs, undefined, { signal: this.pendingRestart.signal });
        this.pendingRestart = undefined;
      }
      this.setStatus({ status: 'starting' });
      return this.spawn();
    })();
    this.starting = attempt;
    const clear = () => {
      if (this.starting === attempt) this.starting = undefined;
    };
    attempt.then(clear, clear);
    return attempt;
  }

  private async spawn(): Promise<Session> {
    const { modulePath, nodePath, env, log } = this.options;
    const child = fork(modulePath, [], sidecarSpawnOptions(process, nodePath, env));
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => log(line));
    }
    const rpc = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const session: Session = { child, rpc, connection: new Endpoint(rpc, 'extension', { lostCode: ErrorCodes.SidecarExited, peer: 'the Pylot sidecar' }) };
    for (const entry of this.notificationListeners.values()) this.dispatch(session.connection, entry);
    for (const { def, handler } of this.requestHandlers.values()) session.connection.onRequest(def, handler);
    this.session = session;
    const spawnFailed = new Promise<never>((_, reject) =>
      child.once('error', (error) => {
        session.intentional = true;
        reject(new PylotError(ErrorCodes.SidecarExited, `Could not start the sidecar with "${nodePath || process.execPath}": ${error.message}`));
        this.onExit(session, null, null);
      }),
    );
    child.once('exit', (code, signal) => this.onExit(session, code, signal));
    rpc.listen();

    try {
      const initialize = this.track(
        session.connection.request(
          Initialize,
          { protocolVersion: PROTOCOL_VERSION, client: this.options.client, settings: this.options.settings(), cacheDir: this.options.cacheDir },
          { timeoutMs: this.timing.initializeTimeoutMs },
        ),
      );
      session.info = await Promise.race([initialize, spawnFailed]);
    } catch (error) {
      const code = error instanceof PylotError ? error.code : ErrorCodes.InternalError;
      if (code === ErrorCodes.Timeout) {
        log(`Sidecar did not initialize within ${this.timing.initializeTimeoutMs} ms; killing it.`);
        child.kill('SIGKILL');
      } else if (code !== ErrorCodes.SidecarExited || session.intentional) {
        // A refusal (protocol mismatch, no usable llama.cpp binary) will not heal by restarting.
        session.intentional = true;
        await this.terminate(session);
        this.setStatus({ status: 'stopped', detail: error instanceof Error ? error.message : String(error) });
      }
      throw error;
    }
    session.heartbeat = this.startHeartbeat(session);
    this.setStatus({ status: 'ready' });
    for (const listener of this.readyListeners) listener(session.info);
    return session;
  }

  private startHeartbeat(session: Session): NodeJS.Timeout {
    let missed = 0;
    const timer = setInterval(() => {
      session.connection.request(Ping, null, { timeoutMs: this.timing.heartbeatTimeoutMs }).then(
        () => (missed = 0),
        () => {
          if (++missed < 2 || session !== this.session) return;
          this.options.log('Sidecar missed two heartbeats; killing it so it can be restarted.');
          session.child.kill('SIGKILL');
        },
      );
    }, this.timing.heartbeatIntervalMs);
    timer.unref();
    return timer;
  }

  private onExit(session: Session, code: number | null, signal: NodeJS.Signals | null): void {
    if (session !== this.session) return;
    this.session = undefined;
    clearInterval(session.heartbeat);
    session.rpc.dispose();
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    // Requests cut short by a stop we asked for were cancelled; anything else saw a crash.
    const failure = session.intentional
      ? new PylotError(ErrorCodes.Cancelled, 'The Pylot sidecar was stopped.')
      : new PylotError(ErrorCodes.SidecarExited, `The Pylot sidecar exited (${how}) while the request was in flight.`);
    for (const reject of this.inFlight) reject(failure);
    this.inFlight.clear();
    if (session.intentional) return;

    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < this.timing.crashWindowMs), now];
    this.options.log(`Sidecar crashed (${how}); ${this.crashTimes.length} crash(es) in the last ${Math.round(this.timing.crashWindowMs / 60_000)} min.`);
    if (this.crashTimes.length >= this.timing.crashLimit) {
      this.setStatus({
        status: 'stopped',
        detail: `it crashed ${this.crashTimes.length} times in ${Math.round(this.timing.crashWindowMs / 60_000)} minutes (last: ${how})`,
        gaveUp: true,
      });
      return;
    }
    const delays = this.timing.restartDelaysMs;
    const delay = delays[Math.min(this.crashTimes.length - 1, delays.length - 1)] ?? 0;
    this.setStatus({ status: 'restarting', detail: `it crashed (${how}); restarting in ${delay} ms` });
    this.start(delay).catch((error: unknown) => this.options.log(`Sidecar restart failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  /**
   * Disconnects (a responsive sidecar exits on that), then SIGTERM, which ends the sidecar even
   * while its event loop is blocked (it keeps no listener for it), then SIGKILL as the last word.
   */
  private async terminate(session: Session, graceful = true): Promise<void> {
    const { child } = session;
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.disconnect();
    const termAt = graceful ? this.timing.shutdownGraceMs : 0;
    const timers = [setTimeout(() => child.kill('SIGTERM'), termAt), setTimeout(() => child.kill('SIGKILL'), termAt + this.timing.shutdownGraceMs)];
    await exited;
    for (const timer of timers) clearTimeout(timer);
  }

  /** Makes a request fail with a typed error if the process dies before it is answered. */
  private track<T>(request: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.inFlight.add(reject);
      request.then(resolve, reject).finally(() => this.inFlight.delete(reject));
    });
  }

  private setStatus(change: StatusChange): void {
    this.current = change;
    for (const listener of this.statusListeners) listener(change);
  }
}
