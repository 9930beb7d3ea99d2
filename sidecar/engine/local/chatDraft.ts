// Reads the chat the user is still writing into the chat sequence, generating nothing: the chat up
// to the draft's last token, the user's message left open (its template's end and the reply's start
// come with the turn). node-llama-cpp keeps a sequence's common prefix when the next evaluation
// starts, so the turn sent next evaluates only the draft's changed tail and what follows it.
import type { LlamaChat, LlamaContextSequence } from 'node-llama-cpp';
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import type { ChatMessage } from '../engine';
import { chatHistory } from './llamaChatHistory';

export async function readChatDraft(
  chat: LlamaChat,
  sequence: LlamaContextSequence,
  messages: readonly ChatMessage[],
  signal: AbortSignal,
): Promise<{ promptTokens: number }> {
  const history = chatHistory(messages);
  // chatHistory ends a plain chat with the reply to write: the read stops before it.
  if (history.at(-1)?.type === 'model') history.pop();
  if (history.at(-1)?.type !== 'user') throw new PylotError(ErrorCodes.InvalidParams, "A chat to read ends with the user's message.");
  if (signal.aborted) throw new PylotError(ErrorCodes.Cancelled, 'Reading the chat was cancelled.');
  const meter = sequence.tokenMeter.getState();
  await chat.loadChatAndCompleteUserMessage(history, { maxTokens: 0, signal });
  return { promptTokens: sequence.tokenMeter.diff(meter).usedInputTokens };
}
