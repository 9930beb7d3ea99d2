// HTTP to one server profile over node:http: keep-alive connections, a connect timeout, a read
// timeout (idle time while waiting for the answer or its next chunk), retries with backoff on
// connection failures and on 503 (llama-server's answer while it loads a model), and failures
// turned into messages that name the profile and say what to do — never its API key.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type * as z from 'zod/mini';
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import { serverProfileDefaults } from '../../../protocol/settings';
import type { ModelSource } from '../../../protocol/sidecar';
import { log } from '../../log';

export type ServerSource = Extract<ModelSource, { kind: 'server' }>;

/** What a profile that leaves them out gets (pylot.servers). */
const defaults = serverProfileDefaults;
const firstBackoffMs = 250;
const maxBackoffMs = 4000;
const maxBodyChars = 64 << 20;

type FailureKind = 'refused' | 'dns' | 'reset' | 'stale' | 'unreachable' | 'connectTimeout' | 'readTimeout' | 'tls' | 'notHttp' | 'other';

/** Kept-alive connections the server had already closed, tried again at once (a pool holds few). */
const maxStaleRetries = 4;

/** Nothing usable came back: no connection, no answer in time, or not HTTP. */
class ConnectionFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    detail: string = kind,
  ) {
    super(detail);
  }

  get retryable(): boolean {
    return !['dns', 'readTimeout', 'tls', 'notHttp'].includes(this.kind);
  }
}

/** An answer whose status line and headers arrived; its body is read once, by `read` or `text`. */
export class Answer {
  constructor(
    private readonly http: ServerHttp,
    /** e.g. 'POST /infill', for messages. */
    readonly request: string,
    private readonly response: IncomingMessage,
    private readonly timedOut: () => boolean,
    private readonly signal: AbortSignal,
  ) {}

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  get contentType(): string {
    return this.response.headers['content-type'] ?? '';
  }

  /**
   * Hands each body chunk to `onChunk` until it returns true (the caller has what it needs; the
   * rest drains so the connection can be reused) or the body ends. Resolves whether the caller
   * stopped it; rejects with a PylotError when the body is cut short or stalls.
   */
  read(onChunk: (chunk: string) => boolean): Promise<boolean> {
    const response = this.response;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        outcome();
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (settled) return;
        try {
          if (onChunk(chunk)) settle(() => resolve(true));
        } catch (error) {
          settle(() => reject(error));
          response.destroy();
        }
      });
      response.once('end', () => settle(() => resolve(false)));
      response.once('error', () => settle(() => reject(this.cutShort())));
      response.once('close', () => settle(() => (response.complete ? resolve(false) : reject(this.cutShort()))));
    });
  }

  async text(limit = maxBodyChars): Promise<string> {
    let text = '';
    await this.read((chunk) => {
      text += chunk;
      if (text.length > limit) throw this.http.garbage(this.request, `an answer over ${limit >> 20} MiB`);
      return false;
    });
    return text;
  }

  /** Lets the body go unread. */
  discard(): void {
    this.response.resume();
  }

  private cutShort(): PylotError {
    const { label, readTimeoutMs } = this.http;
    if (this.signal.aborted) return this.http.cancelled(this.request);
    if (this.timedOut()) {
      return new PylotError(
        ErrorCodes.EngineFailed,
        `${label} stopped sending for ${readTimeoutMs} ms in the middle of its answer (${this.request}). It may be overloaded or stuck; raise readTimeoutMs in the profile if it is just slow.`,
      );
    }
    return new PylotError(ErrorCodes.EngineFailed, `${label} closed the connection mid-stream (${this.request}). Is it still running? Its log may say why.`);
  }
}

export interface SendOptions {
  /** Instead of the profile's retries. */
  readonly retries?: number;
  /** The answer is an event stream. */
  readonly stream?: boolean;
}

export class ServerHttp {
  /** e.g. 'llama-server "local" at http://127.0.0.1:8080', the way every message names the server. */
  readonly label: string;
  /** The base URL without credentials, query or trailing slash. */
  readonly location: string;
  private readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  private readonly retries: number;
  private readonly base: URL;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;

  constructor(private readonly source: ServerSource) {
    const kind = source.api === 'llama-server' ? 'llama-server' : 'OpenAI-compatible server';
    let base: URL | undefined;
    try {
      base = new URL(source.baseUrl);
    } catch {
      // Left undefined: reported below.
    }
    if (!base || (base.protocol !== 'http:' && base.protocol !== 'https:')) {
      throw new PylotError(
        ErrorCodes.ModelLoadFailed,
        `The baseUrl of ${kind} "${source.name}" is not an http(s) URL: ${JSON.stringify(source.baseUrl)}. Use e.g. http://127.0.0.1:8080.`,
      );
    }
    const shown = new URL(base.href);
    shown.username = shown.password = shown.search = shown.hash = '';
    this.location = shown.href.replace(/\/+$/, '');
    // Callers give paths from the server's root ('/v1/models', '/tokenize'), so a baseUrl ending
    // in /v1, as OpenAI clients expect it, stands for its parent.
    base.pathname = base.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.base = base;
    this.label = `${kind} "${source.name}" at ${this.location}`;
    this.connectTimeoutMs = source.connectTimeoutMs ?? defaults.connectTimeoutMs;
    this.readTimeoutMs = source.readTimeoutMs ?? defaults.readTimeoutMs;
    this.retries = source.retries ?? defaults.retries;
    this.transport = base.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true });
  }

  /** `path` under the base URL's own path (a proxy prefix such as /api stays). */
  private url(path: string): URL {
    const url = new URL(this.base.href);
    url.pathname = url.pathname.replace(/\/+$/, '') + path;
    return url;
  }

  /**
   * Sends one request. Connection failures and 503 answers are retried with exponential backoff,
   * `retries` times; any other answer is returned whatever its status.
   */
  async send(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal, options: SendOptions = {}): Promise<Answer> {
    const request = `${method} ${path}`;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const retries = options.retries ?? this.retries;
    let stale = 0;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw this.cancelled(request);
      let answer: Answer | undefined;
      let failure: ConnectionFailure | undefined;
      try {
        answer = await this.attempt(method, path, request, payload, signal, options.stream === true);
      } catch (error) {
        if (signal.aborted) throw this.cancelled(request);
        if (!(error instanceof ConnectionFailure)) throw error;
        failure = error;
      }
      if (failure?.kind === 'stale' && stale++ < maxStaleRetries) {
        attempt--;
        continue;
      }
      if (answer && answer.status !== 503) return answer;
      if (attempt >= retries || (failure && !failure.retryable)) {
        if (answer) return answer;
        throw this.unreachable(failure!, request, attempt + 1);
      }
      answer?.discard();
      const delay = Math.min(firstBackoffMs * 2 ** attempt, maxBackoffMs);
      log('debug', `${this.label}: ${failure ? failure.kind : 'still loading (503)'} on ${request}; retrying in ${delay} ms`);
      await sleep(delay, signal);
    }
  }

  /** A JSON request whose answer must be 2xx and match `schema`. */
  async json<S extends z.ZodMiniType>(method: 'GET' | 'POST', path: string, body: unknown, schema: S, signal: AbortSignal): Promise<z.infer<S>> {
    const answer = await this.send(method, path, body, signal);
    if (answer.status < 200 || answer.status >= 300) throw await this.statusError(answer);
    return this.check(schema, this.parseJson(await answer.text(), answer.request), answer.request);
  }

  parseJson(text: string, request: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      const start = text.trim().slice(0, 40);
      throw this.garbage(request, start ? `not JSON: ${JSON.stringify(start)}${text.trim().length > 40 ? '…' : ''}` : 'an empty answer');
    }
  }

  check<S extends z.ZodMiniType>(schema: S, value: unknown, request: string): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data as z.infer<S>;
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw this.garbage(request, `unexpected JSON — ${problems.join('; ')}`);
  }

  garbage(request: string, detail: string): PylotError {
    const api = this.source.api === 'llama-server' ? 'a llama-server' : 'an OpenAI-compatible server';
    return new PylotError(
      ErrorCodes.EngineFailed,
      `${this.label} sent an answer Pylot cannot read (${request}: ${this.redact(detail)}). Check that baseUrl points at ${api} and that the profile's api is right.`,
    );
  }

  /** The error for a non-2xx answer, with the server's own reason where it gives one. */
  async statusError(answer: Answer, unsupported?: string): Promise<PylotError> {
    const { status, request } = answer;
    const body = await answer.text(64 * 1024).catch(() => '');
    const reason = this.redact(serverReason(body));
    const named = `"${this.source.name}"`;
    switch (status) {
      case 401:
      case 403:
        return new PylotError(
          ErrorCodes.AuthFailed,
          this.source.apiKey
            ? `${this.label} rejected the API key (${status}). Set the right key for ${named} with "Pylot: Set Server API Key".`
            : `${this.label} requires an API key (${status}). Set one for ${named} with "Pylot: Set Server API Key".`,
        );
      case 404:
        return new PylotError(
          ErrorCodes.EngineFailed,
          `${this.label} has no ${request} endpoint (404). Check that baseUrl points at the server itself and that the profile's api is right.`,
        );
      case 501:
        return new PylotError(ErrorCodes.Unsupported, unsupported ?? `${this.label} cannot serve ${request}: ${reason}`);
      case 503:
        return new PylotError(
          ErrorCodes.EngineFailed,
          `${this.label} is still loading its model (503, ${this.retries + 1} attempts). Try again when it is ready.`,
        );
      default:
        return new PylotError(ErrorCodes.EngineFailed, `${this.label} answered ${status} to ${request}${reason ? `: ${reason}` : '.'}`);
    }
  }

  cancelled(request: string): PylotError {
    return new PylotError(ErrorCodes.Cancelled, `${request} to ${this.label} was cancelled.`);
  }

  /** The API key must never leave in a message, whatever a server or Node put in one. */
  redact(text: string): string {
    const secrets = [this.source.apiKey, this.base.password].filter((s): s is string => !!s && s.length >= 4);
    return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  }

  destroy(): void {
    this.agent.destroy();
  }

  private attempt(method: string, path: string, request: string, payload: Buffer | undefined, signal: AbortSignal, stream: boolean): Promise<Answer> {
    return new Promise((resolve, reject) => {
      let failure: ConnectionFailure | undefined;
      const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
      if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(payload.length) });
      if (this.source.apiKey) headers.authorization = `Bearer ${this.source.apiKey}`;
      // llama-server hangs up after every streamed answer, though it offers keep-alive: a stream
      // that shares a connection would leave the next request a dead one.
      if (stream && this.source.api === 'llama-server') headers.connection = 'close';
      const req = this.transport.request(this.url(path), { method, headers, agent: this.agent, signal });
      const fail = (reason: ConnectionFailure) => {
        failure ??= reason;
        req.destroy(reason);
      };
      const connectTimer = setTimeout(() => fail(new ConnectionFailure('connectTimeout')), this.connectTimeoutMs);
      req.once('socket', (socket) => {
        if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
        else clearTimeout(connectTimer); // a kept-alive connection
      });
      // Armed once connected; idle time on the socket, so it covers the wait for headers and every chunk.
      req.setTimeout(this.readTimeoutMs, () => fail(new ConnectionFailure('readTimeout')));
      req.once('response', (response) => {
        clearTimeout(connectTimer);
        resolve(new Answer(this, request, response, () => failure?.kind === 'readTimeout', signal));
      });
      // Stays registered: errors after the answer arrived surface through its body instead.
      req.on('error', (error) => {
        clearTimeout(connectTimer);
        const code = (error as NodeJS.ErrnoException).code;
        // A kept-alive connection the server closed while it sat in the pool: not the server's fault.
        const stale = req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
        reject(failure ?? (stale ? new ConnectionFailure('stale') : classify(error)));
      });
      req.end(payload);
    });
  }

  private unreachable(failure: ConnectionFailure, request: string, attempts: number): PylotError {
    const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
    const reach = `Cannot reach ${this.label}`;
    const messages: Record<FailureKind, string> = {
      refused: `${reach}: connection refused${tries}. Is it running?`,
      dns: `${reach}: the host name does not resolve${tries}. Check the profile's baseUrl.`,
      reset: `${reach}: the connection was closed before an answer${tries}. Is it still running, and is baseUrl the right port?`,
      stale: `${reach}: every kept-alive connection was closed before an answer. Is it still running?`,
      unreachable: `${reach}: the network has no route to it${tries}. Check the address and your network.`,
      connectTimeout: `${reach}: no connection within ${this.connectTimeoutMs} ms${tries}. Is it running, and is the address right?`,
      readTimeout: `${this.label} did not answer ${request} within ${this.readTimeoutMs} ms. It may be overloaded or stuck; raise readTimeoutMs in the profile if it is just slow.`,
      tls: `${reach}: the TLS handshake failed (${failure.message}). Check the certificate, or whether the server speaks https at all.`,
      notHttp: `${this.label} did not answer in HTTP (${failure.message}). Is baseUrl the right port?`,
      other: `${reach}: ${failure.message}${tries}.`,
    };
    return new PylotError(ErrorCodes.EngineFailed, this.redact(messages[failure.kind]));
  }
}

function classify(error: Error): ConnectionFailure {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED') return new ConnectionFailure('refused');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ConnectionFailure(code === 'EAI_AGAIN' ? 'other' : 'dns', error.message);
  if (['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(code)) return new ConnectionFailure('reset');
  if (['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN'].includes(code)) return new ConnectionFailure('unreachable');
  if (code.startsWith('HPE_')) return new ConnectionFailure('notHttp', code);
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO/.test(code)) return new ConnectionFailure('tls', code);
  return new ConnectionFailure('other', error.message);
}

/** A server's own words for an error: `{error: {message}}` (llama-server, OpenAI), `{error: "…"}`, or plain text. */
function serverReason(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = parsed.error as { message?: unknown } | string | undefined;
    const message = typeof error === 'string' ? error : (error?.message ?? parsed.message ?? parsed.detail);
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // Not JSON: the text itself.
  }
  return body.trim().slice(0, 300);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
