// The debug-only timing channel of a chat turn (protocol/turnTiming.ts): the host stamps stages only
// when its process runs with PYLOT_TURN_TIMING=1, hands each turn's stamps over once, and the
// message that carries them is checked like every other.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatHostMessage } from '../../protocol/chat';
import { hostStages } from '../../protocol/turnTiming';

describe('turn timing', () => {
  it('the panel takes a turnTiming message with numeric stamps and nothing else', () => {
    const good = { type: 'turnTiming', turnId: 'w1', stamps: { received: 1_765_000_000_000.25, request: 1_765_000_000_004.5 } };
    assert.deepEqual(ChatHostMessage.parse(good), good);
    for (const bad of [
      { type: 'turnTiming', stamps: {} },
      { type: 'turnTiming', turnId: 'w1' },
      { type: 'turnTiming', turnId: 'w1', stamps: { received: '12' } },
      { type: 'turnTiming', turnId: 'w1', stamps: { received: null } },
      { type: 'turnTiming', turnId: 'w1', stamps: [1, 2] },
      { type: 'turnTiming', turnId: 7, stamps: {} },
    ])
      assert.equal(ChatHostMessage.safeParse(bad).success, false, JSON.stringify(bad));
  });

  it('with PYLOT_TURN_TIMING=1 the host stamps each stage once, in order, and hands them over once', async () => {
    process.env.PYLOT_TURN_TIMING = '1';
    // Loaded after the variable is set: the module reads it once.
    const { turnTiming } = await import('../../extension/chat/turnTiming');
    assert.equal(turnTiming.enabled, true);
    for (const stage of hostStages) turnTiming.mark('w1', stage);
    const firstReceived = turnTiming.take('w1')!.received!;
    for (const stage of hostStages) turnTiming.mark('w2', stage);
    turnTiming.mark('w2', 'received'); // a second time does not move it
    const stamps = turnTiming.take('w2')!;
    assert.deepEqual(Object.keys(stamps), [...hostStages]);
    const times = hostStages.map((stage) => stamps[stage]!);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'in the order they were passed',
    );
    assert.ok(times[0]! >= firstReceived);
    assert.equal(turnTiming.take('w2'), undefined, 'handed over once');
    // A turn that never got its first delta does not pile up: only the last few are kept.
    for (let i = 0; i < 50; i++) turnTiming.mark(`lost${i}`, 'received');
    assert.equal(turnTiming.take('lost0'), undefined);
    assert.ok(turnTiming.take('lost49'));
  });
});
