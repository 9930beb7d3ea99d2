// A stand-in for Hugging Face on 127.0.0.1, answering the requests node-llama-cpp's downloader makes
// (found by logging them): the manifest API `GET /v2/<user>/<repo>/manifests/<tag>` (with
// `User-Agent: llama-cpp`, it names the repo's GGUF file for a quantization), then
// `GET /<user>/<repo>/resolve/main/<file>?download=true`, which huggingface.co redirects to its CDN,
// where ipull first GETs the whole file to learn its size and whether ranges work, drops that
// response, and fetches byte ranges in parallel. Answers are throttled so that progress and
// cancellation can be observed; every response stops when its connection closes.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface HostedFile {
  /** `user/repo` */
  repo: string;
  file: string;
  /** The manifest tag (a quantization such as "Q8_0") that resolves to this file. */
  tag: string;
  data: Buffer;
  /** Each response stops after sending this many bytes but keeps its connection open: a stalled server. */
  stallAfter?: number;
  /** The manifest request is never answered: an unreachable hub that does not even fail. */
  silentManifest?: boolean;
}

export interface LoggedRequest {
  method: string;
  url: string;
  range?: string;
  status: number;
  /** Body bytes written for this request so far. */
  sent: number;
}

export interface FakeHub {
  /** Base URL, ending in "/": what the sidecar gets as its Hugging Face endpoint. */
  readonly url: string;
  readonly requests: LoggedRequest[];
  host(file: HostedFile): void;
  close(): Promise<void>;
}

const sliceBytes = 16 * 1024;

export async function startFakeHub(bytesPerSecond: number): Promise<FakeHub> {
  const files = new Map<string, HostedFile>();
  const requests: LoggedRequest[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const logged: LoggedRequest = {
      method: req.method ?? '',
      url: url.pathname + url.search,
      ...(req.headers.range ? { range: req.headers.range } : {}),
      status: 0,
      sent: 0,
    };
    requests.push(logged);
    const reply = (status: number, headers: Record<string, string | number> = {}, body = '') => {
      logged.status = status;
      res.writeHead(status, headers).end(body);
    };

    const manifest = /^\/v2\/([^/]+\/[^/]+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (manifest) {
      const [, repo, tag] = manifest.map(decodeURIComponent);
      const hosted = [...files.values()].find((f) => f.repo === repo && f.tag.toLowerCase() === tag!.toLowerCase());
      if (hosted?.silentManifest) return; // never answered; closed when the hub closes
      if (!hosted) return reply(404, { 'content-type': 'application/json' }, JSON.stringify({ error: 'Repository or tag not found' }));
      return reply(200, { 'content-type': 'application/json' }, JSON.stringify({ ggufFile: { rfilename: hosted.file } }));
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
    if (resolve && files.has(`${decodeURIComponent(resolve[1]!)}/${decodeURIComponent(resolve[2]!)}`)) {
      return reply(302, { location: `/cdn${url.pathname.slice(0, url.pathname.indexOf('/resolve/'))}/${resolve[2]}` });
    }
    const cdn = /^\/cdn\/(.+)$/.exec(url.pathname);
    const hosted = cdn ? files.get(decodeURIComponent(cdn[1]!)) : undefined;
    if (!hosted) return reply(404, {}, 'Entry not found');
    void serveFile(req, res, hosted, logged, bytesPerSecond);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    host: (file) => void files.set(`${file.repo}/${file.file}`, file),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

async function serveFile(req: IncomingMessage, res: ServerResponse, hosted: HostedFile, logged: LoggedRequest, bytesPerSecond: number): Promise<void> {
  const total = hosted.data.length;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const end = range?.[2] ? Math.min(Number(range[2]), total - 1) : total - 1;
  if (start > end) {
    logged.status = 416;
    res.writeHead(416, { 'content-range': `bytes */${total}` }).end();
    return;
  }
  logged.status = range ? 206 : 200;
  res.writeHead(logged.status, {
    'content-type': 'application/octet-stream',
    'content-length': end - start + 1,
    'accept-ranges': 'bytes',
    ...(range ? { 'content-range': `bytes ${start}-${end}/${total}` } : {}),
  });
  if (req.method === 'HEAD') return void res.end();
  const limit = hosted.stallAfter ?? Infinity;
  let closed = false;
  res.on('close', () => (closed = true));
  for (let at = start; at <= end && !closed; at += sliceBytes) {
    if (logged.sent >= limit) return; // stalled: headers and some bytes, then silence until the hub closes
    const slice = hosted.data.subarray(at, Math.min(at + sliceBytes, end + 1));
    logged.sent += slice.length;
    if (!res.write(slice)) await drained(res);
    await sleep((slice.length / bytesPerSecond) * 1000);
  }
  if (!closed) res.end();
}
