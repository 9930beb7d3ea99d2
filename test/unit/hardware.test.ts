import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultThreads, parseSystemInfo, simdLevel } from '../../sidecar/engine/hardware';

describe('hardware facts', () => {
  it("reads llama.cpp's system info into SIMD features, leaving build flags out", () => {
    const features = parseSystemInfo(
      'CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | AVX512 = 0 | LLAMAFILE = 1 | REPACK = 1 | ',
    );
    assert.deepEqual(features, ['SSE3', 'SSSE3', 'AVX', 'AVX2', 'F16C', 'FMA', 'BMI2']);
    assert.equal(simdLevel(features), 'AVX2');
  });

  it('ranks AVX-512 and NEON, and says "basic" when there is nothing', () => {
    assert.equal(simdLevel(parseSystemInfo('CPU : AVX = 1 | AVX2 = 1 | AVX512 = 1 | AVX512_VNNI = 1 |')), 'AVX512');
    assert.equal(simdLevel(parseSystemInfo('CPU : NEON = 1 | ARM_FMA = 1 | DOTPROD = 1 |')), 'NEON');
    assert.equal(simdLevel([]), 'basic');
  });

  it('leaves a core for the editor on small machines and uses physical cores on large ones', () => {
    assert.equal(defaultThreads(1, 0), 1);
    assert.equal(defaultThreads(2, 0), 1);
    assert.equal(defaultThreads(4, 0), 3);
    assert.equal(defaultThreads(16, 0), 8);
    assert.equal(defaultThreads(6, 0), 3);
  });

  it('leaves cores that are already busy alone', () => {
    assert.equal(defaultThreads(16, 8), 4);
    assert.equal(defaultThreads(8, 4.4), 3);
    assert.equal(defaultThreads(4, 10), 1);
  });
});
