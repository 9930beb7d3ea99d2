// One typed end of the extension ⇄ sidecar channel, used by both processes in both directions:
// what leaves is validated against the contract (and held to the message limits), what arrives is
// validated before a handler sees it, a caller's AbortSignal becomes $/cancelRequest and the
// handler's AbortSignal, and every failure crosses as a JSON-RPC error with a code. Each method
// says which side sends it (protocol/rpc.ts); an end refuses to send what the other side sends.
import { CancellationTokenSource, ResponseError, type CancellationToken, type Disposable, type MessageConnection } from 'vscode-jsonrpc';
import { ErrorCodes, exceedsLimits, parseOrThrow, PylotError, type NotificationDef, type ParamsOf, type RequestDef, type ResultOf, type Side } from './rpc';

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export type RequestHandler<D extends RequestDef> = (params: ParamsOf<D>, signal: AbortSignal) => Promise<ResultOf<D>>;

export interface EndpointOptions {
  /** The code a request gets when the connection fails under it (the other process went away). */
  readonly lostCode: number;
  /** Who is at the other end, for messages: "the Pylot sidecar", "the extension host". */
  readonly peer: string;
  /** A handler failed with something that is not a PylotError: a bug worth logging. */
  readonly onHandlerBug?: (method: string, error: unknown) => void;
  /** A notification arrived that does not match the contract. */
  readonly onMalformed?: (method: string) => void;
}

export class Endpoint {
  constructor(
    private readonly connection: MessageConnection,
    readonly side: Side,
    private readonly options: EndpointOptions,
  ) {}

  async request<D extends RequestDef>(def: D, params: ParamsOf<D>, options: RequestOptions = {}): Promise<ResultOf<D>> {
    this.mustSend(def);
    const outgoing = this.outgoing(def, params);
    const { signal, timeoutMs } = options;
    if (signal?.aborted) throw cancelled(def.method);
    const source = new CancellationTokenSource();
    const sent = this.connection.sendRequest(def.method, outgoing, source.token);
    // Answer the caller at once on cancel or timeout; the late reply is dropped.
    const abandoned = new Promise<never>((_, reject) => {
      const onAbort = () => {
        source.cancel();
        reject(cancelled(def.method));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              source.cancel();
              reject(
                new PylotError(ErrorCodes.Timeout, `${capitalized(this.options.peer)} did not answer ${def.method} within ${Math.round(timeoutMs / 1000)} s.`),
              );
            }, timeoutMs);
      void sent
        .finally(() => {
          signal?.removeEventListener('abort', onAbort);
          if (timer) clearTimeout(timer);
        })
        .catch(() => undefined);
    });
    try {
      return parseOrThrow(def.result, await Promise.race([sent, abandoned]), `${def.method} result`) as ResultOf<D>;
    } catch (error) {
      if (error instanceof PylotError) throw error;
      if (error instanceof ResponseError) throw new PylotError(error.code, error.message);
      throw new PylotError(this.options.lostCode, `${def.method} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      source.dispose();
    }
  }

  /** Sends a notification; one that cannot go (the other side is gone) is dropped. */
  async notify<D extends NotificationDef>(def: D, params: ParamsOf<D>): Promise<void> {
    this.mustSend(def);
    await this.connection.sendNotification(def.method, this.outgoing(def, params)).catch(() => undefined);
  }

  onRequest<D extends RequestDef>(def: D, handler: RequestHandler<D>): Disposable {
    this.mustReceive(def);
    return this.connection.onRequest(def.method, async (raw: unknown, token: CancellationToken) => {
      const abort = new AbortController();
      // A cancel that overtook its request reaches the token's listeners only on a later tick,
      // after a quick handler has finished: look at it now, so the work is skipped.
      if (token.isCancellationRequested) abort.abort();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        const params = parseOrThrow(def.params, raw ?? undefined, `${def.method} params`) as ParamsOf<D>;
        if (abort.signal.aborted) throw cancelled(def.method);
        const result = await handler(params, abort.signal);
        if (abort.signal.aborted) throw cancelled(def.method);
        return result;
      } catch (error) {
        if (error instanceof PylotError) throw new ResponseError(error.code, error.message);
        // Cancelled by the caller: what the handler threw on its way out (an AbortError, say) is no bug.
        if (abort.signal.aborted) throw new ResponseError(ErrorCodes.Cancelled, cancelled(def.method).message);
        this.options.onHandlerBug?.(def.method, error);
        throw new ResponseError(ErrorCodes.InternalError, `${def.method} failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        subscription.dispose();
      }
    });
  }

  /** A malformed notification is dropped (there is no one to answer); a throwing handler is a bug, logged. */
  onNotification<D extends NotificationDef>(def: D, handler: (params: ParamsOf<D>) => void): Disposable {
    this.mustReceive(def);
    return this.connection.onNotification(def.method, (raw: unknown) => {
      const parsed = def.params.safeParse(raw);
      if (!parsed.success) return this.options.onMalformed?.(def.method);
      try {
        handler(parsed.data as ParamsOf<D>);
      } catch (error) {
        this.options.onHandlerBug?.(def.method, error);
      }
    });
  }

  /** Runs `listener` when the connection is disposed (the process ends). */
  onDispose(listener: () => void): Disposable {
    return this.connection.onDispose(listener);
  }

  private outgoing(def: RequestDef | NotificationDef, params: unknown): unknown {
    const outgoing = parseOrThrow(def.params, params, `${def.method} params`);
    // The other side would refuse it, and one too deep for JSON.stringify would fail in the writer
    // and read as the connection dying: refused here, as what it is.
    const excess = exceedsLimits(outgoing);
    if (excess) throw new PylotError(ErrorCodes.InvalidParams, `Invalid ${def.method} params: ${excess}`);
    return outgoing;
  }

  private mustSend(def: RequestDef | NotificationDef): void {
    if (def.from !== this.side) throw new Error(`${def.method} is sent by the ${def.from}, not the ${this.side}`);
  }

  private mustReceive(def: RequestDef | NotificationDef): void {
    if (def.from === this.side) throw new Error(`${def.method} is sent by the ${def.from}: the ${this.side} does not handle it`);
  }
}

function cancelled(method: string): PylotError {
  return new PylotError(ErrorCodes.Cancelled, `${method} was cancelled`);
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
