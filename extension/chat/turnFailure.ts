// Why a chat turn failed, in words a user can act on, with the button that fixes it.
import type { ChatTurn } from '../../protocol/chat';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { demoModelPath } from '../onboarding';

export function describeFailure(error: unknown): Pick<ChatTurn, 'error' | 'action'> {
  if (!(error instanceof PylotError)) return { error: `Something went wrong: ${error instanceof Error ? error.message : String(error)}`, action: 'showLogs' };
  switch (error.code) {
    case ErrorCodes.NoModel:
      return demoModelPath('chat')
        ? { error: 'No chat model is set. Use the offline demo model, or choose an instruct model to chat with.', action: 'useDemoModel' }
        : { error: 'No chat model is set. Choose an instruct model to chat with.', action: 'selectModel' };
    case ErrorCodes.ModelNotFound:
    case ErrorCodes.ModelInvalid:
    case ErrorCodes.ModelTooLarge:
    case ErrorCodes.ModelLoadFailed:
    case ErrorCodes.Unsupported:
      return { error: error.message, action: 'selectModel' };
    case ErrorCodes.SidecarExited:
      // A crash mid-answer restarts by itself; an engine that gave up waits for the user.
      return /in flight/.test(error.message)
        ? {
            error: `Pylot's engine stopped while answering (${error.message}). It restarts by itself; your message is kept, so press Retry.`,
            action: 'restartSidecar',
          }
        : { error: `Pylot's engine is not running: ${error.message} Your message is kept: restart the engine, then press Retry.`, action: 'restartSidecar' };
    default:
      return { error: error.message, action: 'showLogs' };
  }
}
