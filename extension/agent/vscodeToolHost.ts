// What the agent's tools get from VS Code (see tools/tool.ts, ToolHost): reads prefer what the user
// sees in an open editor, an approved change is one WorkspaceEdit (undoable) then saved, diffs show
// in VS Code's diff editor, commands run in the background runner (or, if the user wants, in a
// terminal: shellTerminals.ts), symbols come from the language servers.
import * as vscode from 'vscode';
import type { CodeSearch } from '../index/codebaseIndex';
import { DiffPreview } from './diffPreview';
import { createApproved, identifyApproved, MovedFileError, readApproved, type ApprovedFile } from './policy/fileHandles';
import type { WorkspacePaths } from './policy/paths';
import type { AgentSettings } from './agentSettings';
import { noShellIntegration, type AgentTerminals } from './shellTerminals';
import type { BackgroundCommands } from './tools/backgroundCommands';
import { ToolError, type FileChange, type SymbolLocation, type Target, type ToolHost } from './tools/tool';
import type { ProposedChange } from './ui';

export class VsCodeToolHost implements ToolHost {
  constructor(
    private readonly paths: WorkspacePaths,
    private readonly diffs: DiffPreview,
    private readonly searchCode: CodeSearch,
    private readonly settings: () => AgentSettings,
    /** Where commands run when the user chose a terminal (undefined: never in a terminal). */
    private readonly terminals: AgentTerminals | undefined,
    private readonly commands: BackgroundCommands,
  ) {}

  /** The text of an open editor for this file (it may hold unsaved changes). */
  openText(target: Target): string | undefined {
    return vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === 'file' && doc.uri.fsPath === target.absolute)?.getText();
  }

  async workspaceSymbols(name: string): Promise<SymbolLocation[]> {
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', name)) ?? [];
    return symbols.map((s) => ({
      name: s.name,
      absolute: s.location.uri.fsPath,
      startLine: s.location.range.start.line + 1,
      endLine: s.location.range.end.line + 1,
    }));
  }

  async relativePath(absolute: string): Promise<string> {
    return vscode.workspace.asRelativePath(vscode.Uri.file(absolute), (await this.paths.roots()).length > 1);
  }

  searchIndex(query: string, options: { readonly limit: number; readonly signal: AbortSignal }) {
    return this.searchCode(query, options);
  }

  preview({ target, before, after }: FileChange): ProposedChange {
    let shown: vscode.Uri | undefined;
    return {
      path: target.relative,
      before,
      after,
      show: async () => {
        if (shown) await this.diffs.close(shown);
        shown = await this.diffs.show(target.relative, vscode.Uri.file(target.absolute), before, after);
      },
      dispose: async () => {
        if (shown) await this.diffs.close(shown);
      },
    };
  }

  async write({ target, before, after }: FileChange, signal?: AbortSignal): Promise<string | void> {
    const uri = vscode.Uri.file(target.absolute);
    if (before === undefined) {
      // A new file is made through a checked handle (see policy/fileHandles): a folder swapped for a
      // link meanwhile cannot lead the write out of the workspace. VS Code sees it appear.
      await createApproved(approved(target), after, target.folder.path).catch(asToolError);
      return;
    }
    // An edit stays one undoable change in VS Code's editor, so VS Code's save writes the bytes. Its
    // save opens by path, so the file is checked through a handle just before (the very file the
    // policy approved, one hard link, no link on the way), again before saving, and after (the file now holds the edit).
    const identity = await identifyApproved(approved(target)).catch(asToolError);
    const document = await vscode.workspace.openTextDocument(uri);
    let note: string | undefined;
    if (this.settings().reviewEdits) note = await this.reviewed(target.relative, document, after, signal);
    else {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), after);
      if (!(await vscode.workspace.applyEdit(edit))) throw new ToolError(`VS Code could not apply the edit to ${target.relative}.`);
    }
    const again = await identifyApproved(approved(target)).catch(asToolError);
    if (again.dev !== identity.dev || again.ino !== identity.ino)
      throw new ToolError(
        `${target.relative} was replaced by another file while it was being edited; the edit is in the editor, unsaved. Check the file, then save or undo.`,
      );
    // e.g. the file changed on disk meanwhile: the edit stays in the editor (undoable), unsaved.
    if (!(await document.save()))
      throw new ToolError(
        `The edit is in the editor, but VS Code could not save ${target.relative} (it may have changed on disk). The user can save or undo it.`,
      );
    const saved = await readApproved(approved(target)).catch(asToolError);
    // Still the old text on disk after a save that succeeded: VS Code's write landed elsewhere.
    const plain = (text: string) => text.replace(/^\ufeff/, '').replace(/\r\n/g, '\n');
    const stillBefore = plain(saved.bytes.toString('utf8')) === plain(before) && plain(before) !== plain(after);
    // (The inode may differ after a save VS Code makes atomically, by rename; the content may not.)
    if (stillBefore) {
      throw new ToolError(
        `${target.relative} does not hold the edit after saving: a folder on the way may have been swapped while VS Code saved. Check ${target.relative} and the folders above it.`,
      );
    }
    return note;
  }

  /** The per-hunk review of an allowed edit: the kept hunks applied as one edit, or why nothing was. */
  private async reviewed(relative: string, document: vscode.TextDocument, after: string, signal?: AbortSignal): Promise<string | undefined> {
    const result = await this.diffs.review(relative, document, after, signal);
    switch (result.kind) {
      case 'applied':
        return result.rejected
          ? `The user kept ${result.kept} of the edit's ${result.total} changes and rejected the others: read ${relative} again before editing it further.`
          : undefined;
      case 'unchanged':
        return undefined;
      case 'rejected':
        throw new ToolError(`The user reviewed the edit and rejected every change; ${relative} is unchanged.`);
      case 'stale':
        throw new ToolError(`${relative} changed while the user reviewed the edit; nothing was written. Read it again.`);
      case 'cancelled':
        throw new ToolError(
          signal?.aborted
            ? `The turn was stopped while the user reviewed the edit; the review was closed and ${relative} is unchanged.`
            : `The review of the edit was closed; ${relative} is unchanged.`,
        );
      case 'failed':
        throw new ToolError(result.message);
    }
  }

  async run(
    command: string,
    cwd: string,
    signal: AbortSignal,
    options: { readonly waitMs?: number; readonly onOutput?: (text: string) => void } = {},
  ): Promise<string> {
    const settings = this.settings();
    const options_ = {
      cwd,
      timeoutMs: settings.commandTimeoutMs,
      outputLimit: settings.commandOutputLimit,
      signal,
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    };
    // Without waitMs the call lasts as long as the command (which its time limit ends).
    const waitMs = options.waitMs ?? settings.commandTimeoutMs + 5000;
    const terminals = settings.runCommandsInTerminal ? this.terminals : undefined;
    const inTerminal = await terminals?.shellRunner(cwd, signal);
    if (inTerminal) return this.commands.start(command, options_, waitMs, inTerminal);
    const mirror = terminals?.mirror();
    const note = mirror ? `${noShellIntegration}\n` : '';
    mirror?.write(`\r\n${note}$ ${command}\r\n`);
    const onOutput = (text: string) => {
      mirror?.write(text.replace(/\r?\n/g, '\r\n'));
      options.onOutput?.(text);
    };
    return note + (await this.commands.start(command, { ...options_, onOutput }, waitMs));
  }

  readCommand(id: string, waitMs: number, signal: AbortSignal): Promise<string> {
    return this.commands.read(id, waitMs, signal);
  }
}

/** The policy's target as the handle check takes it: with its workspace folder, the top of what can be swapped. */
function approved(target: Target): ApprovedFile {
  return { absolute: target.absolute, relative: target.relative, root: target.folder.path };
}

/** A file that is no longer the approved one is the model's and the user's to know about, as a tool error. */
function asToolError(error: unknown): never {
  if (error instanceof MovedFileError) throw new ToolError(error.message);
  throw error;
}
