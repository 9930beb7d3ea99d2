// The context sequences a local role generates on, and which of them a prompt goes to. A completion
// model keeps several (each holds one prompt's KV cache): a prompt goes to the sequence that already
// holds the longest part of it, so switching files and back re-reads only what changed; a prompt
// that would throw away most of what a sequence holds takes the one used longest ago instead. A background read goes to
// another sequence than the one the keystrokes continue, in chunks, and stops between chunks when
// asked: a keystroke waits for one chunk at most, and the read resumes later where it stopped.
// A completion model keeps one more sequence for next edits alone, so a next-edit prompt never
// evicts a completion's KV cache (nor a completion the next edit's anchored prompt).
// Alternatives borrow the other sequences: the prompt read once on one, its state copied to them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LlamaCompletion, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { NodeLlamaCpp } from '../runtime';
import type { SwitchablePredictor } from './promptLookup';

/** Sequences a completion model keeps: the spot being typed at, the full prompt read behind it, the file before. */
export const completionSequences = 3;
/** The completion model's sequence set aside for next-edit prompts, beside the completion sequences. */
export const nextEditSequences = 1;
/**
 * A prompt goes to the sequence it shares the longest start with only when that start is at least
 * this share of what the sequence holds (a move one line down, a read resumed); otherwise it would
 * throw away more than it reuses (a jump, another file), and the sequence used longest ago is taken.
 */
const worthKeeping = 0.5;

export interface PromptSequence {
  readonly sequence: LlamaContextSequence;
  readonly completion: LlamaCompletion;
  /** Prompt lookup, switched on for generations that copy their prompt (chat-role sequences only). */
  readonly lookup?: SwitchablePredictor;
  /** When it was last used (a counter): the oldest is replaced first. */
  used: number;
}

export interface ReadResult {
  /** Prompt tokens evaluated by this read. */
  readonly promptTokens: number;
  /** The whole prompt is in the KV cache (else the read was stopped between chunks). */
  readonly done: boolean;
}

export class PromptSequences {
  /** The sequences completions, reads and chat choose among. */
  readonly all: readonly PromptSequence[];
  /** The sequence next-edit prompts run on, when the context has one set aside (`reserveNextEdit`). */
  readonly nextEdit: PromptSequence | undefined;
  /** The sequence the last generation ran on: the one the keystrokes continue. */
  private foreground: PromptSequence;
  private clock = 0;

  constructor(
    lib: NodeLlamaCpp,
    private readonly model: LlamaModel,
    context: LlamaContext,
    predictor?: () => SwitchablePredictor,
    reserveNextEdit = false,
  ) {
    const slots = Array.from({ length: context.totalSequences }, (): PromptSequence => {
      const lookup = predictor?.();
      const sequence = context.getSequence(lookup ? { tokenPredictor: lookup } : undefined);
      return { sequence, completion: new lib.LlamaCompletion({ contextSequence: sequence }), used: 0, ...(lookup && { lookup }) };
    });
    this.nextEdit = reserveNextEdit && slots.length > 1 ? slots.pop() : undefined;
    this.all = slots;
    this.foreground = this.all[0]!;
  }

  /** The prompt's tokens as the sequence will hold them (LlamaCompletion puts the model's BOS first, when it has one). */
  tokensOf(prompt: string): { input: Token[]; held: Token[] } {
    const input = this.model.tokenize(prompt, true);
    const bos = this.model.tokens.shouldPrependBosToken ? this.model.tokens.bos : null;
    return { input, held: bos === null ? input : [bos, ...input] };
  }

  /** How many of `held`'s first tokens the best sequence for it already holds. */
  cached(held: readonly Token[]): number {
    return Math.max(...this.all.map((slot) => shared(slot.sequence, held)));
  }

  /** Where a generation on `held` runs: it becomes the sequence the keystrokes continue. */
  forGeneration(held: readonly Token[]): PromptSequence {
    const slot = this.choose(held, this.all);
    slot.used = ++this.clock;
    this.foreground = slot;
    return slot;
  }

  /** Where a background read of `held` runs: never the sequence the keystrokes continue, while there is another. */
  forRead(held: readonly Token[]): PromptSequence {
    const others = this.all.filter((slot) => slot !== this.foreground);
    const slot = this.choose(held, others.length ? others : this.all);
    slot.used = ++this.clock;
    return slot;
  }

  /** Up to `count` sequences besides `first` for alternatives of its prompt, those used longest ago first. */
  forAlternatives(first: PromptSequence, count: number): PromptSequence[] {
    const others = this.all
      .filter((slot) => slot !== first)
      .sort((a, b) => a.used - b.used)
      .slice(0, Math.max(0, count));
    for (const slot of others) slot.used = ++this.clock;
    return others;
  }

  /**
   * Reads `held` on `first` (all but its last token, which each generation evaluates for its own
   * logits) and copies that state to `others`, so the prompt is evaluated once for all of them
   * (nothing is copied once `signal` is aborted: the generations then stop before they start).
   * Returns the prompt tokens it evaluated.
   * The copy goes through a file in a private temporary folder, removed at once: node-llama-cpp has
   * no public sequence-to-sequence copy (llama.cpp's llama_memory_seq_cp is not bound).
   */
  async fork(first: PromptSequence, others: readonly PromptSequence[], held: readonly Token[], signal: AbortSignal): Promise<number> {
    const end = held.length - 1;
    const meter = first.sequence.tokenMeter.getState();
    await first.sequence.adaptStateToTokens(held.slice(0, end), false);
    const from = first.sequence.nextTokenIndex;
    if (from < end) await first.sequence.evaluateWithoutGeneratingNewTokens(held.slice(from, end) as Token[]);
    // A sequence that holds the prompt already (alternatives asked again here) keeps it.
    const read = first.sequence.tokenMeter.diff(meter).usedInputTokens;
    const targets = others.filter((slot) => shared(slot.sequence, held) < end);
    if (!targets.length || signal.aborted) return read;
    const folder = await mkdtemp(path.join(tmpdir(), 'pylot-kv-'));
    try {
      const file = path.join(folder, 'prompt.state');
      await first.sequence.saveStateToFile(file);
      for (const slot of targets) await slot.sequence.loadStateFromFile(file, { acceptRisk: true });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    return read;
  }

  /**
   * Evaluates what `slot` does not hold of `held` (all but its last token, which a generation
   * evaluates for its logits) in chunks of `chunkTokens`, each its own turn (`exclusive`), and stops
   * between chunks once `signal` is aborted.
   */
  async read(
    slot: PromptSequence,
    held: readonly Token[],
    chunkTokens: number,
    signal: AbortSignal,
    exclusive: <T>(task: () => Promise<T>) => Promise<T>,
  ): Promise<ReadResult> {
    const { sequence } = slot;
    const end = held.length - 1;
    const chunk = Math.max(1, Math.floor(chunkTokens));
    const meter = sequence.tokenMeter.getState();
    let done = false;
    for (;;) {
      if (signal.aborted) break;
      done = await exclusive(async () => {
        // Another prompt may have run on this sequence since the last chunk: drop what differs.
        await sequence.adaptStateToTokens(held.slice(0, end), false);
        const from = sequence.nextTokenIndex;
        if (from >= end) return true;
        await sequence.evaluateWithoutGeneratingNewTokens(held.slice(from, Math.min(end, from + chunk)) as Token[]);
        return sequence.nextTokenIndex >= end;
      });
      if (done) break;
    }
    return { promptTokens: sequence.tokenMeter.diff(meter).usedInputTokens, done };
  }

  /** The sequence that shares the most with `held`, when that is most of what it holds; else the oldest. */
  private choose(held: readonly Token[], candidates: readonly PromptSequence[]): PromptSequence {
    let best = candidates[0]!;
    let bestShared = 0;
    for (const slot of candidates) {
      const count = shared(slot.sequence, held);
      if (count > bestShared) [best, bestShared] = [slot, count];
    }
    if (bestShared > 0 && bestShared >= best.sequence.nextTokenIndex * worthKeeping) return best;
    return candidates.reduce((oldest, slot) => (slot.used < oldest.used ? slot : oldest));
  }
}

function shared(sequence: LlamaContextSequence, held: readonly Token[]): number {
  const tokens = sequence.contextTokens;
  let count = 0;
  while (count < held.length && count < tokens.length && tokens[count] === held[count]) count++;
  return count;
}
