// Speculative decoding that pays for itself. On a CPU a batch of guesses costs more than one token
// (a draft that never agrees decoded at 0.60× the plain rate on 2 threads), so guesses the model keeps
// refusing are pure loss. The gate watches which guesses the model kept: after a guess refused in
// full it stops asking the predictor for 1 token, then 2, 4, … up to 64, and asks at every step again
// once a guess is kept. It only withholds guesses, so greedy output is unchanged.
import type { Token } from 'node-llama-cpp';

/** The longest pause, in tokens, after guesses refused again and again. */
export const maxPauseTokens = 64;

export class SpeculationGate {
  private pending: Token[] = [];
  private kept = 0;
  private refusals = 0;
  private pause = 0;

  /** Whether to ask the predictor for guesses at this step. */
  open(): boolean {
    return this.pause === 0;
  }

  /** The predictor guessed these tokens (an empty guess costs nothing and is not judged). */
  predicted(tokens: readonly Token[]): void {
    this.pending = tokens.slice();
    this.kept = 0;
  }

  /** Tokens the model produced, one step at a time: a guess is kept while they match it. */
  pushed(tokens: readonly Token[]): void {
    for (const token of tokens) {
      if (this.pending.length > 0) {
        if (token === this.pending[0]) {
          this.pending.shift();
          this.kept++;
          if (this.pending.length === 0) this.settle();
        } else {
          this.pending = [];
          this.settle();
        }
      } else if (this.pause > 0) this.pause--;
    }
  }

  /** A new generation: guesses are welcome again. */
  reset(): void {
    this.pending = [];
    this.kept = 0;
    this.refusals = 0;
    this.pause = 0;
  }

  private settle(): void {
    if (this.kept > 0) {
      this.refusals = 0;
      return;
    }
    this.refusals++;
    this.pause = Math.min(maxPauseTokens, 2 ** (this.refusals - 1));
  }
}
