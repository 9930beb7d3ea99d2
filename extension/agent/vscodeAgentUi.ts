// The fallback AgentUi, built from VS Code's own UI until the chat panel hosts the agent: progress
// in the Pylot log (what the model and the tools said only under `pylot.trace`), the diff editor for proposed edits, a QuickPick for each approval (it can
// be closed when the turn is cancelled or the prompt times out, which a modal dialog cannot). An edit
// of several changes also offers "Choose changes…": a multi-select QuickPick of its changes, as the
// chat's card offers Reject on each; the ones left out go to the policy as `rejectedHunks`.
import * as vscode from 'vscode';
import { code } from '../../protocol/logLine';
import type { Log } from '../log';
import type { AgentEventParams } from '../../protocol/agent';
import { changeItems, keptSummary, type ChangeItem } from './hunkChoice';
import type { AgentUi, ApprovalDecision, ApprovalRequest, DecisionKind } from './ui';

const labels: Record<DecisionKind, string> = {
  allowOnce: '$(check) Allow once',
  allowSession: '$(check-all) Allow for this session',
  always: '$(pass-filled) Always allow',
  deny: '$(close) Deny…',
};

/** A QuickPick the agent put on screen, as a person reads it (the integration tests drive it with VS Code's own commands). */
export interface ShownPick {
  readonly title: string;
  readonly placeholder: string;
  readonly canPickMany: boolean;
  readonly items: ReadonlyArray<{ readonly label: string; readonly description?: string; readonly detail?: string; readonly picked: boolean }>;
}

export class VsCodeAgentUi implements AgentUi {
  constructor(
    private readonly log: Log,
    private readonly shown: (pick: ShownPick) => void = () => undefined,
  ) {}

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
    const changes = request.change && changeItems(request.change.before, request.change.after);
    /** Indexes of the changes to write; the others go out as `rejectedHunks`. */
    let kept = changes?.map((_, index) => index) ?? [];
    for (;;) {
      if (signal.aborted) return { kind: 'deny' };
      const part = changes && kept.length < changes.length ? keptSummary(kept.length, changes.length) : undefined;
      const items: Array<vscode.QuickPickItem & { decision: DecisionKind | 'choose' }> = request.options.map((kind) => ({
        label: labels[kind],
        decision: kind,
        description: (kind === 'allowSession' || kind === 'always') && request.rememberText ? request.rememberText : undefined,
      }));
      // Second, beside the Allow it qualifies; Allow once stays first, so Enter still allows.
      if (changes)
        items.splice(1, 0, {
          label: '$(list-selection) Choose changes…',
          decision: 'choose',
          description: part ? `${kept.length} of ${changes.length} kept` : `keep some of the ${changes.length} changes`,
        });
      const title = `Pylot agent (${request.risk}): ${request.title}`;
      const [choice] = (await this.pick(items, { title, placeholder: [...request.reasons, ...(part ? [part] : [])].join('; ') }, signal)) ?? [];
      if (!choice) return { kind: 'deny' };
      if (choice.decision === 'choose') {
        kept = (await this.chooseChanges(changes!, kept, request.change!.path, signal)) ?? kept;
        // None kept is the card's Allow with every change rejected: a denial, nothing written, no
        // rule remembered, and the model hears the same words.
        if (kept.length === 0) return { kind: 'allowOnce', rejectedHunks: changes!.map((_, index) => index) };
        continue;
      }
      if (choice.decision !== 'deny') {
        const rejectedHunks = changes ? changes.map((_, index) => index).filter((index) => !kept.includes(index)) : [];
        return { kind: choice.decision, ...(rejectedHunks.length ? { rejectedHunks } : {}) };
      }
      const feedback = await ask('Tell the agent why, or what to do instead (optional)', signal);
      return { kind: 'deny', ...(feedback ? { feedback } : {}) };
    }
  }

  /** The changes to keep, every one picked at first; undefined when the user went back (Escape or Back). */
  private async chooseChanges(changes: readonly ChangeItem[], kept: readonly number[], path: string, signal: AbortSignal): Promise<number[] | undefined> {
    const items = changes.map((change, index) => ({ ...change, index }));
    const chosen = await this.pick(
      items,
      {
        title: `Pylot agent: the changes to write to ${path}`,
        placeholder: 'Uncheck the changes to leave out, then press Enter',
        selected: items.filter((item) => kept.includes(item.index)),
      },
      signal,
    );
    return chosen?.map((item) => item.index).sort((a, b) => a - b);
  }

  async askContinue(reason: string, signal: AbortSignal): Promise<boolean> {
    const items = [
      { label: '$(debug-continue) Go on', go: true },
      { label: '$(debug-stop) Stop the agent', go: false },
    ];
    const [choice] = (await this.pick(items, { title: 'Pylot agent', placeholder: reason }, signal)) ?? [];
    return choice?.go === true;
  }

  /**
   * What the user accepted: one item, or with `selected` (a multi-select list, those checked at
   * first) every checked one. Undefined when it was closed: Escape, Back, or the signal.
   */
  private pick<T extends vscode.QuickPickItem>(
    items: T[],
    options: { title: string; placeholder: string; selected?: readonly T[] },
    signal: AbortSignal,
  ): Promise<readonly T[] | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const quickPick = vscode.window.createQuickPick<T>();
      const canPickMany = !!options.selected;
      Object.assign(quickPick, { items, title: options.title, placeholder: options.placeholder, ignoreFocusOut: true, canSelectMany: canPickMany });
      if (options.selected) {
        quickPick.selectedItems = options.selected;
        quickPick.buttons = [vscode.QuickInputButtons.Back];
      }
      let chosen: readonly T[] | undefined;
      const close = () => quickPick.hide();
      signal.addEventListener('abort', close, { once: true });
      quickPick.onDidTriggerButton(close);
      quickPick.onDidAccept(() => {
        chosen = canPickMany ? quickPick.selectedItems : quickPick.selectedItems.slice(0, 1);
        quickPick.hide();
      });
      quickPick.onDidHide(() => {
        signal.removeEventListener('abort', close);
        quickPick.dispose();
        resolve(chosen);
      });
      quickPick.show();
      const picked = new Set(options.selected);
      this.shown({
        title: options.title,
        placeholder: options.placeholder,
        canPickMany,
        items: items.map(({ label, description, detail }, index) => ({
          label,
          ...(description ? { description } : {}),
          ...(detail ? { detail } : {}),
          picked: picked.has(items[index]!),
        })),
      });
    });
  }
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
