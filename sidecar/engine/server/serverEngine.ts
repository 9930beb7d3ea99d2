// What both server engines share: one HTTP client per profile, requests that dispose() ends
// (it aborts them, waits for them to settle, then closes the connections), and alternatives asked
// for in one request where the server takes a count (`n_cmpl`, `n`), one after another where not.
import type { Capabilities, ModelInfo } from '../../../protocol/sidecar';
import { log } from '../../log';
import type { AlternativeOptions, GenerateOptions, Generation } from '../engine';
import type { ServerHttp } from './http';
import { RefusedError, streamGeneration, streamGenerations, type StreamRequest } from './streaming';

/** A completion request for `count` generations of the prompt (1: the plain request). */
export type CountedRequest = (options: GenerateOptions, count: number) => StreamRequest;

export abstract class ServerEngine {
  readonly capabilities: Capabilities;
  private readonly lifetime = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Whether the server gives several generations for one request; undefined until it was asked. */
  private countTaken: boolean | undefined;

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

  /**
   * The greedy first generation streamed on its own (the one the user may type through), then the
   * sampled alternatives in one request: the server reuses the prompt it cached for the first and
   * decodes them together. A server that refuses the count, or ignores it, is noted once (logged, not
   * shown) and asked one at a time from then on.
   */
  protected async alternatives(request: CountedRequest, options: GenerateOptions, more: AlternativeOptions): Promise<Generation[]> {
    const generations = [await this.generate(request(options, 1), options)];
    const sampled: GenerateOptions = { ...options, temperature: more.temperature, onText: more.onText };
    if (more.count > 1 && this.countTaken !== false && !options.signal.aborted) {
      try {
        const many = await this.track(streamGenerations(this.http, request(sampled, more.count), sampled, this.lifetime.signal, more.count));
        const taken = many.length >= more.count || options.signal.aborted;
        if (!taken) this.noCount(`it answered ${many.length} of the ${more.count} asked for in one request`);
        this.countTaken ??= taken;
        generations.push(...many);
      } catch (error) {
        if (!(error instanceof RefusedError)) throw error;
        this.noCount(`it refused ${more.count} in one request: ${error.message}`);
      }
    }
    while (generations.length <= more.count && !options.signal.aborted) generations.push(await this.generate(request(sampled, 1), sampled));
    return generations;
  }

  private noCount(why: string): void {
    if (this.countTaken === false) return;
    this.countTaken = false;
    log('info', `${this.http.label}: alternatives are asked for one at a time from now on (${why}).`);
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
