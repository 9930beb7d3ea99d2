// Keeps the sidecar's models in line with the settings: loads on first need, hot-swaps when the
// setting changes, reloads after a sidecar restart, and remembers a model that failed so it is
// not retried on every keystroke. No `vscode` import (its events have the same shape), so the
// sidecar tests drive it against the real supervisor and process.
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import {
  LoadModel,
  ModelStateChanged,
  UnloadModel,
  type ModelInfo,
  type ModelSource,
  type ModelState,
  type PoolMemberHealth,
  type Role,
} from '../../protocol/sidecar';
import type { Sidecar } from '../sidecar/supervisor';

export interface RoleState {
  /** The setting's value: a .gguf path, `server:<profile>` or `catalog:<id>`. */
  readonly spec?: string;
  readonly state: ModelState | 'none';
  readonly progress?: number;
  readonly model?: ModelInfo;
  readonly error?: PylotError;
  /** A pool of servers: the profile that gave the last answer, and each server as the last look saw it. */
  readonly answeredBy?: string;
  readonly servers?: readonly PoolMemberHealth[];
}

export interface DesiredModel {
  readonly spec: string;
  readonly contextSize: number;
  /** What else a load depends on (fallback, draft, context size): changed, the model loads again even while a load of the same spec runs. */
  readonly variant?: string;
  /** Turns the spec (and the fallback's, and the draft model's) into sources; throws a PylotError the user can act on. */
  resolve(): Promise<{ source: ModelSource; fallback?: ModelSource; draft?: ModelSource }>;
}

/** vscode.Event's shape: subscribe, get back something to dispose. */
export type Event<T> = (listener: (value: T) => void) => { dispose(): void };

class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // Like vscode.EventEmitter: one failing listener neither stops the others nor the firer; the error still surfaces.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

export class ModelManager {
  private readonly states = new Map<Role, RoleState>();
  /** What a pool's answers and health checks said, for the spec they were about. */
  private readonly pools = new Map<Role, { spec: string; answeredBy?: string; servers?: readonly PoolMemberHealth[] }>();
  private readonly loads = new Map<Role, { spec: string; variant?: string; done: Promise<ModelInfo> }>();
  private readonly changed = new Emitter<Role>();
  private readonly failed = new Emitter<{ role: Role; error: PylotError }>();
  private readonly fellBack = new Emitter<{ role: Role; model: ModelInfo }>();
  private readonly draftUnused = new Emitter<{ role: Role; model: ModelInfo }>();
  readonly onDidChange = this.changed.event;
  /** A load failed for a reason the user must act on. */
  readonly onDidFail = this.failed.event;
  /** A role's fallback now serves instead of the model asked for: say so. */
  readonly onDidFallBack = this.fellBack.event;
  /** A draft model was set and the model runs without it (`model.draftUnused` says why): say so. */
  readonly onDidSkipDraft = this.draftUnused.event;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly sidecar: Sidecar,
    private readonly desired: (role: Role) => DesiredModel | undefined,
  ) {
    sidecar.onNotification(ModelStateChanged, (event) => {
      const current = this.states.get(event.role);
      if (event.state === 'loading' && current?.state === 'loading') this.set(event.role, { ...current, progress: event.progress });
    });
    this.unsubscribe.push(
      sidecar.onStatus(({ status, gaveUp }) => {
        if (status !== 'restarting' && status !== 'stopped') return;
        for (const [role, state] of this.states) {
          if (gaveUp && state.state === 'loading' && state.spec) {
            // The crash that made the supervisor give up came while this model loaded: the likeliest culprit.
            const error = new PylotError(
              ErrorCodes.ModelLoadFailed,
              `The Pylot sidecar kept crashing, the last time while loading ${state.spec}; the file may be corrupt or unsupported. Choose another model, or restart the sidecar to try again.`,
            );
            this.set(role, { spec: state.spec, state: 'error', error });
            this.failed.fire({ role, error });
          } else if (state.state === 'ready' || state.state === 'loading') {
            // Reloaded by onReady below once the sidecar is back.
            this.set(role, { spec: state.spec, state: 'unloaded' });
          }
        }
      }),
      // A restarted sidecar starts empty: bring back what was loaded before.
      sidecar.onReady(() => {
        for (const [role, state] of this.states) if (state.state === 'unloaded') void this.ensureLoaded(role).catch(() => undefined);
      }),
    );
  }

  state(role: Role): RoleState {
    const desired = this.desired(role);
    if (!desired) return { state: 'none' };
    const state = this.states.get(role);
    if (state?.spec !== desired.spec) return { spec: desired.spec, state: 'unloaded' };
    const pool = this.pools.get(role);
    return pool?.spec === desired.spec && state.state === 'ready' ? { ...state, answeredBy: pool.answeredBy, servers: pool.servers } : state;
  }

  /** A pool's server answered a request for the role (the status bar's tooltip says which). */
  noteAnswer(role: Role, server: string | undefined): void {
    const spec = this.states.get(role)?.spec;
    if (!server || spec === undefined || this.pools.get(role)?.answeredBy === server) return;
    this.pools.set(role, { ...this.pools.get(role), spec, answeredBy: server });
    this.changed.fire(role);
  }

  /** What a health check saw of each server of the role's pool. */
  noteServers(role: Role, servers: readonly PoolMemberHealth[]): void {
    const spec = this.states.get(role)?.spec;
    if (spec === undefined) return;
    this.pools.set(role, { ...this.pools.get(role), spec, servers });
    this.changed.fire(role);
  }

  /** Resolves with the loaded model, loading it (and starting the sidecar) on first need. */
  async ensureLoaded(role: Role, signal?: AbortSignal): Promise<ModelInfo> {
    const desired = this.desired(role);
    if (!desired) throw new PylotError(ErrorCodes.NoModel, `No ${role} model is set. Run "Pylot: Select Model…" to choose one.`);
    const current = this.state(role);
    if (current.state === 'ready' && current.model) return current.model;
    if (current.state === 'error' && current.error) throw current.error;
    let load = this.loads.get(role);
    if (load?.spec !== desired.spec || load.variant !== desired.variant) load = this.startLoad(role, desired);
    return signal ? raceAbort(load.done, signal) : load.done;
  }

  /** Applies a changed setting: swaps or unloads a running model; a stopped sidecar stays lazy. */
  async reconcile(role: Role): Promise<void> {
    const desired = this.desired(role);
    const running = this.sidecar.status.status === 'ready';
    if (!desired) {
      this.states.delete(role);
      this.changed.fire(role);
      if (running) await this.sidecar.request(UnloadModel, { role }).catch(() => undefined);
      return;
    }
    this.set(role, { spec: desired.spec, state: 'unloaded' });
    if (running) await this.ensureLoaded(role).catch(() => undefined);
  }

  /**
   * The role's server stopped answering: load again, so its fallback takes over if it has one
   * (else the role shows the error). A no-op unless the role runs on a server right now.
   */
  async serverDown(role: Role): Promise<void> {
    const desired = this.desired(role);
    const current = this.states.get(role);
    if (!desired || current?.state !== 'ready' || current.model?.engine === 'local' || this.loads.has(role)) return;
    await this.startLoad(role, desired, true).done.catch(() => undefined);
  }

  /** Forgets failures, e.g. after the user restarts the sidecar. */
  clearErrors(): void {
    for (const [role, state] of this.states) if (state.state === 'error') this.set(role, { spec: state.spec, state: 'unloaded' });
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.changed.dispose();
    this.failed.dispose();
    this.fellBack.dispose();
    this.draftUnused.dispose();
  }

  private startLoad(role: Role, desired: DesiredModel, reload = false): { spec: string; variant?: string; done: Promise<ModelInfo> } {
    const { spec, variant } = desired;
    // A load overtaken by a newer setting (another draft, say) leaves the role's state to the newer one.
    const stillWanted = () => this.desired(role)?.spec === spec && this.desired(role)?.variant === variant;
    this.set(role, { spec, state: 'loading', progress: 0 });
    const done = desired
      .resolve()
      .then(({ source, fallback, draft }) =>
        this.sidecar.request(LoadModel, { role, source, fallback, contextSize: desired.contextSize, reload, ...(draft && { draft }) }),
      )
      .then(
        (model) => {
          if (stillWanted()) {
            this.set(role, { spec, state: 'ready', model });
            if (model.fallbackFrom) this.fellBack.fire({ role, model });
            if (model.draftUnused) this.draftUnused.fire({ role, model });
          }
          return model;
        },
        (error: unknown) => {
          const failure = loadFailure(spec, error);
          if (failure.code === ErrorCodes.SidecarExited) {
            // Died under the load: the status listener above has already marked the role unloaded (a
            // restart reloads it) or failed (the supervisor gave up). Still loading means it never
            // started (the sidecar is stopped): kept as the role's error, so keystrokes do not retry
            // it until Restart clears it. Not reported: the sidecar's own state says why.
            const current = this.states.get(role);
            if (current?.spec === spec && current.state === 'loading') this.set(role, { spec, state: 'error', error: failure });
          } else if (failure.code === ErrorCodes.Cancelled) {
            // Cancelled by a newer load of the role (the sidecar keeps one per role): that one owns the state.
            if (this.states.get(role)?.spec === spec && this.loads.get(role)?.done === done) this.set(role, { spec, state: 'unloaded' });
          } else if (stillWanted()) {
            this.set(role, { spec, state: 'error', error: failure });
            this.failed.fire({ role, error: failure });
          }
          throw failure;
        },
      );
    const load = { spec, variant, done };
    this.loads.set(role, load);
    const forget = () => {
      if (this.loads.get(role) === load) this.loads.delete(role);
    };
    done.then(forget, forget);
    return load;
  }

  private set(role: Role, state: RoleState): void {
    this.states.set(role, state);
    this.changed.fire(role);
  }
}

function loadFailure(spec: string, error: unknown): PylotError {
  return error instanceof PylotError ? error : new PylotError(ErrorCodes.ModelLoadFailed, `Loading ${spec} failed: ${String(error)}`);
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new PylotError(ErrorCodes.Cancelled, 'Cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new PylotError(ErrorCodes.Cancelled, 'Cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
