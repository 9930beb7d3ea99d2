// A tool that is not Pylot's own, as a turn runs it: what the sidecar is told of it (the
// ExternalTool), what the policy knows (its class, whether its server is trusted, where it comes
// from) and how to call it. MCP servers' tools (extension/mcp/) and VS Code's (extension/lm/) both
// come as these; executeCall runs them through the same validation, policy and prompt as its own.
import type { ExternalTool, ToolArgs } from '../../protocol/agent';
import { externalToolSpec } from '../../protocol/agent';
import type { ExternalToolTrust } from './policy/externalPolicy';
import type { AgentTool } from './tools/tool';

export interface ExternalToolRunner extends ExternalToolTrust {
  readonly tool: ExternalTool;
  /** Calls the tool with checked arguments; resolves with its output as text, or throws with a message the model may read. */
  invoke(args: ToolArgs, signal: AbortSignal): Promise<string>;
}

/** The external tools of one turn, by the name the model calls them. */
export type ExternalTools = ReadonlyMap<string, ExternalToolRunner>;

/** The runner as an AgentTool, so executeCall treats it like any other. */
export function asAgentTool(runner: ExternalToolRunner): AgentTool {
  return { spec: externalToolSpec(runner.tool), invoke: (args, context) => runner.invoke(args as ToolArgs, context.signal) };
}
