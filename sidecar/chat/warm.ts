// chat/warm: the user's unsent draft read into the local chat model's sequence while they type, so
// Enter costs only the draft's last tokens. Background priority (a completion, a chat turn or a
// next edit pre-empts it), one at a time (a newer draft cancels the one being read). A chat model
// on a server is never sent the draft: only what the user sends leaves the machine.
import type { Endpoint } from '../../protocol/endpoint';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { WarmChat } from '../../protocol/sidecar';
import type { Runtime } from '../engine/runtime';
import type { Scheduler } from '../engine/scheduler';
import { countTokens, fitConversation } from '../engine/tokenBudget';
import type { ModelSlots } from '../models/slots';

export function registerChatWarm(endpoint: Endpoint, slots: ModelSlots, scheduler: Scheduler, runtime: () => Promise<Runtime>): void {
  let reading: AbortController | undefined;
  endpoint.onRequest(WarmChat, async (params, signal) => {
    await runtime();
    if (params.messages.at(-1)?.role !== 'user') throw new PylotError(ErrorCodes.InvalidParams, "chat/warm needs the chat to end with the user's draft.");
    reading?.abort();
    const mine = new AbortController();
    reading = mine;
    try {
      return await scheduler.run('background', AbortSignal.any([signal, mine.signal]), async (granted) => {
        // Only a loaded local model: a warm loads nothing, and a server's engine has no readChat.
        const engine = slots.get('chat');
        if (!engine?.readChat || engine.info.engine !== 'local') return { warmed: false };
        // Fitted as the turn's chat is (model/generate with fitToContext), so the same messages are read.
        const fitted = await fitConversation(params.messages, engine.info.contextSize, params.maxTokens, (text) => countTokens(engine, text, granted));
        const { promptTokens } = await engine.readChat(fitted.messages, granted);
        return { warmed: true, promptTokens };
      });
    } catch (error) {
      if (mine.signal.aborted && !signal.aborted) throw new PylotError(ErrorCodes.Cancelled, 'A newer draft replaced this one.');
      throw error;
    } finally {
      if (reading === mine) reading = undefined;
    }
  });
}
