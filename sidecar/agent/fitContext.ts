// Keeps a turn's transcript inside the model's context: when the messages would not leave room for
// the reply, the oldest tool results are cut to their first line (the model can call the tool
// again), newest kept whole. The system prompt, the task and the last exchange are never cut.
import type { ChatMessage } from '../engine/engine';

const omitted = '[older output omitted to fit the context; call the tool again if you need it]';

/** Cuts `messages[i]` for the indices in `results` (oldest first) until the total fits `budget`; returns the total. */
export async function fitToContext(messages: ChatMessage[], results: readonly number[], budget: number, countTokens: (text: string) => Promise<number>): Promise<number> {
  const counts = await Promise.all(messages.map((message) => countTokens(message.content)));
  // A few tokens per message for the template's role markers.
  let total = counts.reduce((sum, n) => sum + n + 8, 0);
  for (const index of results) {
    if (total <= budget) break;
    const message = messages[index];
    if (!message || index >= messages.length - 2 || message.content.endsWith(omitted)) continue;
    const content = `${message.content.split('\n', 1)[0]!}\n${omitted}`;
    messages[index] = { ...message, content };
    const now = await countTokens(content);
    total -= counts[index]! - now;
    counts[index] = now;
  }
  return total;
}
