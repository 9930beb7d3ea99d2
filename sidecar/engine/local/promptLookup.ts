// Prompt lookup decoding (speculative decoding without a draft model) for local chat-role
// generations whose answer repeats much of their prompt — a refactor proposal rewrites the code it
// was given. node-llama-cpp's InputLookupTokenPredictor guesses the next tokens from where the last
// ones occur in the prompt, and the model checks the guesses in one batch: with greedy sampling the
// output is the same, only sooner. A sequence takes its predictor once, when it is created, so the
// predictor here is switched per generation: off, it predicts nothing and costs nothing.
import type { Token, TokenPredictor } from 'node-llama-cpp';
import type { NodeLlamaCpp } from '../runtime';

export type SwitchablePredictor = TokenPredictor & { active: boolean };

export function switchablePromptLookup(lib: NodeLlamaCpp): SwitchablePredictor {
  const lookup = new lib.InputLookupTokenPredictor();
  class Switchable extends lib.TokenPredictor {
    active = false;
    reset(params: Parameters<TokenPredictor['reset']>[0]) {
      return lookup.reset(params);
    }
    pushTokens(tokens: Token[]) {
      lookup.pushTokens(tokens);
    }
    predictTokens(): Token[] {
      return this.active ? lookup.predictTokens() : [];
    }
    override updateInputTokens(tokens: Token[]) {
      lookup.updateInputTokens(tokens);
    }
    override dispose() {
      lookup.dispose();
    }
  }
  return new Switchable();
}
