// The extension's half of the loopback API: the bearer token (random, kept in VS Code's
// SecretStorage, handed to the sidecar with every start), turning the API on and off as the
// settings say, its own status bar item (on, and how many clients it serves), and the commands
// that copy or replace the token. The server itself lives in the sidecar (sidecar/api/).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ConfigureLocalApi, LocalApiChanged, type LocalApiState } from '../../protocol/localApi';
import type { Role } from '../../protocol/sidecar';
import { message } from '../commands';
import type { Log } from '../log';
import type { ModelManager } from '../models/modelManager';
import type { PylotSettings } from '../settingsReader';
import type { Sidecar } from '../sidecar/supervisor';

const tokenSecret = 'pylot.localApi.token';
const roles: readonly Role[] = ['chat', 'completion', 'embeddings'];

export class LocalApiService implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pylot.localApi', vscode.StatusBarAlignment.Right, 99);
  private state: LocalApiState = { active: 0, queued: 0 };
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly sidecar: Sidecar,
    private readonly models: ModelManager,
    private readonly secrets: vscode.SecretStorage,
    private readonly settings: () => PylotSettings,
    private readonly log: Log,
  ) {
    this.item.name = 'Pylot Local API';
    this.item.command = 'pylot.copyLocalApiToken';
    const unsubscribe = [
      sidecar.onNotification(LocalApiChanged, (state) => this.show(state)),
      // A new sidecar process starts with the API off: turn it on again.
      sidecar.onReady(() => void this.apply()),
    ];
    this.disposables.push(
      { dispose: () => unsubscribe.forEach((off) => off()) },
      vscode.commands.registerCommand('pylot.copyLocalApiToken', () => this.copyToken()),
      vscode.commands.registerCommand('pylot.resetLocalApiToken', () => this.resetToken()),
    );
    this.show(this.state);
    if (settings().localApiEnabled) void this.apply();
  }

  /** What the status bar item says, for tests. */
  get text(): string {
    return this.item.text;
  }

  get current(): LocalApiState {
    return this.state;
  }

  /** Turns the API on or off as the settings say (and starts the sidecar and the roles' models if on). */
  async apply(): Promise<LocalApiState> {
    const { localApiEnabled: enabled, localApiPort: port, localApiMaxQueue: maxQueue } = this.settings();
    // Off, and never turned on in this sidecar: nothing to tell it.
    if (!enabled && !this.state.url) return this.show({ active: 0, queued: 0 });
    try {
      const state = await this.sidecar.request(ConfigureLocalApi, { enabled, port, maxQueue, ...(enabled ? { token: await this.token() } : {}) });
      if (state.error) this.log.warn(`Local API: ${state.error}`);
      else if (state.url) this.log.info(`Local API on ${state.url}`);
      // Clients get the models the roles have: load those that are set and not loaded yet.
      if (enabled) for (const role of roles) if (this.models.state(role).spec) void this.models.ensureLoaded(role).catch(() => undefined);
      return this.show(state);
    } catch (error) {
      this.log.error(`Local API: ${message(error)}`);
      return this.show({ active: 0, queued: 0, error: message(error) });
    }
  }

  private async token(): Promise<string> {
    const stored = await this.secrets.get(tokenSecret);
    if (stored && stored.length >= 32) return stored;
    const token = `pylot-${randomBytes(32).toString('base64url')}`;
    await this.secrets.store(tokenSecret, token);
    return token;
  }

  private async copyToken(): Promise<void> {
    await vscode.env.clipboard.writeText(await this.token());
    const where = this.state.url ? `Clients use ${this.state.url} as their base URL.` : 'Turn the API on with the setting pylot.localApi.enabled.';
    void vscode.window.showInformationMessage(`Pylot: the local API token is on the clipboard. ${where}`);
  }

  private async resetToken(): Promise<void> {
    await this.secrets.delete(tokenSecret);
    await this.token();
    if (this.settings().localApiEnabled) await this.apply();
    void vscode.window.showInformationMessage('Pylot: the local API has a new token; clients with the old one are refused.');
  }

  private show(state: LocalApiState): LocalApiState {
    this.state = state;
    const clients = state.active + state.queued;
    if (!this.settings().localApiEnabled) {
      this.item.text = '';
      this.item.hide();
      return state;
    }
    this.item.text = state.error ? '$(warning) API' : clients ? `$(broadcast) API · ${clients}` : '$(broadcast) API';
    this.item.tooltip = state.error
      ? `Pylot's local API is not running: ${state.error}`
      : state.url
        ? `Pylot's local API on ${state.url}: ${state.active} ${state.active === 1 ? 'client' : 'clients'} served now, ${state.queued} waiting. Click to copy the token.`
        : "Pylot's local API starts with the engine.";
    this.item.backgroundColor = state.error ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    return state;
  }

  dispose(): void {
    this.item.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
