// The fallback AgentUi, built from VS Code's own UI until the chat panel hosts the agent: progress
// in the Pylot log (what the model and the tools said only under `pylot.trace`), the diff editor for proposed edits, a QuickPick for each approval (it can
// be closed when the turn is cancelled or the prompt times out, which a modal dialog cannot).
import * as vscode from 'vscode';
import { code } from '../../protocol/logLine';
import type { Log } from '../log';
import type { AgentEventParams } from '../../protocol/agent';
import type { AgentUi, ApprovalDecision, ApprovalRequest, DecisionKind } from './ui';

const labels: Record<DecisionKind, string> = {
  allowOnce: '$(check) Allow once',
  allowSession: '$(check-all) Allow for this session',
  always: '$(pass-filled) Always allow',
  deny: '$(close) Deny…',
};

export class VsCodeAgentUi implements AgentUi {
  constructor(private readonly log: Log) {}

  onEvent(event: AgentEventParams): void {
    switch (event.type) {
      case 'text':
        return this.log.info`Agent says: ${code(event.text)}`;
      case 'toolCall':
        return this.log.info`Agent step ${event.step}: ${event.call.tool} ${code(event.call.args)}`;
      case 'toolResult': {
        const lines = event.output.split('\n');
        const shown = lines.length > 12 ? [...lines.slice(0, 12), `… (${lines.length - 12} more lines)`] : lines;
        return this.log.info`Agent tool ${event.status}: ${code(shown.join('\n'))}`;
      }
      case 'notice':
        return this.log.warn`Agent: ${code(event.message)}`;
    }
  }

  async requestApproval(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
    await request.change?.show();
    if (signal.aborted) return { kind: 'deny' };
    const items = request.options.map((kind) => ({
      label: labels[kind],
      decision: kind,
      description: (kind === 'allowSession' || kind === 'always') && request.rememberText ? request.rememberText : undefined,
    }));
    const choice = await pick(items, { title: `Pylot agent (${request.risk}): ${request.title}`, placeholder: request.reasons.join('; ') }, signal);
    if (!choice) return { kind: 'deny' };
    if (choice.decision !== 'deny') return { kind: choice.decision };
    const feedback = await ask('Tell the agent why, or what to do instead (optional)', signal);
    return { kind: 'deny', ...(feedback ? { feedback } : {}) };
  }

  async askContinue(reason: string, signal: AbortSignal): Promise<boolean> {
    const choice = await pick(
      [
        { label: '$(debug-continue) Go on', go: true },
        { label: '$(debug-stop) Stop the agent', go: false },
      ],
      { title: 'Pylot agent', placeholder: reason },
      signal,
    );
    return choice?.go === true;
  }
}

function pick<T extends vscode.QuickPickItem>(items: T[], options: { title: string; placeholder: string }, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve) => {
    const quickPick = vscode.window.createQuickPick<T>();
    Object.assign(quickPick, { items, title: options.title, placeholder: options.placeholder, ignoreFocusOut: true });
    let chosen: T | undefined;
    const close = () => quickPick.hide();
    signal.addEventListener('abort', close, { once: true });
    quickPick.onDidAccept(() => {
      chosen = quickPick.selectedItems[0];
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      signal.removeEventListener('abort', close);
      quickPick.dispose();
      resolve(chosen);
    });
    quickPick.show();
  });
}

function ask(prompt: string, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    Object.assign(box, { prompt, ignoreFocusOut: true });
    let value: string | undefined;
    const close = () => box.hide();
    signal.addEventListener('abort', close, { once: true });
    box.onDidAccept(() => {
      value = box.value.trim() || undefined;
      box.hide();
    });
    box.onDidHide(() => {
      signal.removeEventListener('abort', close);
      box.dispose();
      resolve(value);
    });
    box.show();
  });
}
