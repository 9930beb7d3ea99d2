// The extension-side entry point of the agent: runAgentTurn(request, ui) runs one turn in the
// sidecar and executes the calls it proposes — through the policy, the UI's approvals and the
// tools — until the turn ends. Any UI can drive it: the chat panel, or VsCodeAgentUi.
import { randomUUID } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { code } from '../../protocol/logLine';
import {
  AgentEvent,
  AgentRun,
  AskContinue,
  ExecuteTool,
  externalToolSpec,
  isExternalToolName,
  toolSpec,
  type AgentMode,
  type AgentOutcome,
  type ToolCall,
  type ToolResult,
  type ToolSpec,
} from '../../protocol/agent';
import { ErrorCodes, PylotError, type ParamsOf } from '../../protocol/rpc';
import type { CodeSearch } from '../index/codebaseIndex';
import type { Log } from '../log';
import type { ModelManager } from '../models/modelManager';
import type { Sidecar } from '../sidecar/supervisor';
import { Checkpoints, type RestoreFile, type RestoreReport } from './checkpoints';
import { DiffPreview } from './diffPreview';
import { executeCall } from './executeCall';
import type { TurnTools } from './externalSources';
import type { ExternalTools } from './externalTool';
import { createApproved, identifyApproved } from './policy/fileHandles';
import { WorkspacePaths } from './policy/paths';
import { AgentPolicy } from './policy/policy';
import { SavedOutputs } from './savedOutputs';
import { readAgentSettings, saveRule, type AgentSettings } from './agentSettings';
import type { AgentUi } from './ui';
import { AgentTerminals } from './shellTerminals';
import { BackgroundCommands } from './tools/backgroundCommands';
import { VsCodeToolHost } from './vscodeToolHost';

export interface AgentTurnRequest {
  readonly task: string;
  /** Earlier messages of the conversation, oldest first. */
  readonly history?: ReadonlyArray<{ readonly role: 'user' | 'assistant'; readonly content: string }>;
  /** ask: read-only tools only; agent (the default): every tool. */
  readonly mode?: AgentMode;
}

export interface AgentTurnResult {
  readonly turnId: string;
  readonly outcome: AgentOutcome;
  readonly answer: string;
  readonly steps: number;
  /** Files this turn changed or created (absolute paths). */
  readonly changedFiles: readonly string[];
  /** Tokens generated over the turn's steps, and prompt tokens evaluated. */
  readonly tokens?: number;
  readonly promptTokens?: number;
}

interface Turn {
  readonly ui: AgentUi;
  readonly signal: AbortSignal;
  readonly settings: AgentSettings;
  readonly mode: AgentMode;
  /** The tools of MCP servers and VS Code offered in this turn. */
  readonly external: ExternalTools;
}

/** The most time one turn spends copying files for its checkpoint; files after that are named as not restorable. */
const checkpointBudgetMs = 3000;

export class AgentService implements vscode.Disposable {
  readonly checkpoints = new Checkpoints(() => ({ maxBytes: readAgentSettings().checkpointMaxBytes, budgetMs: checkpointBudgetMs }));
  private readonly turns = new Map<string, Turn>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private policy: AgentPolicy;
  private readonly terminals = new AgentTerminals();
  private readonly outputs: SavedOutputs | undefined;
  private readonly commands = new BackgroundCommands();

  constructor(
    private readonly sidecar: Sidecar,
    private readonly models: ModelManager,
    private readonly preview: DiffPreview,
    private readonly log: Log,
    private readonly searchCode: CodeSearch,
    /** A proposed edit or new file the user kept (applied) or rejected (denied), for the usage statistics. */
    private readonly proposalDecided: (kept: boolean) => void = () => undefined,
    /** The workspace storage's folder for long tool results (undefined where storage is not a local folder). */
    outputsFolder?: string,
    /** The tools of MCP servers and VS Code to offer in a turn (none when absent). */
    private readonly externalTools: (signal: AbortSignal) => Promise<TurnTools> = async () => ({ tools: new Map(), notices: [] }),
  ) {
    // Saved when longer than about what the model is given (toolOutputTokens at ≥ 3 characters a token).
    this.outputs = outputsFolder ? new SavedOutputs(outputsFolder, () => readAgentSettings().toolOutputTokens * 3) : undefined;
    this.policy = this.newPolicy();
    const stopEvents = sidecar.onNotification(AgentEvent, (event) => this.turns.get(event.turnId)?.ui.onEvent(event));
    sidecar.onRequest(ExecuteTool, (params, signal) => this.executeTool(params, signal));
    sidecar.onRequest(AskContinue, async (params, signal) => {
      const turn = this.turns.get(params.turnId);
      if (!turn) return { continue: false };
      return { continue: await turn.ui.askContinue(params.reason, AbortSignal.any([turn.signal, signal])).catch(() => false) };
    });
    const ignoreFiles = vscode.workspace.createFileSystemWatcher('**/.pylotignore');
    const reload = () => this.policy.paths.reloadIgnores();
    this.subscriptions.push(
      { dispose: stopEvents },
      ignoreFiles,
      ignoreFiles.onDidChange(reload),
      ignoreFiles.onDidCreate(reload),
      ignoreFiles.onDidDelete(reload),
      // Session rules belong to the folders they were given for.
      vscode.workspace.onDidChangeWorkspaceFolders(() => (this.policy = this.newPolicy())),
    );
  }

  async runAgentTurn(request: AgentTurnRequest, ui: AgentUi, signal?: AbortSignal): Promise<AgentTurnResult> {
    const turnId = randomUUID();
    const abort = new AbortController();
    const cancel = () => abort.abort();
    signal?.addEventListener('abort', cancel, { once: true });
    if (signal?.aborted) abort.abort();
    const settings = readAgentSettings((warning) => this.log.warn(warning));
    this.checkpoints.begin(turnId, request.task.replace(/\s+/g, ' ').slice(0, 80));
    try {
      await this.models.ensureLoaded('chat', abort.signal);
      const { tools: external, notices } = await this.externalTools(abort.signal);
      for (const message of notices) ui.onEvent({ type: 'notice', turnId, message });
      this.turns.set(turnId, { ui, signal: abort.signal, settings, mode: request.mode ?? 'agent', external });
      const result = await this.sidecar.request(
        AgentRun,
        {
          turnId,
          task: request.task,
          history: request.history?.map(({ role, content }) => ({ role, content })),
          mode: request.mode ?? 'agent',
          workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.name),
          maxSteps: settings.maxSteps,
          maxConsecutiveErrors: settings.maxConsecutiveErrors,
          toolOutputTokens: settings.toolOutputTokens,
          ...(external.size ? { tools: [...external.values()].map((runner) => runner.tool) } : {}),
        },
        { signal: abort.signal },
      );
      return { ...result, changedFiles: this.changedBy(turnId) };
    } catch (error) {
      if (error instanceof PylotError && error.code === ErrorCodes.Cancelled) {
        return { turnId, outcome: 'cancelled', answer: '', steps: 0, changedFiles: this.changedBy(turnId) };
      }
      throw error;
    } finally {
      abort.abort(); // ends anything of this turn still waiting: a prompt, a command
      this.turns.delete(turnId);
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** Puts back every file changed since `turnId` began (that turn and the ones after it). */
  async restoreCheckpoint(turnId: string): Promise<RestoreReport> {
    return this.checkpoints.restoreTo(turnId, restoreFile);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.terminals.dispose();
  }

  private changedBy(turnId: string): string[] {
    return (
      this.checkpoints
        .list()
        .find((checkpoint) => checkpoint.turnId === turnId)
        ?.files.slice() ?? []
    );
  }

  private newPolicy(): AgentPolicy {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
    return new AgentPolicy(new WorkspacePaths(folders), readAgentSettings);
  }

  /** agent/executeTool: the sidecar proposes a call; the policy, the user and the tool decide here. */
  private async executeTool(params: ParamsOf<typeof ExecuteTool>, cancelled: AbortSignal): Promise<ToolResult> {
    const turn = this.turns.get(params.turnId);
    if (!turn) return { status: 'denied', output: 'This agent turn has ended.' };
    const { call } = params;
    const spec = specOf(call, turn.external);
    if (!spec) return { status: 'error', output: `There is no tool ${call.tool} in this turn.` };
    // Ask mode offers the model read-only tools; a write proposed anyway is refused here too.
    if (turn.mode === 'ask' && spec.risk !== 'read') return { status: 'denied', output: `${call.tool} is not available in Ask mode.` };
    // Restricted Mode: a repository not yet trusted runs nothing, approved or not.
    if (spec.risk === 'command' && !vscode.workspace.isTrusted)
      return { status: 'denied', output: 'Commands are off until the workspace is trusted (Restricted Mode).' };
    const signal = AbortSignal.any([turn.signal, cancelled]);
    const policy = this.policy;
    const host = new VsCodeToolHost(policy.paths, this.preview, this.searchCode, () => turn.settings, this.terminals, this.commands);
    const result = await executeCall(
      call,
      {
        policy,
        host,
        ui: turn.ui,
        approvalTimeoutMs: turn.settings.approvalTimeoutMs,
        saveRule,
        beforeWrite: async (target, before) => {
          const why = await this.checkpoints.record(params.turnId, { absolute: target.absolute, relative: target.relative, root: target.folder.path }, before);
          if (why)
            turn.ui.onEvent({ type: 'notice', turnId: params.turnId, message: `${target.relative} cannot be restored from this reply's checkpoint: ${why}.` });
        },
        ...(this.outputs ? { outputs: this.outputs } : {}),
        external: turn.external,
      },
      signal,
    );
    // The title names the file or the command, which came from the model: user content, as the code an edit carries.
    this.log.info`Agent: ${call.tool} ${code(spec.approvalTitle(call.args).slice(0, 200))} → ${result.status}`;
    if (spec.risk === 'write' && !isExternalToolName(call.tool) && result.status !== 'error') this.proposalDecided(result.status === 'ok');
    return result;
  }
}

/** The spec of a call's tool: Pylot's own, or one of this turn's external tools; undefined for neither. */
function specOf(call: ToolCall, external: ExternalTools): ToolSpec | undefined {
  if (!isExternalToolName(call.tool)) return toolSpec(call.tool);
  const runner = external.get(call.tool);
  return runner && externalToolSpec(runner.tool);
}

/**
 * A checkpoint restore: the exact bytes back (VS Code writes them, so an open editor shows them; the
 * file is checked through a handle first, as for an edit), the editor's unsaved text back on top, or
 * the file removed if the turn made it.
 */
const restoreFile: RestoreFile = async (file, saved) => {
  const uri = vscode.Uri.file(file.absolute);
  if (saved.kind === 'absent') {
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(uri, { ignoreIfNotExists: true });
    await vscode.workspace.applyEdit(edit);
    return;
  }
  const gone = await lstat(file.absolute).then(
    () => false,
    () => true,
  );
  if (gone) await createApproved(file, saved.bytes, file.root ?? path.dirname(file.absolute));
  else {
    await identifyApproved(file); // a link or a swapped folder is refused, as for an edit
    await vscode.workspace.fs.writeFile(uri, saved.bytes);
  }
  if (saved.unsaved === undefined) return;
  const document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), saved.unsaved);
  await vscode.workspace.applyEdit(edit);
};
