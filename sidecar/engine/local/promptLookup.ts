// The token predictor a local chat-role sequence carries: prompt lookup (speculative decoding without
// a draft model) for generations whose answer repeats much of their prompt — a refactor proposal
// rewrites the code it was given — and otherwise the draft model's predictor when the user set one
// (draftModel.ts). node-llama-cpp's InputLookupTokenPredictor guesses the next tokens from where the
// last ones occur in the prompt, and the model checks the guesses in one batch: with greedy sampling
// the output is the same, only sooner. A sequence takes its predictor once, when it is created, so
// prompt lookup is switched per generation: off, the draft predicts (or nothing, with no draft).
// Either way the guesses pass a gate (speculationGate.ts) that stops asking a predictor the model keeps refusing.
import type { Token, TokenPredictor } from 'node-llama-cpp';
import type { NodeLlamaCpp } from '../runtime';
import { SpeculationGate } from './speculationGate';

export type SwitchablePredictor = TokenPredictor & { active: boolean };

export function switchablePromptLookup(lib: NodeLlamaCpp, draft?: TokenPredictor): SwitchablePredictor {
  const lookup = new lib.InputLookupTokenPredictor();
  // Both follow every generation, so either can predict the next one.
  const both = [lookup, ...(draft ? [draft] : [])];
  const gate = new SpeculationGate();
  class Switchable extends lib.TokenPredictor {
    active = false;
    async reset(params: Parameters<TokenPredictor['reset']>[0]) {
      gate.reset();
      await Promise.all(both.map((predictor) => predictor.reset(params)));
    }
    pushTokens(tokens: Token[]) {
      gate.pushed(tokens);
      for (const predictor of both) predictor.pushTokens(tokens);
    }
    async predictTokens(): Promise<Token[]> {
      const predictor = this.active ? lookup : draft;
      if (!predictor || !gate.open()) return [];
      const guesses = await predictor.predictTokens();
      gate.predicted(guesses);
      return guesses;
    }
    override stop(untilPredictionsExhausted?: boolean) {
      return draft?.stop(untilPredictionsExhausted);
    }
    override updateInputTokens(tokens: Token[]) {
      lookup.updateInputTokens(tokens);
    }
    override async dispose() {
      for (const predictor of both) await predictor.dispose();
    }
  }
  return new Switchable();
}
