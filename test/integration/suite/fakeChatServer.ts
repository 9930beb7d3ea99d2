// A scripted OpenAI-compatible chat server on 127.0.0.1, run inside the extension host's test
// process: the sidecar's real openai-compatible engine talks to it over HTTP (json_schema and all),
// and each test queues the answers the "model" gives and reads back what it was asked.
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  readonly messages: Array<{ role: string; content: string }>;
  readonly response_format?: { type: string; json_schema?: { schema: unknown } };
}

interface Answer {
  readonly content: string;
  /** Resolves when the answer may go out (a test edits the document meanwhile, or cancels). */
  readonly release?: Promise<void>;
}

export interface FakeChatServer {
  readonly url: string;
  readonly model: string;
  /** Chat requests seen, in order. */
  readonly requests: ChatRequest[];
  /** Requests whose client hung up before the answer was sent. */
  readonly abandoned: number;
  answer(content: string | object, release?: Promise<void>): void;
  /** Resolves once `count` chat requests have arrived. */
  requested(count: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeChatServer(model = 'scripted-chat'): Promise<FakeChatServer> {
  const queue: Answer[] = [];
  const requests: ChatRequest[] = [];
  const waiters: Array<() => void> = [];
  let abandoned = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v1/models') return json(res, 200, { data: [{ id: model, context_length: 8192 }] });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(res, 404, { error: { message: 'not here' } });
      requests.push(JSON.parse(body) as ChatRequest);
      for (const wake of waiters.splice(0)) wake();
      const answer = queue.shift();
      if (!answer) return json(res, 500, { error: { message: 'the test queued no answer for this request' } });
      let gone = false;
      res.on('close', () => {
        if (!res.writableEnded) {
          gone = true;
          abandoned++;
        }
      });
      void (answer.release ?? Promise.resolve()).then(() => {
        if (!gone) stream(res, model, answer.content);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    model,
    requests,
    get abandoned() {
      return abandoned;
    },
    answer(content, release) {
      queue.push({ content: typeof content === 'string' ? content : JSON.stringify(content), release });
    },
    requested(count) {
      return new Promise((resolve) => {
        const check = () => (requests.length >= count ? resolve() : waiters.push(check));
        check();
      });
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The answer as an SSE stream of small deltas, the way real servers send it. */
function stream(res: ServerResponse, model: string, content: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  for (let at = 0; at < content.length; at += 16) res.write(chunk({ content: content.slice(at, at + 16) }, null));
  res.write(chunk({}, 'stop'));
  res.end('data: [DONE]\n\n');
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
