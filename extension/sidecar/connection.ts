// The extension's typed end of the contract: requests validated on the way out and back, JSON-RPC
// errors turned into PylotErrors, cancellation sent as $/cancelRequest. No `vscode` import, so the
// sidecar tests drive the very same code.
import { CancellationTokenSource, MessageConnection, NotificationType, RequestType, ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes, exceedsLimits, parseOrThrow, PylotError, type NotificationDef, type ParamsOf, type RequestDef, type ResultOf } from '../../protocol/rpc';

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export class TypedConnection {
  constructor(private readonly connection: MessageConnection) {}

  async request<D extends RequestDef>(def: D, params: ParamsOf<D>, options: RequestOptions = {}): Promise<ResultOf<D>> {
    const outgoing = parseOrThrow(def.params, params, `${def.method} params`);
    // The sidecar would refuse it, and one too deep for JSON.stringify would fail in the writer
    // and reach the caller as a crash of the sidecar: refused here, as what it is.
    const excess = exceedsLimits(outgoing);
    if (excess) throw new PylotError(ErrorCodes.InvalidParams, `Invalid ${def.method} params: ${excess}`);
    const { signal, timeoutMs } = options;
    if (signal?.aborted) throw cancelled(def.method);
    const source = new CancellationTokenSource();
    const sent = this.connection.sendRequest(new RequestType<unknown, unknown, unknown>(def.method), outgoing, source.token);
    // Answer the caller at once on cancel or timeout; the sidecar's late reply is dropped.
    const abandoned = new Promise<never>((_, reject) => {
      const onAbort = () => {
        source.cancel();
        reject(cancelled(def.method));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        source.cancel();
        reject(new PylotError(ErrorCodes.Timeout, `The Pylot sidecar did not answer ${def.method} within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      void sent.finally(() => {
        signal?.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
      }).catch(() => undefined);
    });
    try {
      const raw = await Promise.race([sent, abandoned]);
      return parseOrThrow(def.result, raw, `${def.method} result`) as ResultOf<D>;
    } catch (error) {
      throw asPylotError(def.method, error);
    } finally {
      source.dispose();
    }
  }

  notify<D extends NotificationDef>(def: D, params: ParamsOf<D>): Promise<void> {
    const outgoing = parseOrThrow(def.params, params, `${def.method} params`);
    const excess = exceedsLimits(outgoing);
    if (excess) return Promise.reject(new PylotError(ErrorCodes.InvalidParams, `Invalid ${def.method} params: ${excess}`));
    return this.connection.sendNotification(new NotificationType<unknown>(def.method), outgoing);
  }

  onNotification<D extends NotificationDef>(def: D, handler: (params: ParamsOf<D>) => void): void {
    this.connection.onNotification(new NotificationType<unknown>(def.method), (raw: unknown) => {
      const parsed = def.params.safeParse(raw);
      if (parsed.success) handler(parsed.data as ParamsOf<D>);
    });
  }
}

function cancelled(method: string): PylotError {
  return new PylotError(ErrorCodes.Cancelled, `${method} was cancelled`);
}

function asPylotError(method: string, error: unknown): PylotError {
  if (error instanceof PylotError) return error;
  if (error instanceof ResponseError) return new PylotError(error.code, error.message);
  return new PylotError(ErrorCodes.SidecarExited, `${method} failed: ${error instanceof Error ? error.message : String(error)}`);
}
