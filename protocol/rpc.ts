// The shape of a typed message between the extension and the sidecar: the side that sends it, a
// method name, and zod schemas for what travels. Both ends validate against these (endpoint.ts),
// so a malformed message becomes an error value, never a crash.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

/** The process that sends a message: every method goes one way, and the other side answers it. */
export type Side = 'extension' | 'sidecar';

export interface RequestDef<P extends z.ZodMiniType = z.ZodMiniType, R extends z.ZodMiniType = z.ZodMiniType> {
  readonly kind: 'request';
  readonly from: Side;
  readonly method: string;
  readonly params: P;
  readonly result: R;
}

export interface NotificationDef<P extends z.ZodMiniType = z.ZodMiniType> {
  readonly kind: 'notification';
  readonly from: Side;
  readonly method: string;
  readonly params: P;
}

/** A request the extension sends and the sidecar answers. */
export function toSidecar<P extends z.ZodMiniType, R extends z.ZodMiniType>(method: string, params: P, result: R): RequestDef<P, R> {
  return { kind: 'request', from: 'extension', method, params, result };
}

/** A request the sidecar sends and the extension answers (the agent's tool calls and questions). */
export function toExtension<P extends z.ZodMiniType, R extends z.ZodMiniType>(method: string, params: P, result: R): RequestDef<P, R> {
  return { kind: 'request', from: 'sidecar', method, params, result };
}

/** A notification from the extension to the sidecar. */
export function notifySidecar<P extends z.ZodMiniType>(method: string, params: P): NotificationDef<P> {
  return { kind: 'notification', from: 'extension', method, params };
}

/** A notification from the sidecar to the extension. */
export function notifyExtension<P extends z.ZodMiniType>(method: string, params: P): NotificationDef<P> {
  return { kind: 'notification', from: 'sidecar', method, params };
}

export type ParamsOf<D extends RequestDef | NotificationDef> = z.infer<D['params']>;
export type ResultOf<D extends RequestDef> = z.infer<D['result']>;

/** JSON-RPC error codes. Pylot's own live in the server-error range the spec reserves. */
export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** A request arrived before `initialize` succeeded. */
  NotInitialized: -32002,
  /** The extension and the sidecar speak different major protocol versions. */
  ProtocolMismatch: -32001,
  /** A request needed a model for a role that has none loaded. */
  NoModel: -32010,
  ModelNotFound: -32011,
  /** Not a GGUF file, or a corrupt or truncated one. */
  ModelInvalid: -32012,
  /** The model and its context would not fit in this machine's free memory. */
  ModelTooLarge: -32013,
  ModelLoadFailed: -32014,
  /** A server refused Pylot's API key, or wants one. */
  AuthFailed: -32016,
  /** The model cannot do what was asked (e.g. fill-in-the-middle without FIM tokens). */
  Unsupported: -32015,
  EngineFailed: -32020,
  /** A download failed: the network, the server or the disk; the message says which. */
  DownloadFailed: -32030,
  /** Background work (embeddings, indexing) gave way to a completion or chat; retry it. */
  Preempted: -32021,
  /** The sidecar exited (crash or restart) while the request was in flight. Set by the client. */
  SidecarExited: -32098,
  /** The request did not get an answer in time (set by the client), or a model file could not be read in time. */
  Timeout: -32097,
  /** LSP's RequestCancelled: the caller gave up. */
  Cancelled: -32800,
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** An error that crosses a process boundary: a code to branch on, a message a user can act on. */
export class PylotError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'PylotError';
  }
}

/** Validates `value`; throws a PylotError(InvalidParams) naming every bad field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as z.infer<S>;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new PylotError(ErrorCodes.InvalidParams, `Invalid ${what}: ${problems.join('; ')}`);
}

/**
 * Bounds for one message, both ways: the sidecar refuses a message over them (sidecar/guard.ts) and
 * the extension does not send one. The largest legitimate messages are documents (≤ 2M chars) and
 * file-event lists.
 */
export const messageLimits = {
  /** The contract nests a few levels (JSON-schema and tool arguments a few more). */
  maxDepth: 64,
  /** Arrays, objects and scalars, all levels. */
  maxValues: 1_000_000,
  /** UTF-16 code units in strings and keys, all levels. */
  maxChars: 16 * 1024 * 1024,
  maxMethodChars: 256,
} as const;

/**
 * Walks the message with an explicit stack and stops at the first bound it crosses, so a
 * million-deep or gigantic message costs at most the bounds, never the call stack.
 */
export function exceedsLimits(value: unknown): string | undefined {
  const { maxDepth, maxValues, maxChars } = messageLimits;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let values = 0;
  let chars = 0;
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (++values > maxValues) return `The message holds more than ${maxValues.toLocaleString('en-US')} values.`;
    if (typeof next.value === 'string') chars += next.value.length;
    else if (typeof next.value === 'object' && next.value !== null) {
      if (next.depth >= maxDepth) return `The message nests deeper than ${maxDepth} levels.`;
      if (Array.isArray(next.value)) {
        if (values + next.value.length > maxValues) return `The message holds more than ${maxValues.toLocaleString('en-US')} values.`;
        for (const item of next.value) stack.push({ value: item, depth: next.depth + 1 });
      } else {
        const entries = Object.entries(next.value);
        if (values + entries.length > maxValues) return `The message holds more than ${maxValues.toLocaleString('en-US')} values.`;
        for (const [key, item] of entries) {
          chars += key.length;
          stack.push({ value: item, depth: next.depth + 1 });
        }
      }
    }
    if (chars > maxChars) return `The message holds more than ${maxChars / (1024 * 1024)} Mi characters of text.`;
  }
  return undefined;
}
