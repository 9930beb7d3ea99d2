// When an agent transcript outgrows the context, the older messages (earlier chat turns and all but
// the latest tool exchange) are folded by the model into one running summary, which the next fold
// updates, instead of being dropped; the task and the latest exchange stay word for word. What the
// summary prompt cannot hold is cut in the middle by tokens. The loop says so in the chat.
import type { ChatMessage, Engine } from '../engine/engine';
import { perMessageOverhead, type CountTokens } from '../engine/tokenBudget';
import { truncateByTokens } from './truncate';

export const summaryHead = 'Summary of the earlier conversation and steps (written by you to save context):';

/** What the summary may take: short enough to leave room, long enough to keep file names and findings. */
export const summaryTokens = 256;

export interface Folded {
  readonly messages: ChatMessage[];
  /** Messages folded into the summary (an earlier summary counts as one). */
  readonly folded: number;
  readonly summary: string;
  /** The summary generation's cost. */
  readonly tokens: number;
  readonly promptTokens?: number;
}

/**
 * Folds every message but the system prompt, the task (`taskIndex`) and the last two into a summary
 * placed right after the task. Undefined when there is nothing to fold or the model wrote nothing.
 */
export async function foldIntoSummary(
  engine: Engine,
  messages: readonly ChatMessage[],
  taskIndex: number,
  count: CountTokens,
  signal: AbortSignal,
): Promise<Folded | undefined> {
  const latest = messages.slice(Math.max(taskIndex + 1, messages.length - 2));
  const older = [...messages.slice(1, taskIndex), ...messages.slice(taskIndex + 1, messages.length - latest.length)];
  if (!older.length) return undefined;
  const previous = older.find((message) => message.content.startsWith(summaryHead));
  const transcript = older
    .filter((message) => message !== previous)
    .map((message) => `${message.role === 'assistant' ? 'You' : 'User/tool'}: ${message.content}`)
    .join('\n\n');
  const instructions = [
    "Summarise this part of a coding agent's work for the agent itself, in at most 150 words:",
    'the files read or changed and what was found or done in each, decisions made, errors seen, and what is left to do. No preamble.',
  ].join(' ');
  const task = messages[taskIndex]!.content;
  // Room for the request around the transcript, its reply and the role markers.
  const fixed = (await count(instructions)) + (await count(task)) + (previous ? await count(previous.content) : 0) + summaryTokens + 4 * perMessageOverhead;
  const room = Math.max(64, engine.info.contextSize - fixed - 64);
  const fitted = await truncateByTokens(transcript, room, count);
  const request: ChatMessage[] = [
    { role: 'system', content: instructions },
    {
      role: 'user',
      content: [`The task: ${task}`, previous ? `The summary so far:\n${previous.content.slice(summaryHead.length).trim()}` : '', `The newer part:\n${fitted}`]
        .filter(Boolean)
        .join('\n\n'),
    },
  ];
  const generation = await engine.chat(request, { maxTokens: summaryTokens, temperature: 0, signal });
  const summary = generation.text.trim();
  if (!summary || generation.stopReason === 'aborted') return undefined;
  const summaryMessage: ChatMessage = { role: 'user', content: `${summaryHead}\n${summary}` };
  return {
    messages: [messages[0]!, messages[taskIndex]!, summaryMessage, ...latest],
    folded: older.length,
    summary,
    tokens: generation.tokens,
    ...(generation.promptTokens !== undefined ? { promptTokens: generation.promptTokens } : {}),
  };
}
