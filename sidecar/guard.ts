// Owns what a raw message must look like before vscode-jsonrpc dispatches it. vscode-jsonrpc trusts
// its input: a `$/cancelRequest` without params throws inside the IPC 'message' callback (the
// process exits), array params are spread into the handler's arguments, two requests with one id
// share one queue slot (one is never answered), and an invalid message is pretty-printed into the
// log (a deep one overflows the stack). Every message passes here first and comes out forwarded,
// answered with a typed error, or dropped; the checks are iterative and bounded (the contract's
// messageLimits), so no message can take the stack or the event loop with it. Pure logic, no I/O:
// transport.ts applies the verdicts.
import { ErrorCodes, exceedsLimits, messageLimits } from '../protocol/rpc';

/** The JSON-RPC id of a request: only strings and numbers can be correlated. */
export type RequestId = string | number;

export type Verdict =
  | { readonly kind: 'forward'; readonly message: object; readonly requestKey?: string }
  | { readonly kind: 'answer'; readonly id: RequestId | null; readonly code: number; readonly message: string }
  | { readonly kind: 'drop'; readonly why: string };

/**
 * vscode-jsonrpc keys its queue and tokens by `id.toString()`, so 1 and "1" are one slot there:
 * they are one key here too.
 */
export function requestKey(id: RequestId): string {
  return String(id);
}

/** Which ids are in flight; the transport adds on forward and deletes when the answer is written. */
export type InFlight = ReadonlySet<string>;

/** Notifications vscode-jsonrpc consumes itself; the only one Pylot uses is cancellation. */
const cancelMethod = '$/cancelRequest';

export function inspect(raw: unknown, inFlight: InFlight): Verdict {
  if (typeof raw !== 'object' || raw === null) return invalid(null, `A message must be a JSON object, not ${describe(raw)}.`);
  if (Array.isArray(raw)) return invalid(null, 'Batches (arrays of messages) are not supported; send one message at a time.');
  const message = raw as Record<string, unknown>;
  const id = message.id;
  const validId = isRequestId(id) ? id : undefined;
  // Bounded first: nothing else (vscode-jsonrpc, zod, a handler) walks a message over the limits.
  const excess = exceedsLimits(message);
  if (excess) return 'method' in message ? invalid(validId ?? null, excess) : invalid(null, excess);

  if (!('method' in message)) return inspectResponse(message);
  const method = message.method;
  const isNotification = id === undefined;
  if (typeof method !== 'string' || method.length === 0 || method.length > messageLimits.maxMethodChars) {
    const why = `"method" must be a non-empty string of at most ${messageLimits.maxMethodChars} characters, not ${describe(method)}.`;
    return isNotification ? { kind: 'drop', why } : invalid(validId ?? null, why);
  }
  if (!isNotification && validId === undefined) {
    return invalid(null, `The id of a ${method} request must be a string or a number, not ${describe(id)}.`);
  }
  // vscode-jsonrpc sends a lone param that is not an object (the null of `$/ping`) by position,
  // as [null]: one positional param is that param. A missing params is null, so a method whose
  // params are optional accepts it (vscode-jsonrpc would answer "received none").
  const params = Array.isArray(message.params) && message.params.length === 1 ? message.params[0] : (message.params ?? null);
  if (params !== null && (typeof params !== 'object' || Array.isArray(params))) {
    const why = `${method} takes its params as one object (by name), not ${describe(message.params)}.`;
    return isNotification ? { kind: 'drop', why } : { kind: 'answer', id: validId!, code: ErrorCodes.InvalidParams, message: why };
  }
  const normalized = params === message.params ? message : { ...message, params };

  if (isNotification) {
    if (method === cancelMethod) {
      const target = (params as Record<string, unknown> | null)?.id;
      return isRequestId(target)
        ? { kind: 'forward', message: normalized }
        : { kind: 'drop', why: `${cancelMethod} needs params {id: string | number}, not ${describe(params)}.` };
    }
    if (method.startsWith('$/')) return { kind: 'drop', why: `Protocol notification ${method} is not used by Pylot.` };
    return { kind: 'forward', message: normalized };
  }
  const key = requestKey(validId!);
  if (inFlight.has(key)) {
    return invalid(validId!, `A request with id ${JSON.stringify(validId)} is already in flight; each request needs its own id.`);
  }
  return { kind: 'forward', message: normalized, requestKey: key };
}

/** A response to one of the sidecar's own requests: forwarded when well formed, never answered. */
function inspectResponse(message: Record<string, unknown>): Verdict {
  const { id, result, error } = message;
  const hasResult = result !== undefined;
  const hasError = error !== undefined;
  if (!isRequestId(id) || hasResult === hasError) {
    // Neither a request, a notification nor a response. Its id (if any) belongs to the sidecar's
    // own requests, so answering with it would settle one of them: the answer carries null.
    if (!hasResult && !hasError) return invalid(null, 'A message needs a "method" (request or notification) or a "result" or "error" (response).');
    return { kind: 'drop', why: `Dropped a malformed response (id ${describe(id)}).` };
  }
  if (hasError) {
    const { code, message: text } = (error ?? {}) as Record<string, unknown>;
    if (typeof error !== 'object' || error === null || !Number.isInteger(code) || typeof text !== 'string') {
      return { kind: 'drop', why: `Dropped a response (id ${JSON.stringify(id)}) whose error has no integer code and string message.` };
    }
  }
  return { kind: 'forward', message };
}

function invalid(id: RequestId | null, message: string): Verdict {
  return { kind: 'answer', id, code: ErrorCodes.InvalidRequest, message };
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}
