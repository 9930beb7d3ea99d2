// The sidecar's message guard as a pure function: what it forwards, answers and drops, and that its
// bounds hold without recursion however deep or wide a message is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, exceedsLimits, messageLimits } from '../../protocol/rpc';
import { inspect } from '../../sidecar/guard';

const none = new Set<string>();

describe('message guard', () => {
  it('forwards a well-formed request, notification and response, giving a missing params a null', () => {
    assert.deepEqual(inspect({ jsonrpc: '2.0', id: 1, method: 'm', params: { a: 1 } }, none), {
      kind: 'forward',
      message: { jsonrpc: '2.0', id: 1, method: 'm', params: { a: 1 } },
      requestKey: '1',
    });
    assert.deepEqual(inspect({ jsonrpc: '2.0', method: 'n' }, none), { kind: 'forward', message: { jsonrpc: '2.0', method: 'n', params: null } });
    assert.equal(inspect({ jsonrpc: '2.0', id: 'x', result: null }, none).kind, 'forward');
    assert.equal(inspect({ jsonrpc: '2.0', id: 3, error: { code: -1, message: 'no' } }, none).kind, 'forward');
  });

  it('unwraps one positional param (vscode-jsonrpc sends a null param as [null]) and refuses other positions', () => {
    const verdict = inspect({ id: 2, method: 'm', params: [null] }, none);
    assert.equal(verdict.kind === 'forward' && (verdict.message as { params: unknown }).params, null);
    for (const params of [[1, 2], [], ['s'], 's', 3, false]) {
      assert.deepEqual(pick(inspect({ id: 2, method: 'm', params }, none)), { kind: 'answer', id: 2, code: ErrorCodes.InvalidParams });
      assert.equal(inspect({ method: 'm', params }, none).kind, 'drop');
    }
  });

  it('refuses a second request with an id in flight, 1 and "1" being one id', () => {
    assert.deepEqual(pick(inspect({ id: '1', method: 'm' }, new Set(['1']))), { kind: 'answer', id: '1', code: ErrorCodes.InvalidRequest });
  });

  it('answers uncorrelatable ids and envelopes with a null id, never with an id of its own requests', () => {
    for (const raw of [null, 'text', 5, [], [{ id: 1, method: 'm' }], { id: null, method: 'm' }, { id: true, method: 'm' }, { id: 9 }, {}]) {
      assert.deepEqual(pick(inspect(raw, none)), { kind: 'answer', id: null, code: ErrorCodes.InvalidRequest }, JSON.stringify(raw));
    }
    assert.equal(inspect({ id: 9, result: 1, error: { code: 1, message: 'm' } }, none).kind, 'drop');
    assert.equal(inspect({ id: 9, error: { code: 'x', message: 'm' } }, none).kind, 'drop');
  });

  it('passes only cancellations that name an id among the $/ notifications', () => {
    assert.equal(inspect({ method: '$/cancelRequest', params: { id: 4 } }, none).kind, 'forward');
    for (const params of [undefined, null, {}, { id: null }, { id: [] }, 'x']) assert.equal(inspect({ method: '$/cancelRequest', params }, none).kind, 'drop');
    assert.equal(inspect({ method: '$/setTrace', params: { value: 'verbose' } }, none).kind, 'drop');
  });

  it('bounds depth, values and text iteratively', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    assert.match(exceedsLimits(deep) ?? '', /deeper than 64/);
    assert.match(exceedsLimits(new Array(messageLimits.maxValues + 1).fill(0)) ?? '', /more than 1,000,000 values/);
    assert.match(exceedsLimits({ text: 'x'.repeat(messageLimits.maxChars + 1) }) ?? '', /Mi characters/);
    assert.equal(exceedsLimits({ text: 'x'.repeat(2_000_000), changes: new Array(100_000).fill({ path: '/a', type: 'changed' }) }), undefined);
    const verdict = inspect({ id: 'd', method: 'm', params: deep }, none);
    assert.deepEqual(pick(verdict), { kind: 'answer', id: 'd', code: ErrorCodes.InvalidRequest });
  });
});

function pick(verdict: ReturnType<typeof inspect>) {
  return verdict.kind === 'answer' ? { kind: verdict.kind, id: verdict.id, code: verdict.code } : { kind: verdict.kind };
}
