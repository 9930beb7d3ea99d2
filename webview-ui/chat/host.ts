// The one way to the extension host: typed by protocol/chat.ts.
import type { ChatWebviewMessage } from '../../protocol/chat';

declare function acquireVsCodeApi(): { postMessage(message: ChatWebviewMessage): void; getState(): unknown; setState(state: unknown): void };

const api = acquireVsCodeApi();

export function postToHost(message: ChatWebviewMessage): void {
  api.postMessage(message);
}

/** What survives the panel being hidden and shown again: the draft being typed. */
export const draftStore = {
  get: (): string => {
    const state = api.getState() as { draft?: unknown } | undefined;
    return typeof state?.draft === 'string' ? state.draft : '';
  },
  set: (draft: string): void => api.setState({ draft }),
};
