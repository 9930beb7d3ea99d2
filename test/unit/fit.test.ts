// The catalog's numbers and verdicts: file sizes estimated from a model's shape, the memory it needs
// for a 4k context, and whether that fits a given machine — machines we do not have, described by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HardwareReport } from '../../protocol/sidecar';
import { catalog } from '../../sidecar/models/catalog';
import { estimateMemory, estimateSize, quantizations, type Quantization } from '../../sidecar/models/estimate';
import { fitVerdict } from '../../sidecar/models/fit';

const GiB = 2 ** 30;

function shapeOf(id: string) {
  const model = catalog.find((entry) => entry.id === id);
  assert.ok(model, `catalog has ${id}`);
  return model.shape;
}

function need(id: string, quant: Quantization) {
  const shape = shapeOf(id);
  return estimateMemory(shape, estimateSize(shape, quant), 4096);
}

function machine(ram: { total: number; free?: number }, gpu?: { backend: HardwareReport['backend']; total: number; free?: number }) {
  return {
    backend: gpu?.backend ?? 'cpu',
    ram: { total: ram.total * GiB, free: (ram.free ?? ram.total * 0.8) * GiB },
    vram: gpu ? { total: gpu.total * GiB, free: (gpu.free ?? gpu.total) * GiB } : { total: 0, free: 0 },
  } satisfies Pick<HardwareReport, 'backend' | 'ram' | 'vram'>;
}

describe('model size estimates', () => {
  // Sizes of real files as published for them (the repos' file listings, quoted in public projects).
  const published: Array<[string, Quantization, number, string]> = [
    ['qwen2.5-coder-0.5b', 'Q4_K_M', 397_807_840, 'lmstudio-community/Qwen2.5-Coder-0.5B-GGUF'],
    ['qwen2.5-coder-7b', 'Q4_K_M', 4.68e9, 'QuantFactory/Qwen2.5-Coder-7B-GGUF'],
    ['nomic-embed-text-v1.5', 'Q8_0', 146_146_432, 'nomic-ai/nomic-embed-text-v1.5-GGUF'],
  ];
  for (const [id, quant, bytes, repo] of published) {
    it(`estimates ${repo} ${quant} within 2 % of its published size`, () => {
      const estimate = estimateSize(shapeOf(id), quant).fileBytes;
      assert.ok(Math.abs(estimate - bytes) / bytes < 0.02, `${estimate} vs ${bytes}`);
    });
  }

  it('counts parameters from the shape', () => {
    assert.equal(Math.round(estimateSize(shapeOf('qwen2.5-coder-7b'), 'Q8_0').parameters / 1e7) / 100, 7.62);
    assert.equal(Math.round(estimateSize(shapeOf('qwen2.5-coder-0.5b'), 'F16').parameters / 1e6), 494);
  });

  it('orders quantizations by size', () => {
    const shape = shapeOf('qwen2.5-coder-1.5b');
    const sizes = quantizations.map((q) => estimateSize(shape, q).fileBytes);
    assert.deepEqual(
      [...sizes].sort((a, b) => a - b),
      sizes,
    );
  });

  it('sizes the KV cache by KV heads: grouped-query attention is far cheaper than full multi-head', () => {
    const gqa = need('qwen2.5-coder-7b', 'Q4_K_M').kvCacheBytes; // 4 KV heads of 28
    const mha = need('deepseek-coder-6.7b-base', 'Q4_K_M').kvCacheBytes; // 32 of 32
    assert.equal(gqa, 2 * 28 * 4096 * 512 * 2);
    assert.equal(mha, 2 * GiB);
  });

  it('gives an embedding model no KV cache and caps the context at its training length', () => {
    const embed = need('nomic-embed-text-v1.5', 'Q8_0');
    assert.equal(embed.kvCacheBytes, 0);
    assert.ok(embed.totalBytes < 0.25 * GiB);
  });
});

describe('fit verdicts', () => {
  it('runs on the CPU when there is no GPU', () => {
    assert.deepEqual(fitVerdict(need('qwen2.5-coder-1.5b', 'Q8_0'), machine({ total: 16 })), { fit: 'cpu', gpuLayers: 0, fitsFreeMemory: true });
  });

  it('puts everything on a big GPU', () => {
    const verdict = fitVerdict(need('qwen2.5-coder-7b', 'Q8_0'), machine({ total: 32 }, { backend: 'cuda', total: 24 }));
    assert.deepEqual(verdict, { fit: 'gpu', gpuLayers: 28, fitsFreeMemory: true });
  });

  it('splits layers between a small GPU and RAM', () => {
    const verdict = fitVerdict(need('qwen2.5-coder-7b', 'Q4_K_M'), machine({ total: 16 }, { backend: 'vulkan', total: 4, free: 3.5 }));
    assert.equal(verdict.fit, 'partial');
    assert.ok(verdict.gpuLayers > 5 && verdict.gpuLayers < 28, `${verdict.gpuLayers} layers`);
  });

  it('judges by free VRAM, not total', () => {
    const busy = fitVerdict(need('qwen2.5-coder-1.5b', 'Q4_K_M'), machine({ total: 16 }, { backend: 'metal', total: 8, free: 0.1 }));
    assert.equal(busy.fit, 'cpu');
    const idle = fitVerdict(need('qwen2.5-coder-1.5b', 'Q4_K_M'), machine({ total: 16 }, { backend: 'metal', total: 8, free: 8 }));
    assert.equal(idle.fit, 'gpu');
  });

  it('ignores VRAM figures when the CPU backend runs', () => {
    assert.equal(fitVerdict(need('qwen2.5-coder-1.5b', 'Q4_K_M'), machine({ total: 16 }, { backend: 'cpu', total: 8 })).fit, 'cpu');
  });

  it('calls a model too large when RAM cannot hold it either, leaving room for the editor and the OS', () => {
    const tiny = machine({ total: 2, free: 1.5 });
    assert.equal(fitVerdict(need('qwen2.5-coder-0.5b', 'Q4_K_M'), tiny).fit, 'cpu');
    assert.equal(fitVerdict(need('qwen2.5-coder-1.5b', 'Q8_0'), tiny).fit, 'too-large');
    assert.deepEqual(fitVerdict(need('qwen2.5-coder-7b', 'Q8_0'), tiny), { fit: 'too-large', gpuLayers: 0, fitsFreeMemory: false });
  });

  it('is too large when even a partial offload leaves too much for RAM', () => {
    const verdict = fitVerdict(need('qwen2.5-coder-7b', 'Q8_0'), machine({ total: 4 }, { backend: 'cuda', total: 2 }));
    assert.equal(verdict.fit, 'too-large');
  });

  it('says when a model fits the machine but not the memory free right now', () => {
    assert.deepEqual(fitVerdict(need('qwen2.5-coder-3b', 'Q8_0'), machine({ total: 16, free: 2 })), { fit: 'cpu', gpuLayers: 0, fitsFreeMemory: false });
  });
});
