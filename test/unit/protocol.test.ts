import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, parseOrThrow, PylotError } from '../../protocol/rpc';
import { Generate, Initialize, LoadModel, PROTOCOL_VERSION, sourceKey } from '../../protocol/sidecar';
import { formatBytes } from '../../protocol/units';
import { HostMessage, WebviewMessage } from '../../protocol/webview';

describe('the contract', () => {
  it('has a major.minor protocol version', () => {
    assert.match(PROTOCOL_VERSION, /^\d+\.\d+$/);
  });

  it('names every bad field in one error', () => {
    assert.throws(
      () => parseOrThrow(Generate.params, { role: 'completion', infill: { prefix: 1 }, maxTokens: 0 }, 'generate params'),
      (error: unknown) =>
        error instanceof PylotError &&
        error.code === ErrorCodes.InvalidParams &&
        /prefix: .*expected string/.test(error.message) &&
        /suffix: /.test(error.message) &&
        /maxTokens: /.test(error.message),
    );
  });

  it('accepts a well-formed request and fills nothing in', () => {
    const params = parseOrThrow(LoadModel.params, { role: 'completion', source: { kind: 'file', path: '/m.gguf' } }, 'load');
    assert.deepEqual(params, { role: 'completion', source: { kind: 'file', path: '/m.gguf' } });
  });

  it('lets a newer peer add fields without breaking an older one', () => {
    const params = parseOrThrow(Initialize.params, { protocolVersion: '1.1', client: { name: 'x', version: '1' }, settings: {}, futureField: true }, 'init');
    assert.equal(params.protocolVersion, '1.1');
  });

  it('rejects a context size outside what llama.cpp can take', () => {
    assert.throws(() => parseOrThrow(LoadModel.params, { role: 'chat', source: { kind: 'file', path: '/m.gguf' }, contextSize: 10 }, 'load'), PylotError);
  });

  it('identifies sources without their secrets', () => {
    assert.equal(sourceKey({ kind: 'file', path: '/m.gguf' }), '/m.gguf');
    const key = sourceKey({ kind: 'server', api: 'llama-server', name: 'gpu-box', baseUrl: 'http://10.0.0.2:8080', apiKey: 'sk-secret' });
    assert.equal(key, 'llama-server:gpu-box@http://10.0.0.2:8080');
    assert.ok(!key.includes('secret'));
  });

  it('validates webview messages in both directions', () => {
    assert.equal(WebviewMessage.safeParse({ type: 'command', command: 'restartSidecar' }).success, true);
    assert.equal(WebviewMessage.safeParse({ type: 'command', command: 'rm -rf /' }).success, false);
    assert.equal(WebviewMessage.safeParse({ type: 'nonsense' }).success, false);
    assert.equal(HostMessage.safeParse({ type: 'state', state: { sidecar: { status: 'ready' }, roles: [] } }).success, true);
    assert.equal(HostMessage.safeParse({ type: 'state', state: { sidecar: { status: 'exploded' }, roles: [] } }).success, false);
  });

  it('formats sizes for people', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(137_438_953_472), '128.0 GiB');
  });
});
