// Keeps the sidecar's models in line with the settings: loads on first need, hot-swaps when the
// setting changes, reloads after a sidecar restart, and remembers a model that failed so it is
// not retried on every keystroke.
import * as vscode from 'vscode';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { LoadModel, ModelStateChanged, UnloadModel, type ModelInfo, type ModelState, type Role } from '../../protocol/sidecar';
import type { Sidecar } from '../sidecar/supervisor';

export interface RoleState {
  readonly path?: string;
  readonly state: ModelState | 'none';
  readonly progress?: number;
  readonly model?: ModelInfo;
  readonly error?: PylotError;
}

export interface DesiredModel {
  readonly path: string;
  readonly contextSize: number;
}

export class ModelManager implements vscode.Disposable {
  private readonly states = new Map<Role, RoleState>();
  private readonly loads = new Map<Role, { path: string; done: Promise<ModelInfo> }>();
  private readonly changed = new vscode.EventEmitter<Role>();
  private readonly failed = new vscode.EventEmitter<{ role: Role; error: PylotError }>();
  readonly onDidChange = this.changed.event;
  /** A load failed for a reason the user must act on. */
  readonly onDidFail = this.failed.event;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly sidecar: Sidecar,
    private readonly desired: (role: Role) => DesiredModel | undefined,
  ) {
    sidecar.onNotification(ModelStateChanged, (event) => {
      if (event.state === 'loading' && event.path === this.desired(event.role)?.path) {
        this.set(event.role, { path: event.path, state: 'loading', progress: event.progress });
      }
    });
    this.unsubscribe.push(
      sidecar.onStatus(({ status }) => {
        if (status === 'restarting' || status === 'stopped') {
          for (const [role, state] of this.states) if (state.state === 'ready' || state.state === 'loading') this.set(role, { path: state.path, state: 'unloaded' });
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
    return state?.path === desired.path ? state : { path: desired.path, state: 'unloaded' };
  }

  /** Resolves with the loaded model, loading it (and starting the sidecar) on first need. */
  async ensureLoaded(role: Role, signal?: AbortSignal): Promise<ModelInfo> {
    const desired = this.desired(role);
    if (!desired) throw new PylotError(ErrorCodes.NoModel, `No ${role} model is set. Run "Pylot: Select Model" to choose a .gguf file.`);
    const current = this.state(role);
    if (current.state === 'ready' && current.model) return current.model;
    if (current.state === 'error' && current.error) throw current.error;
    let load = this.loads.get(role);
    if (load?.path !== desired.path) load = this.startLoad(role, desired);
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
    this.set(role, { path: desired.path, state: 'unloaded' });
    if (running) await this.ensureLoaded(role).catch(() => undefined);
  }

  /** Forgets failures, e.g. after the user restarts the sidecar. */
  clearErrors(): void {
    for (const [role, state] of this.states) if (state.state === 'error') this.set(role, { path: state.path, state: 'unloaded' });
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.changed.dispose();
    this.failed.dispose();
  }

  private startLoad(role: Role, desired: DesiredModel): { path: string; done: Promise<ModelInfo> } {
    this.set(role, { path: desired.path, state: 'loading', progress: 0 });
    const done = this.sidecar.request(LoadModel, { role, path: desired.path, contextSize: desired.contextSize }).then(
      (model) => {
        if (this.desired(role)?.path === desired.path) this.set(role, { path: desired.path, state: 'ready', model });
        return model;
      },
      (error: unknown) => {
        const failure = loadFailure(desired.path, error);
        if (failure.code === ErrorCodes.Cancelled) {
          if (this.states.get(role)?.path === desired.path) this.set(role, { path: desired.path, state: 'unloaded' });
        } else if (this.desired(role)?.path === desired.path) {
          this.set(role, { path: desired.path, state: 'error', error: failure });
          this.failed.fire({ role, error: failure });
        }
        throw failure;
      },
    );
    const load = { path: desired.path, done };
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

function loadFailure(path: string, error: unknown): PylotError {
  const failure = error instanceof PylotError ? error : new PylotError(ErrorCodes.ModelLoadFailed, String(error));
  // Retrying a file that took the sidecar down would only crash it again.
  if (failure.code === ErrorCodes.SidecarExited) {
    return new PylotError(ErrorCodes.ModelLoadFailed, `The Pylot sidecar stopped while loading ${path}; the file may be corrupt or unsupported. (${failure.message})`);
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
