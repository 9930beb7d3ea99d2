import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeltaBatcher } from '../../sidecar/completion/deltaBatcher';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeltaBatcher', () => {
  it('sends the first words at once, then one message per interval, in order, and the rest on flush', async () => {
    const sent: string[] = [];
    const batcher = new DeltaBatcher((text) => sent.push(text), 20);
    batcher.push('Here');
    assert.deepEqual(sent, ['Here'], 'the first words do not wait for a batch');
    batcher.push(' is');
    batcher.push(' how');
    assert.deepEqual(sent, ['Here']);
    await wait(40);
    batcher.push('.');
    batcher.flush();
    batcher.flush();
    assert.deepEqual(sent, ['Here', ' is how', '.']);
  });

  it('sends white space at once too until the first text that is not, then batches', async () => {
    const sent: string[] = [];
    const batcher = new DeltaBatcher((text) => sent.push(text), 20);
    for (const piece of ['\n', ' ', '\t\n']) batcher.push(piece);
    assert.deepEqual(sent, ['\n', ' ', '\t\n']);
    batcher.push('Sure');
    batcher.push('!');
    batcher.push('\n');
    assert.deepEqual(sent, ['\n', ' ', '\t\n', 'Sure']);
    await wait(40);
    assert.deepEqual(sent, ['\n', ' ', '\t\n', 'Sure', '!\n']);
    assert.equal(sent.join(''), '\n \t\nSure!\n', 'nothing lost or reordered');
  });

  it('an empty piece sends nothing', () => {
    const sent: string[] = [];
    const batcher = new DeltaBatcher((text) => sent.push(text), 20);
    batcher.push('');
    batcher.flush();
    assert.deepEqual(sent, []);
  });
});
