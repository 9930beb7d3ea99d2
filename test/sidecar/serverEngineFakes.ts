// Misbehaving servers for the server engines' failure paths: tiny servers of our own on 127.0.0.1
// that answer garbage, stall, close mid-stream or say 503 — what a real llama-server will not do
// on request, or accept no connection at all. Each closes every connection and process it made
// when stopped.
import { spawn } from 'node:child_process';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

export interface Fake {
  readonly url: string;
  /** Requests seen, as 'METHOD /path'. */
  readonly requests: string[];
  close(): Promise<void>;
}

export type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** An HTTP server answering each 'METHOD /path' with its route; anything else gets 404. */
export function fakeServer(routes: Record<string, Route>): Promise<Fake> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const key = `${req.method} ${req.url}`;
      requests.push(key);
      const route = routes[key];
      if (route) route(req, res, body);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":404,"message":"File Not Found"}}');
    });
  });
  return listen(server, requests);
}

/** Accepts connections and never says a word. */
export function silentServer(): Promise<Fake> {
  return listen(
    net.createServer(() => undefined),
    [],
  );
}

/** Answers every connection with `text`, which is not HTTP, and hangs up. */
export function notHttpServer(text: string): Promise<Fake> {
  return listen(
    net.createServer((socket) => socket.end(text)),
    [],
  );
}

/**
 * A listener whose accept queue is full, so a new connection never completes: a child process
 * listens with a backlog of 1, then blocks its event loop for good; two connections fill the queue.
 */
export async function fullBacklogServer(): Promise<Fake> {
  const source = `const server = require('node:net').createServer();
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  process.stdout.write(server.address().port + '\\n');
  setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 50);
});`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (data: Buffer) => resolve(Number(data.toString())));
    child.once('exit', () => reject(new Error('the full-backlog server exited')));
  });
  await new Promise((resolve) => setTimeout(resolve, 200)); // until its event loop is blocked
  const fillers = [0, 1].map(() => net.connect(port, '127.0.0.1').on('error', () => undefined));
  await Promise.all(fillers.map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
  return {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    close: async () => {
      for (const socket of fillers) socket.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid!, 'SIGKILL');
        await exited;
      }
    },
  };
}

export function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** Starts an event stream and writes `events` as `data:` lines; the caller decides how it ends. */
export function sse(res: ServerResponse, events: readonly unknown[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const event of events) res.write(`data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
}

/** /props of a llama-server with a 1024-token context and a chat template. */
export const llamaProps = { default_generation_settings: { n_ctx: 1024 }, model_path: '/models/fake.gguf', chat_template: '{{ messages }}' };

/** A llama-server at connect: /props, /v1/models, and the two capability probes (FIM yes, embeddings no). */
export function llamaRoutes(extra: Record<string, Route> = {}): Record<string, Route> {
  return {
    'GET /props': (_, res) => json(res, 200, llamaProps),
    'GET /v1/models': (_, res) => json(res, 200, { data: [{ id: 'fake' }] }),
    'POST /infill': (_, res) => json(res, 400, { error: { code: 400, message: 'bad input_extra' } }),
    'POST /v1/embeddings': (_, res) => json(res, 501, { error: { code: 501, message: 'no --embeddings' } }),
    ...extra,
  };
}

function listen(server: http.Server | net.Server, requests: string[]): Promise<Fake> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
