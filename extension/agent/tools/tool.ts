// What running an agent tool takes on the extension side. A tool is its spec (protocol/agent/tools/)
// plus an implementation here: an optional `prepare` that runs before any prompt, and `invoke`,
// which runs once the call is allowed. Both work against a small context: the call's paths as the
// policy resolved them, the workspace, the host and the turn's signal. Implementations import no
// `vscode`: what they need from VS Code (open editors, undoable edits, diffs, language servers, the
// terminal) comes through ToolHost, so the whole flow — policy, prompt, tool — runs in unit tests.
import type { ArgsOf, ToolSpec } from '../../../protocol/agent/tool';
import type { CodebaseSearchResult } from '../../index/codebaseIndex';
import type { ResolvedPath, WorkspacePaths } from '../policy/paths';
import type { SavedOutputs } from '../savedOutputs';
import type { ProposedChange } from '../ui';

/** A path the policy resolved and allowed. */
export type Target = Extract<ResolvedPath, { ok: true }>;

/** A tool failed in a way the model should hear about. */
export class ToolError extends Error {}

/** A file change worked out before the prompt: shown as a diff, written only once allowed. */
export interface FileChange {
  readonly target: Target;
  /** The text the user saw; undefined for a new file. */
  readonly before: string | undefined;
  readonly after: string;
}

/** Where a language server says a symbol is. Lines are 1-based. */
export interface SymbolLocation {
  readonly name: string;
  readonly absolute: string;
  readonly startLine: number;
  readonly endLine: number;
}

/** What the editor supplies. VsCodeToolHost is VS Code's; tests pass a plain one. */
export interface ToolHost {
  /** The text of an open editor for this file (it may hold unsaved changes); undefined if none is open. */
  openText(target: Target): string | undefined;
  /** The change as the approval prompt can show it (a diff); nothing is written. */
  preview(change: FileChange): ProposedChange;
  /**
   * Writes an allowed change as one undoable edit, saved; a new file is created. May say what the
   * model should know of it (e.g. the user kept only some of its hunks). `signal` (the turn's) ends a
   * review still open (pylot.agent.reviewEdits) with nothing written.
   */
  write(change: FileChange, signal?: AbortSignal): Promise<string | void>;
  /** The language servers' symbols with this name across the workspace. */
  workspaceSymbols(name: string): Promise<readonly SymbolLocation[]>;
  /** How the editor names a file in the workspace (the folder's name first when there are several). */
  relativePath(absolute: string): Promise<string>;
  /** The workspace index's semantic search. */
  searchIndex(query: string, options: { readonly limit: number; readonly signal: AbortSignal }): Promise<CodebaseSearchResult>;
  /**
   * Runs an allowed command line in `cwd` and describes the run for the model; with `waitMs`, returns
   * after that long if it still runs (it goes on; readCommand reads on). `onOutput` sees output as it comes.
   */
  run(command: string, cwd: string, signal: AbortSignal, options?: { readonly waitMs?: number; readonly onOutput?: (text: string) => void }): Promise<string>;
  /** What a command left running printed since the last read (waits up to `waitMs` for more). */
  readCommand(id: string, waitMs: number, signal: AbortSignal): Promise<string>;
}

export interface ToolContext {
  /** The call's path parameters (the spec's `pathParams`), resolved and confined by the policy. */
  readonly paths: ReadonlyMap<string, Target>;
  /** The workspace as the policy sees it: its folders, what is protected, paths resolved again. */
  readonly workspace: WorkspacePaths;
  readonly host: ToolHost;
  readonly signal: AbortSignal;
  /** Called before a file is written, for the turn's checkpoint (which copies it the first time). */
  readonly beforeWrite: (target: Target, before: string | undefined) => void | Promise<void>;
  /** Long results saved whole (read_output reads them); absent where there is no workspace storage. */
  readonly outputs?: SavedOutputs;
  /** A command's output as it arrives, for the UI (the call's card). */
  readonly onOutput?: (text: string) => void;
}

export interface AgentTool<S extends ToolSpec = ToolSpec> {
  readonly spec: S;
  /**
   * Runs before the policy's prompt, for a call that changes a file: works out the change, so the
   * prompt shows it and a failed match is an error the model hears, never a prompt. Throws ToolError.
   */
  prepare?(args: ArgsOf<S>, context: ToolContext): Promise<FileChange>;
  /** Runs the allowed call; returns the output for the model, or throws ToolError. `change` is what prepare returned. */
  invoke(args: ArgsOf<S>, context: ToolContext, change: FileChange | undefined): Promise<string>;
}

/** The path parameter `name`: the policy resolved every one the call gave. */
export function pathArg(context: ToolContext, name: string): Target {
  const target = context.paths.get(name);
  if (!target) throw new Error(`The policy did not resolve "${name}".`);
  return target;
}

/** A tool's implementation, typed by its spec: `implement(spec, { invoke(args, context) { … } })`. */
export function implement<S extends ToolSpec>(spec: S, parts: Omit<AgentTool<S>, 'spec'>): AgentTool<S> {
  return { spec, ...parts };
}
