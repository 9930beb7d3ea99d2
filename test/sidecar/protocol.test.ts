// The sidecar answers malformed and out-of-order messages with JSON-RPC errors and stays up.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { TypedConnection } from '../../extension/sidecar/connection';
import { ErrorCodes } from '../../protocol/rpc';
import { Infill, Initialize, LoadModel, Ping, PROTOCOL_VERSION } from '../../protocol/sidecar';
import { rejectsWithCode, sidecarModule, waitForExit } from './harness';

describe('sidecar contract boundary', () => {
  const child = fork(sidecarModule, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let rpc: MessageConnection;
  let connection: TypedConnection;

  before(() => {
    rpc = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    rpc.listen();
    connection = new TypedConnection(rpc);
  });
  after(async () => {
    rpc.dispose();
    child.disconnect();
    await waitForExit(child.pid!);
  });

  const initialize = (protocolVersion: string) =>
    connection.request(Initialize, { protocolVersion, client: { name: 'test', version: '0' }, settings: { threads: 2 } });

  it('refuses work before initialize', async () => {
    const error = await rejectsWithCode(connection.request(Infill, { prefix: 'a', suffix: 'b' }), ErrorCodes.NotInitialized);
    assert.match(error.message, /not been initialized/);
  });

  it('refuses a client speaking another major protocol version, with a message that says what to do', async () => {
    const error = await rejectsWithCode(initialize('2.0'), ErrorCodes.ProtocolMismatch);
    assert.match(error.message, /protocol 1\.\d+ .* 2\.0.*Reinstall/);
  });

  it('initializes with a hardware report', async () => {
    const result = await initialize(PROTOCOL_VERSION);
    assert.equal(result.protocolVersion, PROTOCOL_VERSION);
    assert.equal(result.server.pid, child.pid);
    assert.ok(['cpu', 'cuda', 'vulkan', 'metal'].includes(result.hardware.backend));
    assert.equal(result.hardware.cpu.threads, 2);
    assert.ok(result.hardware.ram.total > 0);
    assert.equal(result.hardware.engine.name, 'node-llama-cpp');
  });

  it('answers invalid params with InvalidParams naming the field', async () => {
    const error = await rejectsWithCode(rpc.sendRequest('completion/infill', { prefix: 42 }), ErrorCodes.InvalidParams);
    assert.match(error.message, /prefix/);
    assert.match(error.message, /suffix/);
    await rejectsWithCode(rpc.sendRequest('model/load', { role: 'nonsense', source: { kind: 'file', path: '/x.gguf' } }), ErrorCodes.InvalidParams);
    await rejectsWithCode(rpc.sendRequest('model/load', null), ErrorCodes.InvalidParams);
    await rejectsWithCode(rpc.sendRequest('completion/infill', { prefix: '', suffix: '', maxTokens: -5 }), ErrorCodes.InvalidParams);
  });

  it('answers an unknown method with MethodNotFound', async () => {
    await rejectsWithCode(rpc.sendRequest('model/explode', {}), ErrorCodes.MethodNotFound);
  });

  it('survives messages that are not JSON-RPC at all', async () => {
    child.send({ hello: 'world' });
    child.send('just a string');
    child.send([1, 2, 3]);
    child.send({ jsonrpc: '2.0', id: 99, method: 42 });
    const pong = await connection.request(Ping, null);
    assert.ok(pong.uptimeMs > 0);
    assert.equal(child.exitCode, null);
  });

  it('rejects a relative model path without touching the disk', async () => {
    const error = await rejectsWithCode(connection.request(LoadModel, { role: 'completion', source: { kind: 'file', path: 'models/x.gguf' } }), ErrorCodes.ModelNotFound);
    assert.match(error.message, /absolute/);
  });
});
