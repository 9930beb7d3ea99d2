// The panel's side of protocol/turnTiming.ts: its own stage stamps of each turn, joined with the
// host's when the host sends them (only when it runs with PYLOT_TURN_TIMING=1) and then left on
// `globalThis.pylotTurnTiming` for the panel bench to read. Nothing is shown or sent.
import { stamp, type TurnStamps, type WebviewStage } from '../../protocol/turnTiming';

interface Timing {
  turnId: string;
  webview: TurnStamps;
  host?: TurnStamps;
}

let current: Timing | undefined;

/** A new turn: what was stamped for the last one is dropped. */
export function timeTurn(turnId: string): void {
  current = { turnId, webview: {} };
}

export function markTurn(turnId: string, stage: WebviewStage): void {
  if (current?.turnId !== turnId || current.webview[stage] !== undefined) return;
  current.webview[stage] = stamp();
  // The first words are on screen after the next frame is drawn: a task queued from its callback runs after the paint.
  if (stage === 'rendered') requestAnimationFrame(() => setTimeout(() => markTurn(turnId, 'painted')));
}

/** The host's stamps arrived: timing is on, so the bench may read this turn's. */
export function hostTiming(turnId: string, stamps: TurnStamps): void {
  if (current?.turnId !== turnId) return;
  current.host = stamps;
  (globalThis as { pylotTurnTiming?: Timing }).pylotTurnTiming = current;
}
