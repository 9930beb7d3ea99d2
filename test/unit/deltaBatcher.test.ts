import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeltaBatcher } from '../../sidecar/completion/deltaBatcher';

describe('DeltaBatcher', () => {
  it('sends one message per interval, in order, and the rest on flush', async () => {
    const sent: string[] = [];
    const batcher = new DeltaBatcher((text) => sent.push(text), 20);
    batcher.push('a');
    batcher.push('b');
    await new Promise((resolve) => setTimeout(resolve, 40));
    batcher.push('c');
    batcher.flush();
    batcher.flush();
    assert.deepEqual(sent, ['ab', 'c']);
  });
});
