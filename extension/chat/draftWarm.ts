// Reads the chat the user is writing into the chat model while they type: the panel posts the draft
// once typing pauses, and the backend of its mode (Ask on a local model) reads the very prompt a send
// would build, so Enter costs only the draft's last tokens. One at a time: a newer draft, a send,
// Stop, New chat or another chat cancels the one in flight.
import type { Log } from '../log';
import type { ChatController, SendRequest } from './chatController';

export class DraftWarm {
  private inFlight: AbortController | undefined;

  constructor(
    private readonly controller: Pick<ChatController, 'draftRequest'>,
    private readonly enabled: () => boolean,
    private readonly log: Log,
  ) {}

  async warm(draft: SendRequest): Promise<void> {
    this.cancel();
    if (!this.enabled()) return;
    const abort = new AbortController();
    this.inFlight = abort;
    try {
      const found = await this.controller.draftRequest(draft, abort.signal);
      if (!found || abort.signal.aborted) return;
      await found.backend.warm!(found.request);
    } catch (error) {
      // Superseded, pre-empted or refused: the turn builds and reads its prompt anyway.
      if (!abort.signal.aborted) this.log.debug(`Chat: the draft was not read ahead: ${String(error)}`);
    } finally {
      if (this.inFlight === abort) this.inFlight = undefined;
    }
  }

  cancel(): void {
    this.inFlight?.abort();
    this.inFlight = undefined;
  }
}
