// The agent as the chat panel's Agent mode: the panel's cards show each call, and its buttons answer
// the agent's approvals (VsCodeAgentUi is the same for pylot.runAgent, with VS Code's own prompts).
import * as vscode from 'vscode';
import { isExternalToolName, toolSpec, type AgentEventParams, type Risk, type ToolCall } from '../../protocol/agent';
import type { ApprovalDecision as ChatDecision } from '../../protocol/chat';
import type { ApprovalAnswer, ChatBackend, ChatEvents, ChatRequest, ToolCallView, TurnResult } from '../chat/backend';
import { cardDiff } from '../chat/cardDiff';
import type { AgentApi } from './register';
import type { ApprovalDecision, ApprovalRequest, DecisionKind } from './ui';

const toChat: Record<DecisionKind, ChatDecision> = { allowOnce: 'once', allowSession: 'session', always: 'always', deny: 'deny' };

export class AgentChatBackend implements ChatBackend {
  constructor(private readonly agent: AgentApi) {}

  async send(request: ChatRequest, events: ChatEvents): Promise<TurnResult> {
    const cards = new Map<string, ToolCallView>();
    const calls = new Map<string, ToolCall>();
    const cardFor = (call: ToolCall, approval?: ApprovalRequest) => {
      let card = cards.get(call.id);
      if (!card) {
        card = events.toolCall({
          tool: call.tool,
          summary: approval?.title ?? (isExternalToolName(call.tool) ? call.tool : toolSpec(call.tool).approvalTitle(call.args)),
          risk: approval?.risk ?? riskWithoutPrompt(call),
          reason: approval?.reasons.join('; ') || undefined,
          showDiff: approval?.change ? () => approval.change!.show() : undefined,
          diff: approval?.change ? cardDiff(approval.change.path, approval.change.before, approval.change.after) : undefined,
          command: commandLine(call),
          options: approval?.options.map((kind) => toChat[kind]),
        });
        cards.set(call.id, card);
      }
      return card;
    };
    // What the loop said it did (a repaired call, a summary, a fallback) stays in the reply once it ends.
    const notices: string[] = [];
    const onEvent = (event: AgentEventParams) => {
      if (event.type === 'text') events.text(event.text);
      else if (event.type === 'notice') {
        notices.push(`> ${event.message}\n\n`);
        events.text(`\n\n> ${event.message}\n\n`);
      } else if (event.type === 'toolCall') {
        calls.set(event.call.id, event.call);
        // Reads usually run without asking: their card shows at once. Writes, commands and external
        // tools (which may ask) get theirs with the approval, or with the result.
        if (!isExternalToolName(event.call.tool) && toolSpec(event.call.tool).risk === 'read') cardFor(event.call).update('running');
      } else if (event.type === 'toolResult') {
        clearTimeout(live.get(event.callId)?.timer);
        live.delete(event.callId);
        returned.add(event.callId);
        const call = calls.get(event.callId);
        const card = cards.get(event.callId) ?? (call && cardFor(call));
        card?.update(event.status === 'ok' ? 'done' : event.status === 'denied' ? 'denied' : 'failed', event.output);
      }
    };
    const requestApproval = async (approval: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> => {
      const card = cardFor(approval.call, approval);
      // The policy's timeout (or the turn's end) aborts `signal`: no decision means deny.
      const timedOut = new Promise<ApprovalAnswer>((resolve) => {
        const deny = () => resolve({ decision: 'deny', feedback: 'No decision in time.' });
        if (signal.aborted) deny();
        else signal.addEventListener('abort', deny, { once: true });
      });
      const answer = await Promise.race([card.askApproval(), timedOut]);
      if (signal.aborted) card.update('denied', answer.feedback);
      if (answer.decision !== 'deny') card.update('running');
      const kind = (Object.keys(toChat) as DecisionKind[]).find((k) => toChat[k] === answer.decision) ?? 'deny';
      if (kind === 'deny') return { kind, feedback: answer.feedback };
      return { kind: approval.options.includes(kind) ? kind : 'allowOnce', ...(answer.rejectedHunks?.length ? { rejectedHunks: answer.rejectedHunks } : {}) };
    };
    // A running command's card shows its output as it comes (its tail, a few times a second).
    const live = new Map<string, { text: string; timer?: NodeJS.Timeout }>();
    // Once its call returned, a command left running is read with read_command_output, on that call's card.
    const returned = new Set<string>();
    const onCommandOutput = (callId: string, text: string) => {
      const call = calls.get(callId);
      if (returned.has(callId)) return;
      const shown = live.get(callId) ?? { text: '' };
      shown.text = (shown.text + text).slice(-4000);
      live.set(callId, shown);
      shown.timer ??= setTimeout(() => {
        shown.timer = undefined;
        const card = cards.get(callId) ?? (call && cardFor(call));
        if (live.get(callId) === shown) card?.update('running', shown.text);
      }, 250);
    };
    const askContinue = async (reason: string) => (await vscode.window.showWarningMessage(`Pylot agent: ${reason}`, 'Go On', 'Stop')) === 'Go On';

    const history = request.history.filter((m) => m.role === 'user' || m.role === 'assistant');
    const task = history.at(-1)?.content ?? '';
    const result = await this.agent.runAgentTurn(
      { task, history: history.slice(0, -1).map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content })), mode: 'agent' },
      { onEvent, requestApproval, askContinue, onCommandOutput },
      request.signal,
    );
    const checkpoint = result.changedFiles.length
      ? { files: result.changedFiles.length, restore: () => this.agent.restoreCheckpoint(result.turnId) }
      : undefined;
    return {
      text: notices.join('') + result.answer,
      usage: { tokens: result.tokens ?? 0, promptTokens: result.promptTokens },
      stopped: result.outcome === 'cancelled',
      checkpoint,
    };
  }
}

/** A call's risk when no prompt said it: an external tool runs without one only as a trusted read. */
function riskWithoutPrompt(call: ToolCall): Risk {
  return isExternalToolName(call.tool) ? 'read' : toolSpec(call.tool).risk;
}

/** run_command's exact line and folder, for its card (the summary may shorten it). */
function commandLine(call: ToolCall): { line: string; folder: string } | undefined {
  if (call.tool !== 'run_command' || typeof call.args.command !== 'string') return undefined;
  return { line: call.args.command, folder: typeof call.args.cwd === 'string' && call.args.cwd.trim() ? call.args.cwd : '.' };
}
