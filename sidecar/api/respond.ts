// How the loopback API answers: JSON bodies, OpenAI-shaped errors, and server-sent events. Writes
// to a client that went away are dropped, never thrown.
import type { ServerResponse } from 'node:http';

export type ErrorType = 'authentication_error' | 'invalid_request_error' | 'not_found_error' | 'rate_limit_error' | 'server_error' | 'not_implemented_error';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return void (res.writableEnded || res.end());
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function sendError(res: ServerResponse, status: number, type: ErrorType, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { error: { message, type, code: status } }, headers);
}

/** An SSE stream: `data: {json}` events, `data: [DONE]` for the OpenAI routes. */
export class EventStream {
  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
  }

  send(data: unknown): void {
    if (!this.res.writableEnded && !this.res.destroyed) this.res.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  end(done = true): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.res.end(done ? 'data: [DONE]\n\n' : undefined);
  }
}
