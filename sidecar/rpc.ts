// Typed request handling over vscode-jsonrpc: params are validated against the contract, the
// caller's cancellation becomes an AbortSignal, and every failure leaves as a JSON-RPC error.
import { CancellationToken, MessageConnection, NotificationType, RequestType, ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes, parseOrThrow, PylotError, type NotificationDef, type ParamsOf, type RequestDef, type ResultOf } from '../protocol/rpc';
import { describeError, log } from './log';

export type Handler<D extends RequestDef> = (params: ParamsOf<D>, signal: AbortSignal) => Promise<ResultOf<D>>;

export function handle<D extends RequestDef>(connection: MessageConnection, def: D, handler: Handler<D>): void {
  connection.onRequest(new RequestType<unknown, unknown, unknown>(def.method), async (raw: unknown, token: CancellationToken) => {
    const abort = new AbortController();
    // A token cancelled before dispatch (the cancel overtook its request) tells its listeners only
    // on a later tick, after a quick handler has finished: look at it now, so the work is skipped.
    if (token.isCancellationRequested) abort.abort();
    const subscription = token.onCancellationRequested(() => abort.abort());
    try {
      const params = parseOrThrow(def.params, raw ?? undefined, `${def.method} params`) as ParamsOf<D>;
      if (abort.signal.aborted) throw new PylotError(ErrorCodes.Cancelled, `${def.method} was cancelled`);
      const result = await handler(params, abort.signal);
      if (abort.signal.aborted) throw new PylotError(ErrorCodes.Cancelled, `${def.method} was cancelled`);
      return result;
    } catch (error) {
      throw toResponseError(def.method, error);
    } finally {
      subscription.dispose();
    }
  });
}

export function notify<D extends NotificationDef>(connection: MessageConnection, def: D, params: ParamsOf<D>): void {
  void connection.sendNotification(new NotificationType<unknown>(def.method), params).catch(() => {
    // The extension host went away; the disconnect handler ends this process.
  });
}

function toResponseError(method: string, error: unknown): ResponseError<void> {
  if (error instanceof PylotError) return new ResponseError(error.code, error.message);
  log('error', `${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new ResponseError(ErrorCodes.InternalError, `${method} failed: ${describeError(error)}`);
}

/** Typed notification handling: a malformed notification is logged and dropped (there is no one to answer). */
export function onNotify<D extends NotificationDef>(connection: MessageConnection, def: D, handler: (params: ParamsOf<D>) => void): void {
  connection.onNotification(new NotificationType<unknown>(def.method), (raw: unknown) => {
    const parsed = def.params.safeParse(raw);
    if (!parsed.success) return log('warn', `Dropped a malformed ${def.method} notification.`);
    try {
      handler(parsed.data as ParamsOf<D>);
    } catch (error) {
      log('error', `${def.method} failed: ${describeError(error)}`);
    }
  });
}
