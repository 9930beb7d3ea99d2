// A tiny OpenAI-compatible chat server on loopback that replays scripted replies, one per chat
// request: the model behind the agent in the integration tests, so every step of a turn is known.
// It records each request's messages, so a test can see what the model was told.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedChatServer {
  readonly url: string;
  /** Queues the replies for the next chat requests; a function writes its reply from the request's messages. */
  reply(...texts: Array<string | ((messages: ReadonlyArray<{ role: string; content: string }>) => string)>): void;
  /** Drops the replies an earlier turn left unused. */
  clear(): void;
  /** The messages of every chat request so far. */
  readonly requests: Array<Array<{ role: string; content: string }>>;
  /** The tools (OpenAI `tools`) each chat request offered, by name; empty where it offered none. */
  readonly toolNames: string[][];
  /** This server as a `pylot.servers` profile called `name` (no retries: a test sees each failure). */
  profile(name: string): { name: string; api: 'openai-compatible'; baseUrl: string; model: string; retries: 0 };
  close(): Promise<void>;
}

export async function startScriptedChatServer(model = 'scripted-agent'): Promise<ScriptedChatServer> {
  const queue: Array<Parameters<ScriptedChatServer['reply']>[number]> = [];
  const requests: ScriptedChatServer['requests'] = [];
  const toolNames: string[][] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.method === 'GET' && request.url === '/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: model, context_length: 8192 }] }));
        return;
      }
      if (request.method === 'POST' && request.url === '/v1/chat/completions') {
        const parsed = JSON.parse(body) as { messages: Array<{ role: string; content: string }>; tools?: Array<{ function?: { name?: string } }> };
        requests.push(parsed.messages);
        toolNames.push((parsed.tools ?? []).map((tool) => String(tool.function?.name)));
        const next = queue.shift() ?? '{"answer": "(the script ran out)"}';
        const text = typeof next === 'function' ? next(parsed.messages) : next;
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(`data: ${JSON.stringify({ choices: [{ delta: { content: text }, finish_reason: null }] })}\n\n`);
        response.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: 'stop' }] })}\n\n`);
        response.end('data: [DONE]\n\n');
        return;
      }
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    reply: (...texts) => queue.push(...texts),
    clear: () => queue.splice(0),
    requests,
    toolNames,
    profile: (name) => ({ name, api: 'openai-compatible', baseUrl: url, model, retries: 0 }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
