// What this machine offers the engine: CPU SIMD level, cores, RAM. Pure facts, no llama.cpp calls.
import os from 'node:os';
import fs from 'node:fs';

const simdOrder = ['AVX512', 'AVX2', 'AVX', 'SSE3', 'NEON'];

/** Reads llama.cpp's system-info line ("CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | …") into feature names. */
export function parseSystemInfo(systemInfo: string): string[] {
  const features = new Set<string>();
  for (const match of systemInfo.matchAll(/([A-Z][A-Z0-9_]*)\s*=\s*1/g)) {
    const name = match[1]!;
    // Only SIMD/ISA flags; llama.cpp also lists build features such as LLAMAFILE and REPACK.
    if (/^(SSE\d*|SSSE3|AVX\w*|FMA|F16C|BMI2|NEON|ARM_FMA|FP16_VA|SVE\w*|DOTPROD|MATMUL_INT8|AMX\w*|VSX|RVV)$/.test(name)) features.add(name);
  }
  return [...features];
}

export function simdLevel(features: readonly string[]): string {
  const has = (prefix: string) => features.some((f) => f === prefix || f.startsWith(`${prefix}_`));
  return simdOrder.find(has) ?? 'basic';
}

/**
 * llama.cpp's threads spin while they wait, so more threads than free cores slows generation down
 * badly (measured here: 100× on 2 vCPUs). Cores already busy (the load average) are left alone;
 * of the rest, small machines keep one for the editor and larger ones get one thread per physical
 * core, assuming two hardware threads per core.
 */
export function defaultThreads(logicalCores = os.availableParallelism(), loadAverage = os.loadavg()[0] ?? 0): number {
  const free = Math.max(1, logicalCores - Math.min(logicalCores - 1, Math.round(loadAverage)));
  if (free <= 4) return Math.max(1, free - 1);
  return Math.max(3, Math.floor(free / 2));
}

/** A GPU the driver exposes even though no GPU backend loaded: worth telling the user about. */
export function visibleGpuDriver(): string | undefined {
  if (process.platform === 'linux' && fs.existsSync('/dev/nvidia0')) return 'NVIDIA';
  if (process.platform === 'linux' && fs.existsSync('/dev/kfd')) return 'AMD';
  return undefined;
}

export function cpuModel(): string {
  return os.cpus()[0]?.model.trim() ?? os.arch();
}
