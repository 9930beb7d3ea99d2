// Connections to server profiles that no role runs on, for VS Code's model list: one engine per
// profile (API key included, so a new key is a new connection), kept while the sidecar runs, a
// handful at most. A failed connection is not kept, so the next request tries again.

import type { Engine } from '../engine/engine';
import type { ServerSource } from '../engine/server/http';
import { connectServerEngine } from '../engine/server/connect';
import { withBrokenRuns } from '../engine/safeText';

/** Profiles are few; beyond this the least recently used connection is closed. */
const maxConnections = 16;
/** What an OpenAI-compatible server that does not say its context is assumed to have. */
const assumedContextSize = 4096;

export class ServerEngines {
  private readonly engines = new Map<string, Promise<Engine>>();

  get(source: ServerSource, signal: AbortSignal): Promise<Engine> {
    const key = JSON.stringify(source);
    let engine = this.engines.get(key);
    if (engine) this.engines.delete(key); // re-inserted below: the most recently used comes last
    engine ??= connectServerEngine('chat', source, signal, assumedContextSize).then(withBrokenRuns);
    this.engines.set(key, engine);
    engine.catch(() => {
      if (this.engines.get(key) === engine) this.engines.delete(key);
    });
    for (const [oldest, stale] of this.engines) {
      if (this.engines.size <= maxConnections) break;
      this.engines.delete(oldest);
      void stale.then((old) => old.dispose()).catch(() => undefined);
    }
    return engine;
  }

  async dispose(): Promise<void> {
    const engines = [...this.engines.values()];
    this.engines.clear();
    await Promise.all(engines.map((engine) => engine.then((e) => e.dispose()).catch(() => undefined)));
  }
}
