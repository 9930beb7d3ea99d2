// The models the sidecar holds, one per role, each with its own context sequence. Loading a model
// for a role frees that role's previous model first, and every state change is announced.
import type { LlamaCompletion, LlamaContext, LlamaModel } from 'node-llama-cpp';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { ModelInfo, ModelStateChanged, Role } from '../../protocol/sidecar';
import type { ParamsOf } from '../../protocol/rpc';
import type { Runtime } from '../engine/runtime';
import { describeError, log } from '../log';
import { inspectModel, planLoad } from './inspect';

export interface LoadedModel {
  readonly info: ModelInfo;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly completion: LlamaCompletion;
  /** Aborted when the model is unloaded, so generations on it stop first. */
  readonly lifetime: AbortController;
}

const defaultContextSize = 4096;

interface PendingLoad {
  readonly path: string;
  readonly contextSize: number;
  readonly abort: AbortController;
  readonly done: Promise<ModelInfo>;
}

export class ModelSlots {
  private readonly loaded = new Map<Role, LoadedModel>();
  private readonly pending = new Map<Role, PendingLoad>();

  constructor(
    private readonly runtime: () => Promise<Runtime>,
    private readonly announce: (state: ParamsOf<typeof ModelStateChanged>) => void,
  ) {}

  get(role: Role): LoadedModel | undefined {
    return this.loaded.get(role);
  }

  async load(role: Role, path: string, requestedContext: number | undefined, signal: AbortSignal): Promise<ModelInfo> {
    const contextSize = requestedContext ?? defaultContextSize;
    const current = this.loaded.get(role);
    if (current && current.info.path === path && current.info.contextSize <= contextSize && !this.pending.has(role)) return current.info;
    const pending = this.pending.get(role);
    if (pending && pending.path === path && pending.contextSize === contextSize) return pending.done;
    pending?.abort.abort();

    const abort = new AbortController();
    signal.addEventListener('abort', () => abort.abort(), { once: true });
    const done = (async () => {
      await pending?.done.catch(() => undefined);
      return this.loadNow(role, path, contextSize, abort.signal);
    })();
    const entry = { path, contextSize, abort, done };
    this.pending.set(role, entry);
    try {
      return await done;
    } finally {
      if (this.pending.get(role) === entry) this.pending.delete(role);
    }
  }

  async unload(role: Role): Promise<void> {
    this.pending.get(role)?.abort.abort();
    await this.release(role);
  }

  async unloadAll(): Promise<void> {
    for (const role of [...new Set([...this.loaded.keys(), ...this.pending.keys()])]) await this.unload(role);
  }

  private async release(role: Role): Promise<void> {
    const current = this.loaded.get(role);
    if (!current) return;
    this.loaded.delete(role);
    current.lifetime.abort();
    await current.context.dispose();
    await current.model.dispose();
    this.announce({ role, state: 'unloaded' });
    log('info', `Unloaded ${current.info.name} (${role})`);
  }

  private async loadNow(role: Role, path: string, contextSize: number, signal: AbortSignal): Promise<ModelInfo> {
    this.announce({ role, state: 'loading', path, progress: 0 });
    try {
      const runtime = await this.runtime();
      const inspected = await inspectModel(runtime, path);
      const trainContextSize = inspected.insights.trainContextSize;
      const size = Math.min(contextSize, trainContextSize ?? contextSize);
      // Free the role's old model before measuring what fits: swapping must not need room for both.
      await this.release(role);
      const gpuLayers = await planLoad(runtime, inspected, size);
      const started = performance.now();
      const model = await runtime.llama.loadModel({
        modelPath: path,
        gpuLayers,
        loadSignal: signal,
        onLoadProgress: (progress) => this.announce({ role, state: 'loading', path, progress }),
      });
      let context: LlamaContext;
      try {
        context = await model.createContext({ contextSize: size, sequences: 1 });
      } catch (error) {
        await model.dispose();
        throw error;
      }
      const completion = new runtime.lib.LlamaCompletion({ contextSequence: context.getSequence() });
      const general = inspected.info.metadata.general;
      const fileType = general?.file_type;
      const info: ModelInfo = {
        role,
        path,
        name: general?.name || inspected.name,
        architecture: String(general?.architecture ?? 'unknown'),
        sizeBytes: inspected.sizeBytes,
        parameters: inspected.insights.totalParameters || undefined,
        quantization: fileType === undefined ? undefined : runtime.lib.GgufFileType[fileType]?.replace(/^MOSTLY_/, ''),
        trainContextSize,
        contextSize: context.contextSize,
        fim: completion.infillSupported,
        gpuLayers: model.gpuLayers,
        loadMs: Math.round(performance.now() - started),
      };
      this.loaded.set(role, { info, model, context, completion, lifetime: new AbortController() });
      this.announce({ role, state: 'ready', path, model: info });
      log('info', `Loaded ${info.name} (${role}) in ${info.loadMs} ms: ${info.architecture}, context ${info.contextSize}, ${info.gpuLayers} GPU layers`);
      return info;
    } catch (error) {
      const failure = asLoadError(path, error, signal);
      this.announce({ role, state: 'error', path, error: { code: failure.code, message: failure.message } });
      throw failure;
    }
  }
}

function asLoadError(path: string, error: unknown, signal: AbortSignal): PylotError {
  if (error instanceof PylotError) return error;
  if (signal.aborted) return new PylotError(ErrorCodes.Cancelled, `Loading ${path} was cancelled.`);
  const message = describeError(error);
  if (error instanceof Error && error.name === 'InsufficientMemoryError') {
    return new PylotError(ErrorCodes.ModelTooLarge, `Not enough memory to load ${path}: ${message}`);
  }
  return new PylotError(ErrorCodes.ModelLoadFailed, `llama.cpp could not load ${path}: ${message}`);
}
