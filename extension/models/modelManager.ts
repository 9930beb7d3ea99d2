// Keeps the sidecar's models in line with the settings: loads on first need, hot-swaps when the
// setting changes, reloads after a sidecar restart, and remembers a model that failed so it is
// not retried on every keystroke.
import * as vscode from 'vscode';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { LoadModel, ModelStateChanged, UnloadModel, type ModelInfo, type ModelSource, type ModelState, type Role } from '../../protocol/sidecar';
import type { Sidecar } from '../sidecar/supervisor';

export interface RoleState {
  /** The setting's value: a .gguf path, `server:<profile>` or `catalog:<id>`. */
  readonly spec?: string;
  readonly state: ModelState | 'none';
  readonly progress?: number;
  readonly model?: ModelInfo;
  readonly error?: PylotError;
}

export interface DesiredModel {
  readonly spec: string;
  readonly contextSize: number;
  /** Turns the spec (and the fallback's) into sources; throws a PylotError the user can act on. */
  resolve(): Promise<{ source: ModelSource; fallback?: ModelSource }>;
}

export class ModelManager implements vscode.Disposable {
  private readonly states = new Map<Role, RoleState>();
  private readonly loads = new Map<Role, { spec: string; done: Promise<ModelInfo> }>();
  private readonly changed = new vscode.EventEmitter<Role>();
  private readonly failed = new vscode.EventEmitter<{ role: Role; error: PylotError }>();
  private readonly fellBack = new vscode.EventEmitter<{ role: Role; model: ModelInfo }>();
  readonly onDidChange = this.changed.event;
  /** A load failed for a reason the user must act on. */
  readonly onDidFail = this.failed.event;
  /** A role's fallback now serves instead of the model asked for: say so. */
  readonly onDidFallBack = this.fellBack.event;
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
      sidecar.onStatus(({ status }) => {
        if (status === 'restarting' || status === 'stopped') {
          for (const [role, state] of this.states) if (state.state === 'ready' || state.state === 'loading') this.set(role, { spec: state.spec, state: 'unloaded' });
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
    return state?.spec === desired.spec ? state : { spec: desired.spec, state: 'unloaded' };
  }

  /** Resolves with the loaded model, loading it (and starting the sidecar) on first need. */
  async ensureLoaded(role: Role, signal?: AbortSignal): Promise<ModelInfo> {
    const desired = this.desired(role);
    if (!desired) throw new PylotError(ErrorCodes.NoModel, `No ${role} model is set. Run "Pylot: Select Model…" to choose one.`);
    const current = this.state(role);
    if (current.state === 'ready' && current.model) return current.model;
    if (current.state === 'error' && current.error) throw current.error;
    let load = this.loads.get(role);
    if (load?.spec !== desired.spec) load = this.startLoad(role, desired);
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
  }

  private startLoad(role: Role, desired: DesiredModel, reload = false): { spec: string; done: Promise<ModelInfo> } {
    const { spec } = desired;
    this.set(role, { spec, state: 'loading', progress: 0 });
    const done = desired
      .resolve()
      .then(({ source, fallback }) => this.sidecar.request(LoadModel, { role, source, fallback, contextSize: desired.contextSize, reload }))
      .then(
        (model) => {
          if (this.desired(role)?.spec === spec) {
            this.set(role, { spec, state: 'ready', model });
            if (model.fallbackFrom) this.fellBack.fire({ role, model });
          }
          return model;
        },
        (error: unknown) => {
          const failure = loadFailure(spec, error);
          if (failure.code === ErrorCodes.Cancelled) {
            if (this.states.get(role)?.spec === spec) this.set(role, { spec, state: 'unloaded' });
          } else if (this.desired(role)?.spec === spec) {
            this.set(role, { spec, state: 'error', error: failure });
            this.failed.fire({ role, error: failure });
          }
          throw failure;
        },
      );
    const load = { spec, done };
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
  const failure = error instanceof PylotError ? error : new PylotError(ErrorCodes.ModelLoadFailed, String(error));
  // Retrying a file that took the sidecar down would only crash it again.
  if (failure.code === ErrorCodes.SidecarExited) {
    return new PylotError(ErrorCodes.ModelLoadFailed, `The Pylot sidecar stopped while loading ${spec}; the file may be corrupt or unsupported. (${failure.message})`);
  }
  return failure;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new PylotError(ErrorCodes.Cancelled, 'Cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new PylotError(ErrorCodes.Cancelled, 'Cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
