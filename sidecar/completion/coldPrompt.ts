// How much a prompt at a new spot may hold. The user waits there for the model to read the whole
// prompt, so the first prompt holds only what this machine reads within the latency target (from
// the engine's measured speed), nearest lines first; the full prompt (snippets, the whole window)
// is read afterwards in the background, and typing there continues it. A prompt the KV cache mostly
// holds already costs only its new tokens, so after a small move the full prompt often fits.
import type { Engine } from '../engine/engine';
import type { FimTemplate, Snippet } from './templates';
import { nearestLines, type CompletionWindow } from './window';

/** Tokens the first generation should have produced within the target: a short line's worth. */
export const firstTokens = 8;
/** Never fewer prompt tokens than this: the cursor's line and a few around it. */
export const minPromptTokens = 48;
/** With no latency target, a keystroke waits at most about this long behind a background read. */
const backgroundWaitMs = 1000;
/** Chunks smaller than this cost more in calls than they save in waiting. */
const minChunkTokens = 16;
/** Of a cold prompt, the share before the cursor (Continue gives the prefix 3/5 of a prompt, Tabby 1/2). */
const prefixShare = 0.75;

export interface PromptPlan {
  /** The prompt with everything: the window and the snippets. */
  readonly full: string;
  /** The prompt to read now when the full one would take longer than the target. */
  readonly cold?: string;
}

export interface PromptInput {
  readonly window: CompletionWindow;
  readonly filename: string;
  readonly snippets?: readonly Snippet[];
  /** 0 or undefined: always the full prompt. */
  readonly targetMs?: number;
}

/** Prompt tokens this engine reads within `targetMs` and still has time for the first tokens. */
export function promptBudget(engine: Pick<Engine, 'speed'>, targetMs: number): number | undefined {
  if (!engine.speed || !targetMs) return undefined;
  const { prefillTokensPerSecond, decodeTokensPerSecond } = engine.speed;
  return Math.max(minPromptTokens, Math.floor((targetMs / 1000 - firstTokens / decodeTokensPerSecond) * prefillTokensPerSecond));
}

/**
 * Tokens a background read evaluates per turn: what this machine reads in half the latency target,
 * so a keystroke that arrives meanwhile waits for that at most, and its own prompt still fits.
 */
export function readChunkTokens(engine: Pick<Engine, 'speed'>, targetMs: number): number | undefined {
  if (!engine.speed) return undefined;
  return Math.max(minChunkTokens, Math.floor((engine.speed.prefillTokensPerSecond * (targetMs || backgroundWaitMs)) / 2000));
}

export function planPrompt(engine: Engine, template: FimTemplate, input: PromptInput): PromptPlan {
  const { window, filename, snippets } = input;
  const full = template.build({ prefix: window.prefix, suffix: window.suffix, filename, snippets });
  const budget = promptBudget(engine, input.targetMs ?? 0);
  if (budget === undefined || !engine.promptCost) return { full };
  const cost = engine.promptCost(full);
  if (cost.tokens - cost.cached <= budget) return { full };
  // Sized in characters from the full prompt's own density, then checked in tokens.
  let chars = budget * (full.length / Math.max(1, cost.tokens));
  for (let attempt = 0; ; attempt++) {
    const near = nearestLines(window, chars * prefixShare, chars * (1 - prefixShare));
    const cold = template.build({ prefix: near.prefix, suffix: near.suffix, filename });
    const tokens = engine.promptCost(cold).tokens;
    if (tokens <= budget || attempt === 3 || cold.length >= full.length) return cold.length < full.length ? { full, cold } : { full };
    chars *= (0.95 * budget) / tokens;
  }
}
