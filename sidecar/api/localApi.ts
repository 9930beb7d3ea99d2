// The loopback OpenAI-compatible API: an HTTP server on 127.0.0.1 only, off until the extension
// turns it on. Every request must carry the bearer token (compared in constant time) or gets a bare
// 401 before anything else is read; bodies and their JSON are bounded (hostile input gets 4xx, the
// sidecar stays up); work waits in the bounded queue (gate.ts), runs under the scheduler, and stops
// the moment its client disconnects. Routes are in routes.ts.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { LocalApiConfig, LocalApiState } from '../../protocol/localApi';
import { ErrorCodes, exceedsLimits, PylotError } from '../../protocol/rpc';
import type { Role } from '../../protocol/sidecar';
import type { Engine } from '../engine/engine';
import type { Priority, Scheduler } from '../engine/scheduler';
import { describeError, log } from '../log';
import type { ModelSlots } from '../models/slots';
import { Gate, QueueFullError } from './gate';
import { sendError, type ErrorType } from './respond';
import { routes, type RouteContext } from './routes';

/** Larger than any prompt a local context holds, small enough that a flood costs little. */
export const maxBodyBytes = 8 * 1024 * 1024;
const host = '127.0.0.1';
/** The editor's completions pre-empt API work on the completion and embedding models; it tries again this often. */
const preemptedRetries = 20;

export interface LocalApiDeps {
  readonly slots: Pick<ModelSlots, 'get'>;
  readonly scheduler: Scheduler;
}

export class LocalApi {
  private server: Server | undefined;
  private listening: { port: number; token: string } | undefined;
  private tokenDigest: Buffer | undefined;
  private error: string | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<AbortController>();
  private readonly gate = new Gate(0, () => this.changed());
  private notifyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: LocalApiDeps,
    private readonly notify: (state: LocalApiState) => void,
  ) {}

  get state(): LocalApiState {
    const address = this.server?.address();
    const url = address && typeof address === 'object' ? `http://${host}:${address.port}/v1` : undefined;
    return { ...(url ? { url } : {}), ...(this.error ? { error: this.error } : {}), ...this.gate.counts };
  }

  private configuring: Promise<unknown> = Promise.resolve();

  /** One change at a time: two overlapping starts on one port would refuse each other. */
  configure(config: LocalApiConfig): Promise<LocalApiState> {
    const next = this.configuring.then(() => this.configureNow(config));
    this.configuring = next.catch(() => undefined);
    return next;
  }

  private async configureNow(config: LocalApiConfig): Promise<LocalApiState> {
    this.gate.maxQueue = config.maxQueue;
    if (!config.enabled) {
      await this.close();
      return this.state;
    }
    if (!config.token) throw new PylotError(ErrorCodes.InvalidParams, 'The local API needs a token to start.');
    const same = this.listening && this.listening.token === config.token && (config.port === 0 || this.listening.port === config.port);
    if (same) return this.state;
    await this.close();
    this.tokenDigest = digest(config.token);
    const server = createServer((req, res) => void this.handle(req, res));
    server.headersTimeout = 10_000;
    server.requestTimeout = 60_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port: config.port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.error = code === 'EADDRINUSE' ? `Port ${config.port} on ${host} is in use; choose another with "pylot.localApi.port".` : describeError(error);
      log('warn', `Local API not started: ${this.error}`);
      this.changed();
      return this.state;
    }
    server.on('error', (error) => log('warn', `Local API: ${describeError(error)}`));
    this.server = server;
    this.error = undefined;
    const address = server.address();
    this.listening = { port: typeof address === 'object' && address ? address.port : config.port, token: config.token };
    log('info', `Local API listening on ${this.state.url}`);
    this.changed();
    return this.state;
  }

  /** Stops listening, ends every client's request and connection. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    this.tokenDigest = undefined;
    this.error = undefined;
    for (const client of this.clients) client.abort();
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    log('info', 'Local API stopped');
    this.changed();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const client = new AbortController();
    // The client went away (or the API stopped) before its answer was complete: stop its work.
    res.on('close', () => client.abort());
    try {
      if (!this.authorized(req)) return sendError(res, 401, 'authentication_error', 'Missing or wrong API token.', { 'www-authenticate': 'Bearer' });
      const path = new URL(req.url ?? '/', `http://${host}`).pathname.replace(/\/+$/, '');
      const route = routes[`${req.method} ${path}`] ?? routes[`${req.method} /v1${path}`];
      if (!route) return sendError(res, 404, 'not_found_error', `No route ${req.method} ${path}.`);
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      this.clients.add(client);
      await route(body, this.context(res, client.signal));
    } catch (error) {
      if (client.signal.aborted) return void res.destroy();
      const [status, type, message] = httpError(error);
      if (status === 500) log('warn', `Local API ${req.method} ${req.url}: ${message}`);
      if (res.headersSent) {
        // Mid-stream: say what went wrong in the stream's own terms, then end it.
        if (!res.writableEnded) res.end(`data: ${JSON.stringify({ error: { message, type } })}\n\n`);
      } else sendError(res, status, type, message);
    } finally {
      this.clients.delete(client);
    }
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = this.tokenDigest;
    const header = req.headers.authorization;
    if (!expected || typeof header !== 'string' || !/^Bearer /i.test(header)) return false;
    // Digests are equal-length, so the comparison takes the same time whatever was sent.
    return timingSafeEqual(digest(header.slice(7).trim()), expected);
  }

  private context(res: ServerResponse, signal: AbortSignal): RouteContext {
    return {
      res,
      signal,
      engine: (role) => this.deps.slots.get(role),
      run: async <T>(role: Role, task: (engine: Engine, signal: AbortSignal) => Promise<T>): Promise<T> => {
        const release = await this.gate.enter(role, signal);
        try {
          const engine = this.deps.slots.get(role);
          if (!engine) throw new PylotError(ErrorCodes.NoModel, `The ${role} model was unloaded.`);
          return await this.scheduled(role === 'chat' ? 'chat' : 'background', signal, (granted) => task(engine, granted));
        } finally {
          release();
        }
      },
    };
  }

  /** Chat runs beside the editor's completions; work on the completion and embedding models yields to them and runs again. */
  private async scheduled<T>(priority: Priority, signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.scheduler.run(priority, signal, task);
      } catch (error) {
        if (!(error instanceof PylotError && error.code === ErrorCodes.Preempted) || attempt >= preemptedRetries || signal.aborted) throw error;
      }
    }
  }

  /** At most one notification per 100 ms: a burst of clients is one status bar update. */
  private changed(): void {
    this.notifyTimer ??= setTimeout(() => {
      this.notifyTimer = undefined;
      this.notify(this.state);
    }, 100);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const tooLarge = () => {
    // Read and drop the rest (bounded by the server's requestTimeout), so the client reads the 413
    // instead of a connection reset in the middle of its upload.
    req.resume();
    return new HttpError(413, `The request body is larger than ${maxBodyBytes / (1024 * 1024)} MiB.`);
  };
  if (Number(req.headers['content-length']) > maxBodyBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw tooLarge();
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `The request body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const excess = exceedsLimits(value);
  if (excess) throw new HttpError(400, excess);
  return value;
}

function httpError(error: unknown): [number, ErrorType, string] {
  if (error instanceof HttpError) return [error.status, 'invalid_request_error', error.message];
  if (error instanceof QueueFullError) return [429, 'rate_limit_error', error.message];
  if (error instanceof PylotError) {
    switch (error.code) {
      case ErrorCodes.InvalidParams:
        return [400, 'invalid_request_error', error.message];
      case ErrorCodes.ModelNotFound:
        return [404, 'not_found_error', error.message];
      case ErrorCodes.Unsupported:
        return [400, 'invalid_request_error', error.message];
      case ErrorCodes.NoModel:
      case ErrorCodes.Preempted:
        return [503, 'server_error', error.message];
      default:
        return [500, 'server_error', error.message];
    }
  }
  return [500, 'server_error', describeError(error)];
}
