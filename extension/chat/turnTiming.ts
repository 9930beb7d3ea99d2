// The host's side of protocol/turnTiming.ts: the stages of each turn, stamped only when the
// extension host runs with PYLOT_TURN_TIMING=1 (the panel bench sets it); otherwise every call is a no-op.
import { stamp, type HostStage, type TurnStamps } from '../../protocol/turnTiming';

const enabled = process.env.PYLOT_TURN_TIMING === '1';
const turns = new Map<string, TurnStamps>();
/** Turns whose stamps were never taken (no first delta) are dropped beyond this many. */
const kept = 8;

export const turnTiming = {
  enabled,
  /** Notes that `turnId` reached `stage` now; the first time counts. */
  mark(turnId: string, stage: HostStage): void {
    if (!enabled) return;
    let stamps = turns.get(turnId);
    if (!stamps) {
      stamps = {};
      turns.set(turnId, stamps);
      if (turns.size > kept) turns.delete(turns.keys().next().value!);
    }
    stamps[stage] ??= stamp();
  },
  /** The turn's stamps, once; undefined when off. */
  take(turnId: string): TurnStamps | undefined {
    const stamps = turns.get(turnId);
    turns.delete(turnId);
    return stamps;
  },
};
