// Polls the servers roles run on (llama-server's /health, OpenAI-compatible /v1/models), so a
// server that goes down is noticed before the next completion fails: the role's fallback takes
// over, or the status bar shows the error. A pool's servers are each reported (the tooltip lists them).
import * as vscode from 'vscode';
import { ModelHealth, type Role } from '../../protocol/sidecar';
import type { Log } from '../log';
import type { Sidecar } from '../sidecar/supervisor';
import type { ModelManager } from './modelManager';

const roles: Role[] = ['completion', 'chat', 'embeddings'];

export class ServerHealthMonitor implements vscode.Disposable {
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly sidecar: Sidecar,
    private readonly models: ModelManager,
    private readonly log: Log,
    intervalMs = 15_000,
  ) {
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  async check(): Promise<void> {
    if (this.checking || this.sidecar.status.status !== 'ready') return;
    this.checking = true;
    try {
      for (const role of roles) {
        const model = this.models.state(role).model;
        if (!model || model.engine === 'local' || model.fallbackFrom) continue;
        const { state, servers } = await this.sidecar
          .request(ModelHealth, { role }, { timeoutMs: 5_000 })
          .catch(() => ({ state: 'down' as const, servers: undefined }));
        if (servers) this.models.noteServers(role, servers);
        if (state !== 'down') continue;
        this.log.warn(`${model.name} (${model.location}) for ${role} is not answering.`);
        await this.models.serverDown(role);
      }
    } finally {
      this.checking = false;
    }
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
