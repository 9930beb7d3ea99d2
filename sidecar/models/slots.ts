// The engine each role runs on: loading a role's model frees that role's previous one first, a
// fallback source takes over when the primary cannot be had, and every state change is announced.
import { ErrorCodes, PylotError, type ParamsOf } from '../../protocol/rpc';
import { settingDefaults } from '../../protocol/settings';
import { sourceKey, type ModelInfo, type ModelSource, type ModelStateChanged, type Role } from '../../protocol/sidecar';
import { createEngine } from '../engine/create';
import { withInfo, type Engine } from '../engine/engine';
import { ModelPool } from '../engine/local/modelPool';
import type { Runtime } from '../engine/runtime';
import { describeError, log } from '../log';

const defaultContextSize = settingDefaults.contextSize;

export interface LoadRequest {
  readonly role: Role;
  readonly source: ModelSource;
  readonly fallback?: ModelSource;
  readonly contextSize?: number;
  readonly reload?: boolean;
  /** A draft model for speculative decoding (chat); see engine/local/draftModel.ts. */
  readonly draft?: ModelSource;
}

interface PendingLoad {
  readonly key: string;
  readonly abort: AbortController;
  readonly done: Promise<ModelInfo>;
}

export class ModelSlots {
  private readonly engines = new Map<Role, Engine>();
  /** What each role's engine was loaded from, API keys included: a new key means a new connection. */
  private readonly loadedFrom = new Map<Role, string>();
  private readonly pending = new Map<Role, PendingLoad>();
  private readonly pool = new ModelPool();

  constructor(
    private readonly runtime: () => Promise<Runtime>,
    private readonly announce: (state: ParamsOf<typeof ModelStateChanged>) => void,
  ) {}

  /** Local models in memory; roles on one file share one. */
  get localModels(): number {
    return this.pool.size;
  }

  get(role: Role): Engine | undefined {
    return this.engines.get(role);
  }

  /** The role's engine, or a NoModel error that says how to get one. */
  require(role: Role): Engine {
    const engine = this.engines.get(role);
    if (!engine) throw new PylotError(ErrorCodes.NoModel, `No ${role} model is loaded. Set "pylot.models.${role}" to a .gguf file or a server.`);
    return engine;
  }

  async load(request: LoadRequest, signal: AbortSignal): Promise<ModelInfo> {
    const { role } = request;
    const key = loadKey(request);
    const current = this.engines.get(role);
    if (current && !request.reload && this.loadedFrom.get(role) === key && !this.pending.has(role)) return current.info;
    const pending = this.pending.get(role);
    if (pending?.key === key) return pending.done;
    pending?.abort.abort();

    const abort = new AbortController();
    signal.addEventListener('abort', () => abort.abort(), { once: true });
    const done = (async () => {
      await pending?.done.catch(() => undefined);
      return this.loadNow(request, abort.signal);
    })();
    const entry = { key, abort, done };
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
    for (const role of [...new Set([...this.engines.keys(), ...this.pending.keys()])]) await this.unload(role);
  }

  private async release(role: Role): Promise<void> {
    const engine = this.engines.get(role);
    if (!engine) return;
    this.engines.delete(role);
    this.loadedFrom.delete(role);
    await engine.dispose();
    // Model metadata read while loading is garbage now; collect it so the memory goes back too.
    (globalThis as { gc?: () => void }).gc?.();
    this.announce({ role, state: 'unloaded', key: engine.info.key });
    log('info', `Unloaded ${engine.info.name} (${role})`);
  }

  private async loadNow(request: LoadRequest, signal: AbortSignal): Promise<ModelInfo> {
    const { role, source, fallback } = request;
    const key = sourceKey(source);
    this.announce({ role, state: 'loading', key, progress: 0 });
    // Free the role's old model first: swapping must not need room for both.
    await this.release(role);
    try {
      return this.install(request, await this.start(request, source, signal));
    } catch (primaryError) {
      const primary = asLoadError(key, primaryError, signal);
      if (!fallback || primary.code === ErrorCodes.Cancelled) return this.fail(role, key, primary);
      log('warn', `${role}: ${primary.message} Falling back to ${sourceKey(fallback)}.`);
      try {
        const engine = await this.start(request, fallback, signal);
        const info: ModelInfo = { ...engine.info, key, fallbackFrom: { key, reason: primary.message } };
        return this.install(request, withInfo(engine, info));
      } catch (fallbackError) {
        const second = asLoadError(sourceKey(fallback), fallbackError, signal);
        return this.fail(role, key, new PylotError(primary.code, `${primary.message} The fallback failed too: ${second.message}`));
      }
    }
  }

  private start(request: LoadRequest, source: ModelSource, signal: AbortSignal): Promise<Engine> {
    const key = sourceKey(request.source);
    return createEngine(
      {
        role: request.role,
        source,
        contextSize: request.contextSize ?? defaultContextSize,
        ...(request.draft && { draft: request.draft }),
        signal,
        onProgress: (progress) => this.announce({ role: request.role, state: 'loading', key, progress }),
      },
      this.runtime,
      this.pool,
    );
  }

  private install(request: LoadRequest, engine: Engine): ModelInfo {
    const { role } = request;
    this.engines.set(role, engine);
    this.loadedFrom.set(role, loadKey(request));
    const { info } = engine;
    this.announce({ role, state: 'ready', key: info.key, model: info });
    log(
      'info',
      `Loaded ${info.name} (${role}, ${info.engine}) in ${info.loadMs} ms: context ${info.contextSize}${info.gpuLayers !== undefined ? `, ${info.gpuLayers} GPU layers` : ''}`,
    );
    return info;
  }

  private fail(role: Role, key: string, error: PylotError): never {
    this.announce({ role, state: 'error', key, error: { code: error.code, message: error.message } });
    throw error;
  }
}

/** Everything a load depends on; it holds API keys, so it is compared, never logged. */
function loadKey(request: LoadRequest): string {
  return JSON.stringify([request.source, request.fallback ?? null, request.contextSize ?? defaultContextSize, request.draft ?? null]);
}

function asLoadError(key: string, error: unknown, signal: AbortSignal): PylotError {
  if (error instanceof PylotError) return error;
  if (signal.aborted) return new PylotError(ErrorCodes.Cancelled, `Loading ${key} was cancelled.`);
  const message = describeError(error);
  if (error instanceof Error && error.name === 'InsufficientMemoryError') {
    return new PylotError(ErrorCodes.ModelTooLarge, `Not enough memory to load ${key}: ${message}`);
  }
  return new PylotError(ErrorCodes.ModelLoadFailed, `llama.cpp could not load ${key}: ${message}`);
}
