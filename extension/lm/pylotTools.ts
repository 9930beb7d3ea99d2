// Pylot's own read-only tools for VS Code's agent and any other extension: `pylot_search_code` (the
// workspace index) and `pylot_get_definitions` (language servers, else a text search), registered
// with `vscode.lm.registerTool` and declared in package.json's `contributes.languageModelTools`
// (hand-written there: scripts/settings.mjs writes only the configuration). Each runs the agent
// tool's own implementation, arguments checked against its spec, with what the agent's policy lets
// it read (protected and ignored files stay out). Reads only, so no confirmation is asked.
import * as vscode from 'vscode';
import { argumentProblems, type ToolSpec } from '../../protocol/agent';
import type { DiffPreview } from '../agent/diffPreview';
import { readAgentSettings } from '../agent/agentSettings';
import { WorkspacePaths } from '../agent/policy/paths';
import { getDefinitionsTool } from '../agent/tools/getDefinitions';
import { searchCodeTool } from '../agent/tools/searchCode';
import { ToolError, type AgentTool } from '../agent/tools/tool';
import { BackgroundCommands } from '../agent/tools/backgroundCommands';
import { VsCodeToolHost } from '../agent/vscodeToolHost';
import type { CodeSearch } from '../index/codebaseIndex';

export const pylotToolPrefix = 'pylot_';

/** The registered tools: package.json names each (test/unit/lmTools.test.ts checks they agree). */
export const pylotLmTools = [searchCodeTool, getDefinitionsTool] as unknown as readonly AgentTool[];

export function registerPylotTools(searchCode: CodeSearch, diffs: DiffPreview): vscode.Disposable[] {
  return pylotLmTools.map((tool) =>
    vscode.lm.registerTool<Record<string, unknown>>(`${pylotToolPrefix}${tool.spec.name}`, {
      prepareInvocation: (options) => ({ invocationMessage: tool.spec.approvalTitle(scalars(options.input)) }),
      invoke: async (options, token) => {
        const text = await run(tool, tool.spec as ToolSpec, options.input, token, searchCode, diffs);
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
      },
    }),
  );
}

async function run(
  tool: AgentTool,
  spec: ToolSpec,
  input: unknown,
  token: vscode.CancellationToken,
  searchCode: CodeSearch,
  diffs: DiffPreview,
): Promise<string> {
  const args = scalars(input);
  const problems = argumentProblems(spec, args);
  // A thrown error reaches the calling model as the tool's failure.
  if (problems.length) throw new Error(`Bad arguments for ${pylotToolPrefix}${spec.name}: ${problems.join('; ')}.`);
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
  const workspace = new WorkspacePaths(folders);
  const abort = new AbortController();
  const stop = token.onCancellationRequested(() => abort.abort());
  try {
    const host = new VsCodeToolHost(
      workspace,
      diffs,
      searchCode,
      () => readAgentSettings(),
      undefined,
      new BackgroundCommands(), // never used: only read tools are offered to VS Code
    );
    return await tool.invoke(args, { paths: new Map(), workspace, host, signal: abort.signal, beforeWrite: () => undefined }, undefined);
  } catch (error) {
    throw new Error(
      error instanceof ToolError ? error.message : `${pylotToolPrefix}${spec.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    stop.dispose();
  }
}

/** The input as flat arguments (anything else is left for argumentProblems to name). */
function scalars(input: unknown): Record<string, string | number | boolean> {
  return input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, string | number | boolean>) : {};
}
