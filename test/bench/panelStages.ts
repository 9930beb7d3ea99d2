// The panel bench's breakdown: each stage of a turn (protocol/turnTiming.ts) in ms after Enter, the
// step from the stage before, and whose time that step is. The host's and the panel's stamps share
// the epoch clock; the two crossings of code-server's WebSocket are the steps between them.
import type { TurnStamps } from '../../protocol/turnTiming';
import { median } from './stats';

/** What the panel leaves on `globalThis.pylotTurnTiming` (webview-ui/chat/turnTiming.ts). */
export interface PanelTiming {
  turnId: string;
  webview: TurnStamps;
  host?: TurnStamps;
}

/** One panel round: its stamps, Enter's, and when the bench's observer saw the first character. */
export interface StageTimes extends PanelTiming {
  enter: number;
  shown: number;
}

/** In the order a turn passes them: [side, stage, what happens in the step that ends there, whose]. */
const stages: ReadonlyArray<readonly ['webview' | 'host' | 'bench', string, string, string]> = [
  ['webview', 'posted', 'Enter handled, send posted', 'panel'],
  ['host', 'received', 'webview → extension host', "code-server's channel"],
  ['host', 'mentions', 'mentions resolved', 'Pylot host'],
  ['host', 'rules', 'rules files read', 'Pylot host'],
  ['host', 'turnStart', 'question echoed to the panel', 'Pylot host'],
  ['host', 'history', 'system prompt + history built', 'Pylot host'],
  ['host', 'request', 'request sent to the sidecar', 'Pylot host'],
  ['host', 'firstDelta', 'first delta back in the host', 'sidecar'],
  ['host', 'deltaPosted', 'delta posted to the panel', 'Pylot host'],
  ['webview', 'deltaReceived', 'extension host → webview', "code-server's channel"],
  ['webview', 'rendered', 'first words rendered', 'panel'],
  ['bench', 'shown', "the bench's observer sees them", 'bench'],
  ['webview', 'painted', 'the next frame painted', 'panel'],
];

export function stageRows(rounds: readonly StageTimes[]): string[][] {
  const at = (round: StageTimes, side: string, stage: string): number | undefined =>
    side === 'bench' ? round.shown : (side === 'host' ? round.host : round.webview)?.[stage];
  /** The median over the rounds that have both stamps. */
  const between = (end: At, start: At) => median(rounds.flatMap((round) => sumOfSpans([[end, start, 1]], round) ?? [])).toFixed(1);
  const rows = [['stage', 'ms after Enter', 'step ms', 'whose']];
  let previous: [string, string] | undefined;
  for (const [side, stage, what, whose] of stages) {
    const end = (round: StageTimes) => at(round, side, stage);
    const before = previous;
    const start = (round: StageTimes) => (before ? at(round, ...before) : round.enter);
    rows.push([`${what} (${side}.${stage})`, between(end, (round) => round.enter), between(end, start), whose]);
    // The observer's and the paint's stamps both follow the render: each is measured from it.
    if (side !== 'bench') previous = [side, stage];
  }
  // Sums of spans, each on one process's clock, so no clock is compared with another's.
  const w = (stage: string): At => webviewAt.bind(undefined, stage);
  const h = (stage: string): At => hostAt.bind(undefined, stage);
  const enter: At = (round) => round.enter;
  const sum = (...spans: Array<[At, At, 1 | -1]>): At => sumOfSpans.bind(undefined, spans);
  const none: At = () => 0;
  rows.push(
    [
      'both crossings, clock-free (the panel waited − the host worked)',
      '',
      between(sum([w('deltaReceived'), w('posted'), 1], [h('deltaPosted'), h('received'), -1]), none),
      "code-server's channel",
    ],
    [
      "Pylot's own: Enter + host before and after the sidecar + render",
      '',
      between(
        sum([w('posted'), enter, 1], [h('request'), h('received'), 1], [h('deltaPosted'), h('firstDelta'), 1], [w('rendered'), w('deltaReceived'), 1]),
        none,
      ),
      'Pylot',
    ],
  );
  return rows;
}

type At = (round: StageTimes) => number | undefined;

function webviewAt(stage: string, round: StageTimes): number | undefined {
  return round.webview[stage];
}

function hostAt(stage: string, round: StageTimes): number | undefined {
  return round.host?.[stage];
}

function sumOfSpans(spans: Array<[At, At, 1 | -1]>, round: StageTimes): number | undefined {
  let total = 0;
  for (const [end, start, sign] of spans) {
    const [b, a] = [end(round), start(round)];
    if (b === undefined || a === undefined) return undefined;
    total += sign * (b - a);
  }
  return total;
}
