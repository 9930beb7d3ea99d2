// The speculation gate: guesses refused in full pause the predictor for 1, 2, 4, … up to 64 tokens;
// a kept guess (even one token of it) opens it again; a new generation starts open.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Token } from 'node-llama-cpp';
import { maxPauseTokens, SpeculationGate } from '../../sidecar/engine/local/speculationGate';

const t = (...values: number[]) => values as Token[];

/** Drives the gate as node-llama-cpp does for `steps` tokens: ask when open, then push the model's own token. */
function run(gate: SpeculationGate, steps: number, guess: (step: number) => Token[], model: (step: number) => number): { asked: number[] } {
  const asked: number[] = [];
  for (let step = 0; step < steps; step++) {
    if (gate.open()) {
      asked.push(step);
      gate.predicted(guess(step));
    }
    gate.pushed(t(model(step)));
  }
  return { asked };
}

describe('speculation gate', () => {
  it('asks at every step while guesses are kept', () => {
    const gate = new SpeculationGate();
    // Each guess's first token is the model's next token: kept.
    const { asked } = run(
      gate,
      20,
      (step) => t(step, 999, 999),
      (step) => step,
    );
    assert.equal(asked.length, 20);
  });

  it('backs off 1, 2, 4, … tokens after guesses refused in full, up to the limit', () => {
    const gate = new SpeculationGate();
    const { asked } = run(
      gate,
      400,
      () => t(-1, -2, -3),
      (step) => step,
    );
    const gaps = asked.slice(1).map((step, i) => step - asked[i]!);
    assert.deepEqual(gaps.slice(0, 7), [2, 3, 5, 9, 17, 33, 65]);
    assert.ok(gaps.every((gap) => gap <= maxPauseTokens + 1));
    // Over 400 tokens a predictor that never agrees is asked 12 times instead of 400.
    assert.equal(asked.length, 12);
  });

  it('opens again at once when a guess is kept, even in part', () => {
    const gate = new SpeculationGate();
    run(
      gate,
      10,
      () => t(-1),
      (step) => step,
    ); // refused: paused
    gate.reset();
    assert.ok(gate.open(), 'a new generation starts open');
    gate.predicted(t(5, 6, 7));
    gate.pushed(t(5)); // the first guess kept
    gate.pushed(t(8)); // the second refused: the model's own token
    assert.ok(gate.open(), 'one kept guess is enough');
  });

  it('judges nothing for an empty guess, and follows guesses pushed one token at a time', () => {
    const gate = new SpeculationGate();
    gate.predicted(t());
    gate.pushed(t(1));
    assert.ok(gate.open());
    gate.predicted(t(2, 3));
    gate.pushed(t(2));
    gate.pushed(t(3));
    gate.pushed(t(4));
    assert.ok(gate.open(), 'a guess kept whole leaves it open');
    gate.predicted(t(9));
    gate.pushed(t(5));
    assert.ok(!gate.open(), 'refused in full: paused for a token');
    gate.pushed(t(6));
    assert.ok(gate.open());
  });
});
