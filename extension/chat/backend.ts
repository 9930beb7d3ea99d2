// What answers a chat turn. Ask (and its presets) is plain chat on the chat model (askBackend.ts);
// the agent plugs in as another ChatBackend for the 'agent' mode, and shows its tool calls and
// approval prompts in the panel through `events.toolCall`.
import type { ApprovalDecision, Attachment, CardDiff, ChatMode, Risk, TurnUsage } from '../../protocol/chat';
import type { RestoreReport } from '../agent/checkpoints';

/** One message of a conversation as the chat model reads it. */
export interface PromptMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatRequest {
  readonly chatId: string;
  /** The reply's id: its deltas, cards and abort carry it. */
  readonly turnId: string;
  readonly mode: ChatMode;
  /** The mode's system prompt (media/prompts/chat/<mode>.md). */
  readonly systemPrompt: string;
  /**
   * The conversation oldest first, ending with the new user message with its attachments folded in.
   * Not yet fitted to the model's context: the sidecar does that with the model's tokenizer.
   */
  readonly history: readonly PromptMessage[];
  /** What the user attached (also folded into the last message), e.g. for an agent's first reads. */
  readonly attachments: readonly Attachment[];
  /** Aborted by Stop, Escape, New chat or a new turn; the backend stops the model, tools and approvals. */
  readonly signal: AbortSignal;
}

/** The chat a send of the user's draft would give the backend now (no turn yet). */
export type DraftRequest = Pick<ChatRequest, 'mode' | 'systemPrompt' | 'history' | 'signal'>;

export interface ToolCallInfo {
  readonly tool: string;
  /** The call in one line, e.g. `edit_file src/a.ts (lines 3-9)`. */
  readonly summary: string;
  readonly risk: Risk;
  /** Why approval is asked for (or why it was allowed), from the policy engine. */
  readonly reason?: string;
  /** Opens the proposed change in VS Code's diff editor; offered on the card as "Open in diff editor". */
  readonly showDiff?: () => Promise<void>;
  /** The proposed change, shown inline in the card. */
  readonly diff?: CardDiff;
  /** A command's exact line and the folder it runs in. */
  readonly command?: { readonly line: string; readonly folder: string };
  /** The decisions the policy allows for this call (all four when absent). */
  readonly options?: readonly ApprovalDecision[];
}

export interface ApprovalAnswer {
  readonly decision: ApprovalDecision;
  /** What the user typed with Deny: handed back to the model. */
  readonly feedback?: string;
  /** An edit allowed in part: the hunks of its card's diff the user rejected (by index). */
  readonly rejectedHunks?: readonly number[];
}

export interface ToolCallView {
  /**
   * Shows Allow once / Allow for this session / Always / Deny with feedback on the card and waits.
   * A cancelled turn answers `deny`; the caller's policy applies its own timeout.
   */
  askApproval(): Promise<ApprovalAnswer>;
  /** Moves the card on; `result` is the tool output (or error) to show, shortened by the panel. */
  update(state: 'allowed' | 'denied' | 'running' | 'done' | 'failed', result?: string): void;
}

export interface ChatEvents {
  /** Streamed reply text. */
  text(delta: string): void;
  /** Shows a card for one tool call in this turn. */
  toolCall(call: ToolCallInfo): ToolCallView;
}

export interface TurnResult {
  readonly text: string;
  readonly usage: TurnUsage;
  /** Ended by the user before the model finished. */
  readonly stopped: boolean;
  /** Files the turn changed, and how to put them back (the agent's per-turn checkpoint). */
  readonly checkpoint?: { readonly files: number; restore(): Promise<RestoreReport> };
}

export interface ChatBackend {
  /** Answers one turn; throws a PylotError with a message a user can act on. */
  send(request: ChatRequest, events: ChatEvents): Promise<TurnResult>;
  /**
   * Reads the draft's chat into the model ahead of Enter, generating nothing, so the turn starts
   * sooner. Only where nothing leaves the machine (a local model); resolves without doing anything otherwise.
   */
  warm?(request: DraftRequest): Promise<void>;
}
