// The stages of a chat turn between Enter and its first words on screen, for
// test/bench/panelOverhead.bench.ts. Debug only: the host stamps them only when its process runs with
// PYLOT_TURN_TIMING=1, and hands them to the panel in one `turnTiming` message after the first delta;
// nothing is shown, stored or sent anywhere else. Stamps are epoch milliseconds
// (performance.timeOrigin + performance.now()), the one clock the webview and the host share.
import * as z from 'zod/mini';

/** In the extension host, in the order a turn passes them. */
export const hostStages = ['received', 'mentions', 'rules', 'turnStart', 'history', 'request', 'firstDelta', 'deltaPosted'] as const;
/** In the panel: the message posted, the echo and the first delta received, the first words rendered and painted. */
export const webviewStages = ['posted', 'echo', 'deltaReceived', 'rendered', 'painted'] as const;

export type HostStage = (typeof hostStages)[number];
export type WebviewStage = (typeof webviewStages)[number];

export const TurnStamps = z.record(z.string(), z.number());
export type TurnStamps = z.infer<typeof TurnStamps>;

/** Now, on the clock both sides share. */
export function stamp(): number {
  return performance.timeOrigin + performance.now();
}
