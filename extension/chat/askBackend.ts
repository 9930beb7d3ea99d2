// Ask mode (and the Debug / Architect presets): plain chat on the chat model, streamed from the
// sidecar's model/generate under the turn's id, the history fitted to the model's real context.
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { Generate, GenerateDelta } from '../../protocol/sidecar';
import type { ModelManager } from '../models/modelManager';
import type { Sidecar } from '../sidecar/supervisor';
import type { ChatBackend, ChatEvents, ChatRequest, TurnResult } from './backend';
import { ContextTooSmallError, fitToContext } from './fitContext';

/** The longest reply; a quarter of a small context so the conversation keeps most of it. */
const maxReplyTokens = 2048;

export class AskBackend implements ChatBackend {
  constructor(private readonly sidecar: Sidecar, private readonly models: ModelManager) {}

  async send(request: ChatRequest, events: ChatEvents): Promise<TurnResult> {
    const model = await this.models.ensureLoaded('chat', request.signal);
    if (!model.capabilities.chat) throw new PylotError(ErrorCodes.Unsupported, `${model.name} cannot chat. Choose an instruct model for chat with "Pylot: Select Model…".`);
    const replyTokens = Math.min(maxReplyTokens, Math.floor(model.contextSize / 4));
    let fitted;
    try {
      fitted = fitToContext(request.systemPrompt, request.history, { contextSize: model.contextSize, replyTokens });
    } catch (error) {
      if (error instanceof ContextTooSmallError) throw new PylotError(ErrorCodes.InvalidParams, error.message);
      throw error;
    }
    const unsubscribe = this.sidecar.onNotification(GenerateDelta, (delta) => {
      if (delta.streamId === request.turnId && !request.signal.aborted) events.text(delta.text);
    });
    try {
      const result = await this.sidecar.request(
        Generate,
        { role: 'chat', messages: fitted.messages, maxTokens: replyTokens, temperature: 0.3, streamId: request.turnId },
        { signal: request.signal },
      );
      return {
        text: result.text,
        stopped: result.stopReason === 'aborted',
        usage: {
          promptTokens: result.promptTokens,
          tokens: result.tokens,
          estimatedPromptTokens: fitted.estimatedTokens,
          contextSize: model.contextSize,
          droppedMessages: fitted.droppedMessages || undefined,
        },
      };
    } finally {
      unsubscribe();
    }
  }
}
