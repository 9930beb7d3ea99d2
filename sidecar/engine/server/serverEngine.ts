// What both server engines share: one HTTP client per profile, and requests that dispose() ends
// (it aborts them, waits for them to settle, then closes the connections).
import type { Capabilities, ModelInfo } from '../../../protocol/sidecar';
import type { GenerateOptions, Generation } from '../engine';
import type { ServerHttp } from './http';
import { streamGeneration, type StreamRequest } from './streaming';

export abstract class ServerEngine {
  readonly capabilities: Capabilities;
  private readonly lifetime = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    protected readonly http: ServerHttp,
    readonly info: ModelInfo,
  ) {
    this.capabilities = info.capabilities;
  }

  async dispose(): Promise<void> {
    this.lifetime.abort();
    await Promise.allSettled([...this.inFlight]);
    this.http.destroy();
  }

  protected generate(request: StreamRequest, options: GenerateOptions): Promise<Generation> {
    return this.track(streamGeneration(this.http, request, options, this.lifetime.signal));
  }

  /** `signal`, or the engine's own end. */
  protected signal(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, this.lifetime.signal]);
  }

  protected track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    work.then(
      () => this.inFlight.delete(work),
      () => this.inFlight.delete(work),
    );
    return work;
  }
}
