// The tools as VS Code runs them: reads prefer what the user sees in an open editor, an approved
// change is one WorkspaceEdit (undoable) then saved, commands run in the background runner
// (mirrored to a terminal if the user wants), definitions come from the language servers.
import * as vscode from 'vscode';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { CodebaseSearchResult, CodeSearch } from '../index/codebaseIndex';
import { DiffPreview } from './diffPreview';
import { ToolError, type Target, type ToolBackend } from './executeCall';
import { createApproved, identifyApproved, MovedFileError, readApproved, type ApprovedFile } from './policy/fileHandles';
import type { WorkspacePaths } from './policy/paths';
import type { AgentSettings } from './settings';
import { describeRun, runCommand } from './tools/commandRunner';
import { listFolder, readNumbered, readTextFile, searchText, type SearchRoot } from './tools/fileTools';
import type { ProposedChange } from './ui';


export class VsCodeBackend implements ToolBackend {
  constructor(
    private readonly paths: WorkspacePaths,
    private readonly diffs: DiffPreview,
    private readonly searchIndex: CodeSearch,
    private readonly settings: () => AgentSettings,
    private readonly terminal: () => { write(text: string): void } | undefined,
  ) {}

  async read(target: Target, startLine?: number, endLine?: number): Promise<string> {
    return readNumbered(target.absolute, target.relative, openText(target), startLine, endLine, target.folder.path);
  }

  list(target: Target, recursive: boolean): Promise<string> {
    return listFolder(target.absolute, target.relative, recursive, async (relative) => (await this.paths.protection(target.folder, relative)) !== undefined);
  }

  async searchText(query: string, isRegex: boolean, under: Target | undefined, signal: AbortSignal): Promise<string> {
    const roots = await this.paths.roots();
    const searchRoots: SearchRoot[] = under
      ? [{ absolute: under.absolute, relative: under.relative, folder: under.folder.path, ...(roots.length > 1 ? { label: under.folder.name } : {}) }]
      : roots.map((root) => ({ absolute: root.path, relative: '', ...(roots.length > 1 ? { label: root.name } : {}) }));
    const rootOf = (root: SearchRoot) => (under ? under.folder : roots.find((r) => r.path === root.absolute)!);
    return searchText(searchRoots, query, isRegex, async (root, relative) => (await this.paths.protection(rootOf(root), relative)) !== undefined, signal);
  }

  async searchCode(query: string, signal: AbortSignal): Promise<string> {
    let answer: CodebaseSearchResult;
    try {
      answer = await this.searchIndex(query, { limit: 10, signal });
    } catch (error) {
      if (error instanceof PylotError && error.code === ErrorCodes.Cancelled) throw error;
      throw new ToolError(`The workspace index could not search (${error instanceof Error ? error.message : String(error)}). Use search_text (exact text) or get_definitions instead.`);
    }
    if (!answer.results.length && answer.message) throw new ToolError(`${answer.message} Use search_text (exact text) or get_definitions instead.`);
    return this.formatIndexResults(answer);
  }

  async definitions(symbol: string, signal: AbortSignal): Promise<string> {
    if (!/^[\w$.:#-]{1,200}$/.test(symbol)) throw new ToolError('Give a single symbol name, e.g. parseConfig or Stack.push.');
    const name = symbol.split(/[.:#]/).pop()!;
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', name)) ?? [];
    const exact = symbols.filter((s) => s.name === name || s.name.startsWith(`${name}(`));
    const shown: string[] = [];
    for (const found of exact.slice(0, 20)) {
      if (signal.aborted || shown.length >= 5) break;
      const where = await this.paths.resolve(vscode.workspace.asRelativePath(found.location.uri, (await this.paths.roots()).length > 1));
      // A language server may point anywhere (node_modules typings, other folders): show only what the policy lets the agent read.
      if (!where.ok || where.protection || where.absolute !== found.location.uri.fsPath) continue;
      const start = found.location.range.start.line + 1;
      const end = Math.max(found.location.range.end.line + 1, start + 14);
      shown.push(await readNumbered(where.absolute, where.relative, openText(where), start, Math.min(end, start + 60)));
    }
    if (shown.length) return shown.join('\n\n');
    // No language server knows it: look for the usual definition shapes instead.
    const escaped = name.replace(/[$]/g, '\\$');
    const pattern = `\\b(function\\*?|class|interface|type|enum|const|let|var|def|fn|func|struct|trait|module|namespace)\\s+${escaped}\\b`;
    const found = await this.searchText(pattern, true, undefined, signal);
    return found.startsWith('No matches') ? `No definition of ${symbol} was found.` : `Possible definitions of ${symbol}:\n${found}`;
  }

  async currentText(target: Target): Promise<string | undefined> {
    const open = openText(target);
    if (open !== undefined) return open;
    if (!target.exists) return undefined;
    return readTextFile(target.absolute, target.relative, target.folder.path).catch((error: unknown) => {
      if (error instanceof ToolError && /does not exist/.test(error.message)) return undefined;
      throw error;
    });
  }

  preview(target: Target, before: string | undefined, after: string): ProposedChange {
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

  async write(target: Target, before: string | undefined, after: string): Promise<void> {
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
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), after);
    if (!(await vscode.workspace.applyEdit(edit))) throw new ToolError(`VS Code could not apply the edit to ${target.relative}.`);
    const again = await identifyApproved(approved(target)).catch(asToolError);
    if (again.dev !== identity.dev || again.ino !== identity.ino) throw new ToolError(`${target.relative} was replaced by another file while it was being edited; the edit is in the editor, unsaved. Check the file, then save or undo.`);
    // e.g. the file changed on disk meanwhile: the edit stays in the editor (undoable), unsaved.
    if (!(await document.save())) throw new ToolError(`The edit is in the editor, but VS Code could not save ${target.relative} (it may have changed on disk). The user can save or undo it.`);
    const saved = await readApproved(approved(target)).catch(asToolError);
    // Still the old text on disk after a save that succeeded: VS Code's write landed elsewhere.
    const plain = (text: string) => text.replace(/^\ufeff/, '').replace(/\r\n/g, '\n');
    const stillBefore = plain(saved.bytes.toString('utf8')) === plain(before) && plain(before) !== plain(after);
    // (The inode may differ after a save VS Code makes atomically, by rename; the content may not.)
    if (stillBefore) {
      throw new ToolError(`${target.relative} does not hold the edit after saving: a folder on the way may have been swapped while VS Code saved. Check ${target.relative} and the folders above it.`);
    }
  }

  async run(command: string, cwd: Target | undefined, signal: AbortSignal): Promise<string> {
    const settings = this.settings();
    const folder = cwd?.absolute ?? (await this.paths.roots())[0]?.path;
    if (!folder) throw new ToolError('No workspace folder is open to run the command in.');
    const terminal = settings.runCommandsInTerminal ? this.terminal() : undefined;
    terminal?.write(`\r\n$ ${command}\r\n`);
    const run = await runCommand(command, {
      cwd: folder,
      timeoutMs: settings.commandTimeoutMs,
      outputLimit: settings.commandOutputLimit,
      signal,
      onOutput: terminal ? (text) => terminal.write(text.replace(/\r?\n/g, '\r\n')) : undefined,
    });
    return describeRun(command, run);
  }

  /** The index's answer, whatever its exact shape: results with a path, a line and text. */
  private async formatIndexResults(answer: CodebaseSearchResult): Promise<string> {
    if (answer.results.length === 0) return 'The index found nothing for that query.';
    const shown: string[] = [];
    for (const span of answer.results.slice(0, 10)) {
      // The index covers every workspace folder: show only what the policy lets the agent read.
      const where = await this.paths.resolve(vscode.workspace.asRelativePath(vscode.Uri.file(span.path), (await this.paths.roots()).length > 1));
      if (!where.ok || where.protection) continue;
      shown.push(`${where.relative}:${span.startLine}-${span.endLine}${span.symbol ? ` (${span.symbol})` : ''}\n${span.text.trimEnd()}`);
    }
    return shown.length ? shown.join('\n\n') : 'The index found nothing the agent may read.';
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

/** The text of an open editor for this file (it may hold unsaved changes). */
function openText(target: Target): string | undefined {
  return vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === 'file' && doc.uri.fsPath === target.absolute)?.getText();
}
