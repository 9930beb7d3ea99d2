// The tools VS Code already knows (`vscode.lm.tools`: other extensions' tools, the MCP servers
// installed in VS Code) as the agent's external tools, `vscode_<tool>`, invoked with
// `vscode.lm.invokeTool`. They carry no annotations, so each counts as `command`: every call asks.
// Pylot's own registered tools (pylot_*) are left out: the agent has them already.
import * as vscode from 'vscode';
import type { ExternalToolRunner } from '../agent/externalTool';
import { ToolError } from '../agent/tools/tool';
import { resultText } from '../mcp/resultText';
import { namespacedName, plainText, shapeTool } from '../mcp/toolShape';
import { pylotToolPrefix } from './pylotTools';

export function vscodeToolRunners(): { runners: ExternalToolRunner[]; problems: string[] } {
  const runners: ExternalToolRunner[] = [];
  const problems: string[] = [];
  for (const info of vscode.lm.tools) {
    if (info.name.startsWith(pylotToolPrefix)) continue;
    // VS Code's own tools are often named vscode_*: not vscode_vscode_*.
    const shaped = shapeTool(
      namespacedName('vscode', '', info.name.replace(/^vscode_/, '')),
      { name: info.name, description: info.description, inputSchema: info.inputSchema ?? {} },
      'command',
    );
    if (!shaped.ok) {
      problems.push(`VS Code tool "${plainText(info.name, 60)}" is not offered: ${shaped.reason}.`);
      continue;
    }
    runners.push({ tool: shaped.tool, risk: 'command', trusted: false, origin: 'VS Code', invoke: (args, signal) => invoke(info.name, args, signal) });
  }
  return { runners, problems };
}

async function invoke(name: string, input: object, signal: AbortSignal): Promise<string> {
  const cancellation = new vscode.CancellationTokenSource();
  const cancel = () => cancellation.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, cancellation.token);
    // Text parts as they are; other parts (prompt-tsx, data) as the placeholder resultText writes.
    return resultText({
      content: result.content.map((part) =>
        part instanceof vscode.LanguageModelTextPart ? { type: 'text', text: part.value } : { type: 'text', text: '[a part that is not text]' },
      ),
    });
  } catch (error) {
    throw new ToolError(`VS Code's tool ${name} failed: ${plainText(error instanceof Error ? error.message : String(error), 300)}`);
  } finally {
    signal.removeEventListener('abort', cancel);
    cancellation.dispose();
  }
}
