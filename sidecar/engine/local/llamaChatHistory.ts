// Chat messages as node-llama-cpp's chat history. For chatWithTools, a call the model made in its
// own format and the result that followed become one functionCall item of the model's response
// (node-llama-cpp renders it with the model's template), and generation continues that response.
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import type { ChatMessage } from '../engine';

export function chatHistory(messages: readonly ChatMessage[], withToolCalls = false): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const result = messages[i + 1];
    if (withToolCalls && message.toolCall && result?.toolResult?.id === message.toolCall.id) {
      const call: ChatModelFunctionCall = {
        type: 'functionCall',
        name: message.toolCall.name,
        params: parseParams(message.toolCall.arguments),
        result: result.content,
      };
      const last = history.at(-1);
      if (last?.type === 'model') last.response.push(call);
      else history.push({ type: 'model', response: [call] });
      i++;
      continue;
    }
    if (message.role === 'assistant') history.push({ type: 'model', response: [message.content] });
    else history.push({ type: message.role, text: message.content });
  }
  // After a tool result the model goes on with the same response; otherwise it starts a new one.
  const last = history.at(-1);
  const tail = last?.type === 'model' ? (last as ChatModelResponse).response.at(-1) : undefined;
  if (typeof tail !== 'object' || tail.type !== 'functionCall') history.push({ type: 'model', response: [] });
  return history;
}

function parseParams(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}
