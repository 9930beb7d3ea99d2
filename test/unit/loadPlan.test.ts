// Memory-adaptive loading, decided from estimates before anything is allocated.
import assert from 'node:assert/strict';
import os from 'node:os';
import { describe, it } from 'node:test';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { InspectedModel } from '../../sidecar/engine/local/inspect';
import { planLoad } from '../../sidecar/engine/local/inspect';
import type { Runtime } from '../../sidecar/engine/runtime';

const cpuRuntime = { llama: { gpu: false }, contextOptions: { flashAttention: 'auto' }, lib: { GgmlType: {} } } as unknown as Runtime;

/** A model whose weights take `weights` bytes and whose context costs `perToken` bytes a token. */
function model(weights: number, perToken: number, trainContextSize = 32_768): InspectedModel {
  return {
    name: 'test.gguf',
    insights: {
      trainContextSize,
      estimateModelResourceRequirementsV2: async () => ({ cpuRam: weights, gpuVram: 0 }),
      estimateContextResourceRequirementsV2: async ({ contextSize }: { contextSize: number }) => ({ cpuRam: contextSize * perToken, gpuVram: 0 }),
    },
  } as unknown as InspectedModel;
}

describe('load planning', () => {
  it('keeps the requested context when it fits', async () => {
    const plan = await planLoad(cpuRuntime, model(1e6, 10), 4096, false);
    assert.deepEqual(plan, { gpuLayers: 0, contextSize: 4096 });
  });

  it("caps the context at the model's training context", async () => {
    const plan = await planLoad(cpuRuntime, model(1e6, 10, 2048), 8192, false);
    assert.equal(plan.contextSize, 2048);
  });

  it('halves a context that does not fit until it does, and says from what', async () => {
    // Room for weights and about 3,000 tokens of context.
    const free = os.freemem() - 512 * 2 ** 20;
    const weights = free / 2;
    const perToken = Math.floor(free / 2 / 3000);
    const plan = await planLoad(cpuRuntime, model(weights, perToken), 32_768, false);
    assert.equal(plan.contextSize, 2048);
    assert.equal(plan.shrunkFrom, 32_768);
  });

  it('does not count weights another role already holds', async () => {
    const free = os.freemem() - 512 * 2 ** 20;
    const plan = await planLoad(cpuRuntime, model(free, 1), 4096, true);
    assert.equal(plan.contextSize, 4096);
  });

  it('refuses what cannot fit even with a small context, saying what would', async () => {
    await assert.rejects(planLoad(cpuRuntime, model(os.freemem() * 4, 10), 4096, false), (error: unknown) => {
      assert.ok(error instanceof PylotError);
      assert.equal(error.code, ErrorCodes.ModelTooLarge);
      assert.match(
        error.message,
        /needs about .* 512-token context, but only .* is free\. Choose a smaller model or quantization \(weights up to about .* would fit\)/,
      );
      return true;
    });
  });
});
