// Tools that are not Pylot's own: those of the MCP servers the user lists (`mcp_<server>_<tool>`)
// and those VS Code already knows (`vscode.lm.tools`, as `vscode_<tool>`). The extension finds them,
// reduces each to what a small model can call (a namespaced name, a capped description, flat
// parameters, a risk class) and sends them with `agent/run`; the sidecar offers them like its own
// tools and proposes their calls through the same `agent/executeTool`. No `vscode`, no Node.
import * as z from 'zod/mini';
import { defineTool, type ParamShape, type Risk, type ToolSpec } from './tool';

/** Every external tool's name has a prefix no built-in tool has, so the two can never be confused. */
export const externalNamePattern = /^(mcp|vscode)_[a-z0-9_]{1,56}$/;
export type ExternalToolName = `mcp_${string}` | `vscode_${string}`;
export const ExternalToolName = z.string().check(z.regex(externalNamePattern)) as unknown as z.ZodMiniType<ExternalToolName>;

export function isExternalToolName(name: string): name is ExternalToolName {
  return externalNamePattern.test(name);
}

/** What one description may take of a small context; longer ones are cut (a hostile server may send megabytes). */
export const descriptionLimit = 400;
export const briefLimit = 100;
export const paramLimit = 12;

export const ExternalParam = z.object({
  name: z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/)),
  type: z.enum(['string', 'integer', 'boolean']),
  description: z.string().check(z.maxLength(descriptionLimit)),
  required: z.boolean(),
});
export type ExternalParam = z.infer<typeof ExternalParam>;

/** An external tool as `agent/run` carries it. */
export const ExternalTool = z.object({
  name: ExternalToolName,
  description: z.string().check(z.maxLength(descriptionLimit)),
  brief: z.string().check(z.maxLength(briefLimit)),
  params: z.array(ExternalParam).check(z.maxLength(paramLimit)),
  risk: z.enum(['read', 'write', 'command']),
});
export type ExternalTool = z.infer<typeof ExternalTool>;

/** The most external tools one turn offers: each costs prompt tokens a small context does not have. */
export const externalToolLimit = 32;

/** The tool as both processes' code knows a tool: a spec with strict zod parameters. */
export function externalToolSpec(tool: ExternalTool): ToolSpec<ExternalToolName> {
  const shape: Record<string, ParamShape[string]> = {};
  for (const param of tool.params) {
    const base = param.type === 'string' ? z.string() : param.type === 'integer' ? z.int() : z.boolean();
    const described = param.description ? base.check(z.describe(param.description)) : base;
    shape[param.name] = param.required ? described : z.optional(described);
  }
  return defineTool({
    name: tool.name,
    description: tool.description,
    brief: tool.brief,
    params: shape,
    risk: tool.risk as Risk,
    approvalTitle: (args) => `${tool.name}(${cut(JSON.stringify(args), 200)})`,
  }) as ToolSpec<ExternalToolName>;
}

/** The text cut to `limit` characters, with an ellipsis where it was cut. */
export function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
