// A draft model for speculative decoding on a local chat model (`pylot.chat.draftModel`): checked,
// sized against the memory left once the chat model is loaded, and loaded next to it — or left out,
// with the reason the user is told, while chat runs without it. The chat sequence's predictor asks
// the draft for the next tokens and the chat model checks them in one batch, so greedy output is the
// same, only sooner when the draft guesses right. Speculative decoding needs the chat model's
// tokenizer: node-llama-cpp checks that only at the first generation (an error in the user's chat),
// so it is checked here at load, from the header first and then with llama.cpp's own rule.
import type { LlamaContext, LlamaModel, TokenPredictor } from 'node-llama-cpp';
import path from 'node:path';
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import { sourceKey, type ModelInfo, type ModelSource, type Role } from '../../../protocol/sidecar';
import { describeError, log } from '../../log';
import type { Runtime } from '../runtime';
import { inspectModel, loadGuardedModel, planLoad, type InspectedModel } from './inspect';
import type { ModelPool } from './modelPool';

/**
 * Guesses per step: the chat model waits for at least `minTokens` of them (or for the draft to stop
 * at a guess it is unsure of), as llama.cpp drafts before each check. node-llama-cpp's default (0)
 * lets the chat model run ahead of a draft that is not much faster, so nothing would be checked —
 * and on a CPU the two would only compete for the same cores.
 */
export const drafting = { minTokens: 4, maxTokens: 16 } as const;

export interface LoadedDraft {
  readonly info: NonNullable<ModelInfo['draft']>;
  /** A predictor on a draft sequence of its own, for one chat sequence (call once per sequence). */
  predictor(): TokenPredictor;
  dispose(): Promise<void>;
}

export type DraftResult = { readonly draft: LoadedDraft } | { readonly unused: string };

export interface DraftRequest {
  readonly runtime: Runtime;
  readonly pool: ModelPool;
  readonly source: ModelSource;
  /** The chat model, loaded, and its context: the draft gets a context as large, with as many sequences. */
  readonly target: { readonly inspected: InspectedModel; readonly context: LlamaContext };
  readonly signal: AbortSignal;
}

/** What a GGUF header says of its tokenizer (the token list itself is not read: it is the header's bulk). */
export interface TokenizerFacts {
  readonly model?: string;
  readonly bos?: number;
  readonly eos?: number;
}

/** Why a draft with `draft`'s tokenizer cannot draft for `target` from their headers alone, or undefined. */
export function tokenizerMismatch(target: TokenizerFacts, draft: TokenizerFacts): string | undefined {
  if (target.model !== draft.model) return `its tokenizer is "${draft.model ?? 'none'}", the chat model's is "${target.model ?? 'none'}"`;
  for (const token of ['bos', 'eos'] as const) {
    if (target[token] !== draft[token]) return `its ${token.toUpperCase()} token is ${draft[token] ?? 'none'}, the chat model's is ${target[token] ?? 'none'}`;
  }
  return undefined;
}

export async function loadDraft(request: DraftRequest): Promise<DraftResult> {
  const { runtime, pool, source, target, signal } = request;
  const unused = (why: string): DraftResult => ({ unused: `The draft model ${describeSource(source)} is not used: ${why} Chat runs without it.` });
  if (source.kind !== 'file') return unused('a draft model must be a local .gguf file, not a server.');
  const name = path.basename(source.path);
  let inspected: InspectedModel;
  try {
    inspected = await inspectModel(runtime, source.path, signal);
  } catch (error) {
    return unused(reasonOf(error, signal));
  }
  const mismatch = tokenizerMismatch(tokenizerFacts(target.inspected), tokenizerFacts(inspected));
  if (mismatch) return unused(`${mismatch}. Speculative decoding needs the same vocabulary: choose a smaller model of the chat model's family.`);

  const { context: targetContext } = target;
  const contextSize = targetContext.contextSize;
  const sequences = targetContext.totalSequences;
  let plan;
  try {
    plan = await planLoad(runtime, inspected, contextSize, await pool.holds(source.path), sequences);
  } catch (error) {
    return unused(`there is not enough memory for it. ${reasonOf(error, signal)}`);
  }
  if (plan.shrunkFrom) {
    return unused(
      `there is not enough memory for its weights and a ${contextSize.toLocaleString('en-US')}-token context next to the chat model (only ${plan.contextSize.toLocaleString('en-US')} tokens would fit).`,
    );
  }

  let lease;
  try {
    lease = await pool.acquire(source.path, () => loadGuardedModel(runtime, source.path, plan.gpuLayers, signal), signal);
  } catch (error) {
    return unused(reasonOf(error, signal));
  }
  let context: LlamaContext | undefined;
  try {
    context = await createDraftContext(runtime, lease.model, contextSize, sequences);
    const incompatible = compatibilityProblem(targetContext, context);
    if (incompatible) throw new PylotError(ErrorCodes.ModelInvalid, `${incompatible}. Speculative decoding needs the same vocabulary.`);
  } catch (error) {
    await context?.dispose();
    await lease.release();
    return unused(reasonOf(error, signal));
  }
  const draftContext = context;
  const predictors: TokenPredictor[] = [];
  return {
    draft: {
      info: { name: String(inspected.info.metadata.general?.name || name), location: source.path, sizeBytes: inspected.sizeBytes, contextSize },
      predictor() {
        const predictor = new runtime.lib.DraftSequenceTokenPredictor(draftContext.getSequence(), drafting);
        predictors.push(predictor);
        return predictor;
      },
      async dispose() {
        for (const predictor of predictors) await predictor.dispose();
        await draftContext.dispose();
        await lease.release();
      },
    },
  };
}

function createDraftContext(runtime: Runtime, model: LlamaModel, contextSize: number, sequences: number): Promise<LlamaContext> {
  const { flashAttention, kvCacheType } = runtime.contextOptions;
  return model.createContext({
    contextSize,
    sequences,
    flashAttention,
    ...(kvCacheType ? { experimentalKvCacheKeyType: kvCacheType, experimentalKvCacheValueType: kvCacheType } : {}),
  });
}

/**
 * llama.cpp's rule for a draft (common/speculative.cpp, as node-llama-cpp's addon applies it): the
 * same vocabulary type, BOS and EOS, sizes within 128 tokens and the same text for every shared
 * token. node-llama-cpp exposes it only inside its predictor; without it, no draft is used.
 */
function compatibilityProblem(target: LlamaContext, draft: LlamaContext): string | undefined {
  const native = (target as unknown as { _ctx?: { ensureDraftContextIsCompatibleForSpeculative?: (draft: unknown) => void } })._ctx;
  const draftNative = (draft as unknown as { _ctx?: unknown })._ctx;
  if (typeof native?.ensureDraftContextIsCompatibleForSpeculative !== 'function' || !draftNative) {
    return "this node-llama-cpp cannot check that the draft's vocabulary matches the chat model's";
  }
  try {
    native.ensureDraftContextIsCompatibleForSpeculative(draftNative);
    return undefined;
  } catch (error) {
    return describeError(error).replace(/^Speculative draft model /, "the draft model's ");
  }
}

function tokenizerFacts(model: InspectedModel): TokenizerFacts {
  const ggml = (model.info.metadata as { tokenizer?: { ggml?: { model?: unknown; bos_token_id?: unknown; eos_token_id?: unknown } } }).tokenizer?.ggml;
  const id = (value: unknown) => (typeof value === 'number' ? value : undefined);
  return {
    ...(typeof ggml?.model === 'string' && { model: ggml.model }),
    ...(id(ggml?.bos_token_id) !== undefined && { bos: id(ggml?.bos_token_id) }),
    ...(id(ggml?.eos_token_id) !== undefined && { eos: id(ggml?.eos_token_id) }),
  };
}

function reasonOf(error: unknown, signal: AbortSignal): string {
  // A cancelled load cancels the chat model's load too: that is not a draft problem.
  if (signal.aborted) throw new PylotError(ErrorCodes.Cancelled, 'Loading the draft model was cancelled.');
  const message = describeError(error);
  if (error instanceof Error && error.name === 'InsufficientMemoryError') return `there is not enough memory for it (${message}).`;
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

function describeSource(source: ModelSource): string {
  return source.kind === 'file' ? `"${path.basename(source.path)}"` : `"${sourceKey(source)}"`;
}

/** A role's draft when one is set: loaded for chat (other roles never draft), its use or why not logged. */
export async function roleDraft(
  role: Role,
  targetName: string,
  source: ModelSource | undefined,
  load: (source: ModelSource) => Promise<DraftResult>,
): Promise<DraftResult | undefined> {
  if (!source) return undefined;
  const drafted = role === 'chat' ? await load(source) : { unused: `A draft model is used for chat only, not for ${role}.` };
  if ('unused' in drafted) log('warn', drafted.unused);
  else log('info', `${targetName} (chat) drafts with ${drafted.draft.info.name}.`);
  return drafted;
}
