// Fits a conversation into the model's real context: the system prompt and the newest message always
// stay, earlier messages are kept newest-first while they fit, and what is left out is counted so
// the panel can say so. Pure, so the rules are unit-tested.

export interface PromptMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface FitOptions {
  /** The context the engine reports for the loaded model. */
  readonly contextSize: number;
  /** Room kept free for the reply. */
  readonly replyTokens: number;
  readonly countTokens?: (text: string) => number;
}

export interface FittedPrompt {
  readonly messages: PromptMessage[];
  readonly estimatedTokens: number;
  /** Earlier messages left out. */
  readonly droppedMessages: number;
  /** The newest message was cut in the middle to fit. */
  readonly shortened: boolean;
}

/** Chat templates add a few tokens around each message. */
const perMessageOverhead = 8;

/**
 * A deliberately high estimate (code and non-English text run ~3 characters per token, English prose
 * ~4), so a fitted prompt does not overflow a context we only estimate against.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

export class ContextTooSmallError extends Error {}

/** `history` is oldest first and ends with the message being sent. */
export function fitToContext(system: string, history: readonly PromptMessage[], options: FitOptions): FittedPrompt {
  const count = options.countTokens ?? estimateTokens;
  const cost = (message: PromptMessage) => count(message.content) + perMessageOverhead;
  const budget = options.contextSize - options.replyTokens;
  const latest = history.at(-1);
  if (!latest) throw new Error('fitToContext needs at least the message being sent');
  const systemMessage: PromptMessage = { role: 'system', content: system };
  let used = cost(systemMessage);
  let newest = latest;
  let shortened = false;
  if (used + cost(newest) > budget) {
    const room = budget - used - perMessageOverhead;
    if (room < 32) throw new ContextTooSmallError(`The model's context (${options.contextSize} tokens) is too small for this prompt and a reply of ${options.replyTokens} tokens.`);
    newest = { ...newest, content: shortenMiddle(newest.content, room, count) };
    shortened = true;
  }
  used += cost(newest);
  const kept: PromptMessage[] = [];
  let index = history.length - 2;
  for (; index >= 0; index--) {
    const message = history[index]!;
    if (used + cost(message) > budget) break;
    used += cost(message);
    kept.unshift(message);
  }
  // A conversation that starts with the model's answer to a question no longer there reads oddly.
  while (kept[0]?.role === 'assistant') used -= cost(kept.shift()!);
  return { messages: [systemMessage, ...kept, newest], estimatedTokens: used, droppedMessages: history.length - 1 - kept.length, shortened };
}

/** Keeps the head and the tail (the question usually ends a message; pasted context fills its middle). */
function shortenMiddle(text: string, tokens: number, count: (text: string) => number): string {
  const marker = '\n[… middle left out to fit the context …]\n';
  let keep = Math.max(0, Math.floor(text.length * (tokens / Math.max(1, count(text)))) - marker.length);
  let result = text;
  for (let attempt = 0; attempt < 8 && count(result) > tokens; attempt++) {
    const head = Math.floor(keep / 2);
    result = text.slice(0, head) + marker + text.slice(text.length - (keep - head));
    keep = Math.floor(keep * 0.9);
  }
  return result;
}
