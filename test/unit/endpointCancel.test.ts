// A request the caller cancels ends as Cancelled on both sides, whatever the handler throws on its way
// out (an AbortError from an awaited signal): it is never logged as a handler bug. Other throws are.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { Endpoint } from '../../protocol/endpoint';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { Ping } from '../../protocol/sidecar';

function pair(onHandlerBug: (method: string, error: unknown) => void) {
  const toSidecar = new PassThrough();
  const toHost = new PassThrough();
  const hostSide = createMessageConnection(new StreamMessageReader(toHost), new StreamMessageWriter(toSidecar));
  const sidecarSide = createMessageConnection(new StreamMessageReader(toSidecar), new StreamMessageWriter(toHost));
  const host = new Endpoint(hostSide, 'extension', { lostCode: ErrorCodes.SidecarExited, peer: 'the sidecar' });
  const sidecar = new Endpoint(sidecarSide, 'sidecar', { lostCode: ErrorCodes.SidecarExited, peer: 'the host', onHandlerBug });
  hostSide.listen();
  sidecarSide.listen();
  return { host, sidecar, close: () => (hostSide.dispose(), sidecarSide.dispose()) };
}

test('a cancelled request whose handler throws an AbortError is Cancelled, not a bug', async () => {
  const bugs: string[] = [];
  const { host, sidecar, close } = pair((method) => bugs.push(method));
  let ended!: () => void;
  const handlerEnded = new Promise<void>((resolve) => (ended = resolve));
  sidecar.onRequest(Ping, (_params, signal) =>
    new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })).finally(ended),
  );
  const abort = new AbortController();
  const answer = host.request(Ping, null, { signal: abort.signal });
  setTimeout(() => abort.abort(), 20);
  await assert.rejects(answer, (error: unknown) => error instanceof PylotError && error.code === ErrorCodes.Cancelled);
  await handlerEnded;
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(bugs, []);
  close();
});

test('a handler that throws something other than a PylotError, uncancelled, is a bug and an InternalError', async () => {
  const bugs: string[] = [];
  const { host, sidecar, close } = pair((method) => bugs.push(method));
  sidecar.onRequest(Ping, () => Promise.reject(new TypeError('oops')));
  await assert.rejects(host.request(Ping, null), (error: unknown) => error instanceof PylotError && error.code === ErrorCodes.InternalError);
  assert.deepEqual(bugs, [Ping.method]);
  close();
});
