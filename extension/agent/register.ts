// Wires the agent into the extension: its diff previews, the agent service, and
// the commands that drive it with VS Code's own UI until the chat panel does (progress in the Pylot log). Returns the API the
// panel (and the integration tests) call.
import path from 'node:path';
import * as vscode from 'vscode';
import { code } from '../../protocol/logLine';
import type { CodeSearch } from '../index/codebaseIndex';
import type { Log } from '../log';
import type { ModelManager } from '../models/modelManager';
import type { ProposedDocuments } from '../proposedDocuments';
import type { Sidecar } from '../sidecar/supervisor';
import { AgentService, type AgentTurnRequest, type AgentTurnResult } from './agentService';
import { describeRestore, type Checkpoint, type RestoreReport } from './checkpoints';
import { DiffPreview } from './diffPreview';
import type { Reviews } from '../review/reviewSession';
import { ExternalSources } from './externalSources';
import { registerPylotTools } from '../lm/pylotTools';
import type { AgentUi } from './ui';
import { VsCodeAgentUi, type ShownPick } from './vscodeAgentUi';

export type { AgentTurnRequest, AgentTurnResult } from './agentService';
export type { AgentUi, ApprovalDecision, ApprovalRequest, ProposedChange } from './ui';

export interface AgentApi {
  /** Runs one agent turn; `ui` shows progress and answers approvals. Cancel with `signal`. */
  runAgentTurn(request: AgentTurnRequest, ui: AgentUi, signal?: AbortSignal): Promise<AgentTurnResult>;
  checkpoints(): Checkpoint[];
  /** Restores the files as they were before the turn `turnId` (undoing it and every later turn). */
  restoreCheckpoint(turnId: string): Promise<RestoreReport>;
  /** Each QuickPick Pylot: Run Agent puts on screen (approvals, an edit's changes), as the user reads it. */
  readonly onDidShowPick: vscode.Event<ShownPick>;
}

export function registerAgent(
  context: vscode.ExtensionContext,
  sidecar: Sidecar,
  models: ModelManager,
  log: Log,
  searchCode: CodeSearch,
  proposed: ProposedDocuments,
  proposalDecided?: (kept: boolean) => void,
  reviews?: Reviews,
): AgentApi {
  const preview = new DiffPreview(proposed, reviews);
  const storage = context.storageUri ?? context.globalStorageUri;
  const outputsFolder = storage.scheme === 'file' ? path.join(storage.fsPath, 'agent-output') : undefined;
  const external = new ExternalSources(log, String(context.extension.packageJSON.version ?? '0.0.0'));
  const picks = new vscode.EventEmitter<ShownPick>();
  const service = new AgentService(sidecar, models, preview, log, searchCode, proposalDecided, outputsFolder, (signal) => external.forTurn(signal));
  const api: AgentApi = {
    runAgentTurn: (request, ui, signal) => service.runAgentTurn(request, ui, signal),
    checkpoints: () => service.checkpoints.list(),
    restoreCheckpoint: (turnId) => service.restoreCheckpoint(turnId),
    onDidShowPick: picks.event,
  };
  context.subscriptions.push(
    service,
    picks,
    external,
    ...registerPylotTools(searchCode, preview),
    vscode.commands.registerCommand('pylot.runAgent', (task?: string) => runAgentCommand(api, new VsCodeAgentUi(log, (pick) => picks.fire(pick)), log, task)),
    vscode.commands.registerCommand('pylot.restoreCheckpoint', () => restoreCommand(api)),
  );
  return api;
}

async function runAgentCommand(api: AgentApi, ui: VsCodeAgentUi, log: Log, preset?: string): Promise<AgentTurnResult | undefined> {
  const task =
    typeof preset === 'string' && preset
      ? preset
      : await vscode.window.showInputBox({
          prompt: 'What should the Pylot agent do?',
          placeHolder: 'e.g. Fix the failing test in src/math.test.ts',
          ignoreFocusOut: true,
        });
  if (!task) return undefined;
  log.show();
  log.info`Agent task: ${code(task)}`;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Pylot agent', cancellable: true },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return api.runAgentTurn({ task }, ui, abort.signal);
      },
    );
    log.info`Agent: ${result.outcome} after ${result.steps} steps`;
    const actions = result.changedFiles.length ? ['Restore Files', 'Show Output'] : ['Show Output'];
    const summary = result.outcome === 'answered' ? result.answer : result.answer || `The agent stopped (${result.outcome}).`;
    void vscode.window.showInformationMessage(`Pylot agent: ${summary.slice(0, 300)}`, ...actions).then(async (choice) => {
      if (choice === 'Show Output') log.show();
      if (choice === 'Restore Files') {
        const report = await api.restoreCheckpoint(result.turnId);
        void vscode.window.showInformationMessage(describeRestore(report, (f) => vscode.workspace.asRelativePath(f)));
      }
    });
    return result;
  } catch (error) {
    void vscode.window.showErrorMessage(`Pylot agent: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

async function restoreCommand(api: AgentApi): Promise<void> {
  const checkpoints = api.checkpoints().reverse();
  if (checkpoints.length === 0) {
    void vscode.window.showInformationMessage('The Pylot agent has changed no files in this session.');
    return;
  }
  const choice = await vscode.window.showQuickPick(
    checkpoints.map((checkpoint) => ({
      label: checkpoint.label,
      description: `${checkpoint.files.length} file(s)${checkpoint.notRestorable.length ? `, ${checkpoint.notRestorable.length} not restorable` : ''}`,
      detail: checkpoint.files.map((f) => vscode.workspace.asRelativePath(f)).join(', '),
      turnId: checkpoint.turnId,
    })),
    { title: 'Restore files to before this agent turn (and undo the turns after it)' },
  );
  if (!choice) return;
  const report = await api.restoreCheckpoint(choice.turnId);
  void vscode.window.showInformationMessage(describeRestore(report, (f) => vscode.workspace.asRelativePath(f)));
}
