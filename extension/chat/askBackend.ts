// Ask mode (and the Debug / Architect presets): plain chat on the chat model, streamed from the
// sidecar's model/generate under the turn's id; the sidecar fits the history to the model's real
// context with its tokenizer (sidecar/engine/tokenBudget.ts).
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { Generate, GenerateDelta, WarmChat, type ModelInfo } from '../../protocol/sidecar';
import type { ModelManager } from '../models/modelManager';
import type { Sidecar } from '../sidecar/supervisor';
import type { ChatBackend, ChatEvents, ChatRequest, DraftRequest, TurnResult } from './backend';
import { turnTiming } from './turnTiming';

/** The longest reply; a quarter of a small context so the conversation keeps most of it. */
const maxReplyTokens = 2048;

export class AskBackend implements ChatBackend {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly models: ModelManager,
  ) {}

  async send(request: ChatRequest, events: ChatEvents): Promise<TurnResult> {
    const model = await this.models.ensureLoaded('chat', request.signal);
    if (!model.capabilities.chat)
      throw new PylotError(ErrorCodes.Unsupported, `${model.name} cannot chat. Choose an instruct model for chat with "Pylot: Select Model…".`);
    const unsubscribe = this.sidecar.onNotification(GenerateDelta, (delta) => {
      if (delta.streamId === request.turnId && !request.signal.aborted) events.text(delta.text);
    });
    try {
      turnTiming.mark(request.turnId, 'request');
      const result = await this.sidecar.request(
        Generate,
        {
          role: 'chat',
          messages: chatOf(request),
          fitToContext: true,
          maxTokens: replyTokens(model),
          temperature: 0.3,
          streamId: request.turnId,
        },
        { signal: request.signal },
      );
      this.models.noteAnswer('chat', result.server);
      return {
        text: result.text,
        stopped: result.stopReason === 'aborted',
        usage: {
          promptTokens: result.promptTokens,
          tokens: result.tokens,
          estimatedPromptTokens: result.fittedTokens,
          contextSize: model.contextSize,
          droppedMessages: result.droppedMessages || undefined,
        },
      };
    } finally {
      unsubscribe();
    }
  }

  /**
   * The draft's chat read by a loaded local chat model, as `send` will give it (same messages, same
   * fit). A server model is never sent a draft: a remote server sees only what the user sends.
   */
  async warm(request: DraftRequest): Promise<void> {
    const { state, model } = this.models.state('chat');
    if (state !== 'ready' || model?.engine !== 'local' || !model.capabilities.chat) return;
    await this.sidecar.request(WarmChat, { messages: chatOf(request), maxTokens: replyTokens(model) }, { signal: request.signal });
  }
}

function chatOf(request: DraftRequest): Array<{ role: 'system' | 'user' | 'assistant'; content: string }> {
  return [{ role: 'system', content: request.systemPrompt }, ...request.history];
}

function replyTokens(model: ModelInfo): number {
  return Math.min(maxReplyTokens, Math.floor(model.contextSize / 4));
}
