// Keeps a prompt's messages inside the model's context, counted with the model's own tokenizer:
// the one place that says what a text costs and how a transcript gives way. A chat drops its
// oldest messages (model/generate with fitToContext); an agent transcript cuts its oldest tool
// results to their first line (the agent loop). Unit-tested with a plain counter.
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { ChatMessage, Engine } from './engine';

export type CountTokens = (text: string) => Promise<number>;

/** Chat templates add a few tokens around each message (role markers). */
export const perMessageOverhead = 8;

/**
 * `text`'s length in the engine's tokens. A server without a tokenizer gets a deliberately high
 * estimate (code and non-English text run ~3 characters a token, English prose ~4), so a prompt
 * fitted against it does not overflow.
 */
export async function countTokens(engine: Pick<Engine, 'tokenize'>, text: string, signal: AbortSignal): Promise<number> {
  try {
    return (await engine.tokenize(text, signal)).length;
  } catch {
    return Math.ceil(text.length / 3);
  }
}

export interface FittedConversation {
  /** The first message (the system prompt), the earlier messages that fit, the newest. */
  readonly messages: ChatMessage[];
  /** The prompt as counted, role markers included. */
  readonly tokens: number;
  /** Earlier messages left out. */
  readonly droppedMessages: number;
  /** The newest message was cut in the middle to fit. */
  readonly shortened: boolean;
}

/**
 * Fits a chat into `contextSize` with room for a reply of `replyTokens`. `messages` starts with the
 * system prompt and ends with the message being sent; both always stay, and the earlier messages
 * are kept newest first while they fit.
 */
export async function fitConversation(
  messages: readonly ChatMessage[],
  contextSize: number,
  replyTokens: number,
  count: CountTokens,
): Promise<FittedConversation> {
  const cost = async (message: ChatMessage) => (await count(message.content)) + perMessageOverhead;
  const system = messages[0];
  const latest = messages.at(-1);
  if (!system || !latest || messages.length < 2)
    throw new PylotError(ErrorCodes.InvalidParams, 'Fitting a chat needs a system prompt and the message being sent.');
  const budget = contextSize - replyTokens;
  let used = await cost(system);
  let newest = latest;
  let shortened = false;
  if (used + (await cost(newest)) > budget) {
    const room = budget - used - perMessageOverhead;
    if (room < 32)
      throw new PylotError(
        ErrorCodes.InvalidParams,
        `The model's context (${contextSize} tokens) is too small for this prompt and a reply of ${replyTokens} tokens.`,
      );
    newest = { ...newest, content: await shortenMiddle(newest.content, room, count) };
    shortened = true;
  }
  used += await cost(newest);
  const kept: Array<{ message: ChatMessage; tokens: number }> = [];
  for (let index = messages.length - 2; index >= 1; index--) {
    const message = messages[index]!;
    const tokens = await cost(message);
    if (used + tokens > budget) break;
    used += tokens;
    kept.unshift({ message, tokens });
  }
  // A conversation that starts with the model's answer to a question no longer there reads oddly.
  while (kept[0]?.message.role === 'assistant') used -= kept.shift()!.tokens;
  return { messages: [system, ...kept.map((k) => k.message), newest], tokens: used, droppedMessages: messages.length - 2 - kept.length, shortened };
}

/** Keeps the head and the tail (the question usually ends a message; pasted context fills its middle). */
async function shortenMiddle(text: string, tokens: number, count: CountTokens): Promise<string> {
  const marker = '\n[… middle left out to fit the context …]\n';
  let keep = Math.max(0, Math.floor(text.length * (tokens / Math.max(1, await count(text)))) - marker.length);
  let result = text;
  for (let attempt = 0; attempt < 8 && (await count(result)) > tokens; attempt++) {
    const head = Math.floor(keep / 2);
    result = text.slice(0, head) + marker + text.slice(text.length - (keep - head));
    keep = Math.floor(keep * 0.9);
  }
  return result;
}

const omitted = '[older output omitted to fit the context; call the tool again if you need it]';

/**
 * Cuts `messages[i]` for the indices in `results` (tool results, oldest first) to their first line
 * until the transcript fits `budget`; the last exchange is never cut. Returns the total.
 */
export async function cutToolResults(messages: ChatMessage[], results: readonly number[], budget: number, count: CountTokens): Promise<number> {
  const counts = await Promise.all(messages.map((message) => count(message.content)));
  let total = counts.reduce((sum, n) => sum + n + perMessageOverhead, 0);
  for (const index of results) {
    if (total <= budget) break;
    const message = messages[index];
    if (!message || index >= messages.length - 2 || message.content.endsWith(omitted)) continue;
    const content = `${message.content.split('\n', 1)[0]!}\n${omitted}`;
    messages[index] = { ...message, content };
    const now = await count(content);
    total -= counts[index]! - now;
    counts[index] = now;
  }
  return total;
}
