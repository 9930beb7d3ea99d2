// The loopback OpenAI-compatible API's contract: the extension turns it on and off (with the token it
// keeps in VS Code's SecretStorage, re-sent after every sidecar start), and the sidecar reports
// whether it listens and how many clients it is serving, for the status bar.
import * as z from 'zod/mini';
import { notifyExtension, toSidecar } from './rpc';

const count = z.int().check(z.nonnegative());

export const LocalApiConfig = z.object({
  enabled: z.boolean(),
  /** 127.0.0.1 only; 0 lets the system pick a free port (tests). */
  port: z.int().check(z.minimum(0), z.maximum(65_535)),
  /** The bearer token every request must carry; required when enabled. */
  token: z.optional(z.string().check(z.minLength(32), z.maxLength(512))),
  /** Requests that may wait for a model beyond those running; more get 429. */
  maxQueue: z.int().check(z.minimum(0), z.maximum(1024)),
});
export type LocalApiConfig = z.infer<typeof LocalApiConfig>;

export const LocalApiState = z.object({
  /** The base URL clients use (`http://127.0.0.1:PORT/v1`) while it listens. */
  url: z.optional(z.string()),
  /** Why it is not listening although enabled (e.g. the port is taken). */
  error: z.optional(z.string()),
  /** Requests being answered now, and waiting for a model. */
  active: count,
  queued: count,
});
export type LocalApiState = z.infer<typeof LocalApiState>;

/** Starts, restarts (new port or token) or stops the API; answers once it listens or has stopped. */
export const ConfigureLocalApi = toSidecar('localApi/configure', LocalApiConfig, LocalApiState);

/** The API's state changed: it started or stopped, a client came or went. */
export const LocalApiChanged = notifyExtension('localApi/didChange', LocalApiState);
