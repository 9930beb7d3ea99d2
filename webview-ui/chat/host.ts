// The one way to the extension host: typed by protocol/chat.ts. Also the one owner of the panel's
// saved state (VS Code's getState/setState), which outlives a reload of the webview.
import type { ChatWebviewMessage } from '../../protocol/chat';

declare function acquireVsCodeApi(): { postMessage(message: ChatWebviewMessage): void; getState(): unknown; setState(state: unknown): void };

const api = acquireVsCodeApi();

export function postToHost(message: ChatWebviewMessage): void {
  api.postMessage(message);
}

/**
 * What survives the webview being reloaded: the draft being typed, and the changes rejected on edit
 * cards still waiting for a decision (by call id), which Allow has not sent yet.
 */
interface PanelState {
  readonly draft: string;
  readonly rejectedHunks: Readonly<Record<string, readonly number[]>>;
}

/** Waiting cards remembered at most; the oldest is forgotten first (a card left waiting in a chat no longer shown). */
const maxRemembered = 20;

/** The saved state, read defensively: it may be from an older Pylot, or missing. */
function saved(): PanelState {
  const state = api.getState() as { draft?: unknown; rejectedHunks?: unknown } | undefined;
  const rejectedHunks: Record<string, number[]> = {};
  if (state?.rejectedHunks && typeof state.rejectedHunks === 'object')
    for (const [callId, hunks] of Object.entries(state.rejectedHunks))
      if (Array.isArray(hunks)) rejectedHunks[callId] = hunks.filter((hunk): hunk is number => Number.isInteger(hunk) && hunk >= 0);
  return { draft: typeof state?.draft === 'string' ? state.draft : '', rejectedHunks };
}

function save(change: Partial<PanelState>): void {
  api.setState({ ...saved(), ...change });
}

export const draftStore = {
  get: (): string => saved().draft,
  set: (draft: string): void => save({ draft }),
};

/** The changes rejected on a waiting edit card; set to none once it is decided. */
export const hunkChoiceStore = {
  get: (callId: string): readonly number[] => saved().rejectedHunks[callId] ?? [],
  set: (callId: string, rejected: readonly number[]): void => {
    const { rejectedHunks } = saved();
    if (!rejected.length && !(callId in rejectedHunks)) return;
    const others = Object.entries(rejectedHunks).filter(([id]) => id !== callId);
    const kept = rejected.length ? [...others.slice(-(maxRemembered - 1)), [callId, [...rejected]] as const] : others;
    save({ rejectedHunks: Object.fromEntries(kept) });
  },
};
