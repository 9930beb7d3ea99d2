// What the agent needs from a user interface: where to show progress, how to ask for approval and
// whether to go on. The chat panel implements it; VsCodeAgentUi is the fallback built from VS Code's
// own prompts. No `vscode` import here, so the approval logic is tested as plain code.
import type { AgentEventParams, Risk, ToolCall } from '../../protocol/agent';
import type { ApprovalDecision, DecisionKind } from './policy/policy';

export type { ApprovalDecision, DecisionKind } from './policy/policy';

/** A proposed file change, computed but not written. */
export interface ProposedChange {
  /** Workspace-relative, for display. */
  readonly path: string;
  /** Content before; undefined for a new file. */
  readonly before: string | undefined;
  readonly after: string;
  /** Opens VS Code's diff editor: the file against the proposal, a virtual document (the file is untouched). */
  show(): Promise<void>;
  /** Closes the diff editor; the executor calls it once the decision is made. */
  dispose?(): Promise<void>;
}

export interface ApprovalRequest {
  readonly call: ToolCall;
  readonly risk: Risk;
  /** One line from the tool's own approval text, e.g. "Edit src/a.ts" or "Run: npm test". */
  readonly title: string;
  /** Why it needs a person, e.g. "command substitution $(…)". */
  readonly reasons: readonly string[];
  /** The answers to offer; "for this session" and "always" only where there is a rule to remember. */
  readonly options: readonly DecisionKind[];
  /** What "for this session"/"always" would remember, in words. */
  readonly rememberText?: string;
  readonly change?: ProposedChange;
}

export interface AgentUi {
  /** Streamed progress: model text, proposed calls, their results, notices. */
  onEvent(event: AgentEventParams): void;
  /** Resolves with the person's decision; `signal` aborts when the turn is cancelled or the prompt timed out. */
  requestApproval(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision>;
  /** Output of a running command call, as it arrives (optional: a UI may show only the result). */
  onCommandOutput?(callId: string, text: string): void;
  /** A guard fired (e.g. the same call three times): go on? */
  askContinue(reason: string, signal: AbortSignal): Promise<boolean>;
}
