// Loads llama.cpp once per sidecar through node-llama-cpp: GPU autodetect with a CPU fallback that
// says why, prebuilt binaries only (a silent multi-minute source build is never acceptable), and an
// explicit thread count.
import os from 'node:os';
import type { Llama, LlamaGpuType } from 'node-llama-cpp';
import { settingDefaults } from '../../protocol/settings';
import type { GpuSetting, HardwareReport, SidecarSettings } from '../../protocol/sidecar';
import { cpuModel, defaultThreads, parseSystemInfo, simdLevel, visibleGpuDriver } from './hardware';
import { describeError, log } from '../log';

export type NodeLlamaCpp = typeof import('node-llama-cpp');

export interface Runtime {
  readonly llama: Llama;
  readonly lib: NodeLlamaCpp;
  readonly hardware: HardwareReport;
  /** Applied to every context the sidecar creates, and to its memory estimates. */
  readonly contextOptions: ContextOptions;
  /** Where measured model speeds are kept between starts (local/calibrate.ts); none: measured at every load. */
  readonly cacheDir?: string;
}

export interface ContextOptions {
  readonly flashAttention: 'auto' | boolean;
  readonly kvCacheType?: 'F16' | 'Q8_0' | 'Q4_0';
}

function contextOptions(settings: SidecarSettings): ContextOptions {
  const flashAttention = settings.flashAttention === 'on' ? true : settings.flashAttention === 'off' ? false : 'auto';
  const kvCacheType = settings.kvCacheType ? (settings.kvCacheType.toUpperCase() as ContextOptions['kvCacheType']) : undefined;
  return { flashAttention, kvCacheType };
}

export async function createRuntime(settings: SidecarSettings, cacheDir?: string): Promise<Runtime> {
  const lib = await import('node-llama-cpp');
  const threads = settings.threads || defaultThreads();
  const requested = settings.gpu ?? settingDefaults.gpu;
  const load = (gpu: 'auto' | LlamaGpuType) =>
    lib.getLlama({
      gpu,
      build: 'never',
      maxThreads: threads,
      logLevel: lib.LlamaLogLevel.warn,
      logger: (level, message) => log(level === 'error' || level === 'fatal' ? 'error' : 'warn', `llama.cpp: ${message.trimEnd()}`),
    });

  let llama: Llama;
  let gpuNotice: string | undefined;
  try {
    llama = await load(toLlamaGpu(requested));
  } catch (error) {
    if (requested === 'cpu') throw error;
    // A backend this package has no binaries for (CUDA is left out of the .vsix files) or whose
    // driver fails: any other GPU build that works (Vulkan runs on NVIDIA too), else the CPU.
    const other = requested === 'auto' ? undefined : await load('auto').catch(() => undefined);
    llama = other ?? (await load(false));
    const now = llama.gpu === false ? 'the CPU' : llama.gpu === 'metal' ? 'Metal' : llama.gpu === 'cuda' ? 'CUDA' : 'Vulkan';
    gpuNotice = `The ${requested === 'auto' ? 'GPU' : requested.toUpperCase()} backend could not be started (${describeError(error)}); running on ${now}.`;
    log('warn', gpuNotice);
  }
  if (!gpuNotice && llama.gpu === false) {
    const driver = visibleGpuDriver();
    if (requested !== 'cpu' && driver) gpuNotice = `An ${driver} GPU is present but no GPU build of llama.cpp could use it; running on the CPU.`;
  }
  return {
    llama,
    lib,
    hardware: await describeHardware(llama, await lib.getModuleVersion(), threads, gpuNotice),
    contextOptions: contextOptions(settings),
    cacheDir,
  };
}

function toLlamaGpu(setting: GpuSetting): 'auto' | LlamaGpuType {
  return setting === 'cpu' ? false : setting;
}

async function describeHardware(llama: Llama, version: string, threads: number, gpuNotice: string | undefined): Promise<HardwareReport> {
  const features = parseSystemInfo(llama.systemInfo);
  const vram = llama.gpu === false ? { total: 0, free: 0 } : await llama.getVramState();
  return {
    backend: llama.gpu === false ? 'cpu' : llama.gpu,
    gpuDevices: llama.gpu === false ? [] : await llama.getGpuDeviceNames(),
    ...(gpuNotice ? { gpuNotice } : {}),
    cpu: { model: cpuModel(), cores: os.availableParallelism(), threads, features, simd: simdLevel(features) },
    ram: { total: os.totalmem(), free: os.freemem() },
    vram: { total: vram.total, free: vram.free },
    platform: process.platform,
    arch: process.arch,
    engine: { name: 'node-llama-cpp', version, llamaCpp: llama.llamaCppRelease.release, buildType: llama.buildType },
  };
}
