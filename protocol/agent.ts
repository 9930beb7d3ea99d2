// The agent's contract. The sidecar runs the loop and only PROPOSES tool calls: it asks the
// extension to execute each one (`agent/executeTool`, a request from the sidecar to the extension),
// and the extension's policy engine decides, asks the user, executes and answers. Progress streams
// as `agent/event` notifications keyed by the turn id. Each tool is declared once, in its own file
// under agent/tools/ (listed in agent/toolSpecs.ts): its parameters, risk class and approval text.
import * as z from 'zod/mini';
import { ExternalTool, ExternalToolName, externalToolLimit } from './agent/externalTools';
import type { ToolSpec as AnyToolSpec } from './agent/tool';
import { ToolName } from './agent/toolSpecs';
import { notifyExtension, toExtension, toSidecar } from './rpc';

export { argumentProblems, type ArgsOf, type Risk, type ToolArgs } from './agent/tool';
export { ToolName, toolSpec, toolSpecs, type ToolSpecOf } from './agent/toolSpecs';
export { ExternalTool, externalToolSpec, isExternalToolName, type ExternalToolName } from './agent/externalTools';

/** One of the agent's tools, whichever: its own, or one of an MCP server or VS Code (agent/externalTools.ts). */
export type ToolSpec = AnyToolSpec<ToolName | ExternalToolName>;

const ArgValue = z.union([z.string(), z.number(), z.boolean()]);

export const ToolCall = z.object({
  id: z.string(),
  tool: z.union([ToolName, ExternalToolName]),
  args: z.record(z.string(), ArgValue),
});
export type ToolCall = z.infer<typeof ToolCall>;

/** How the model's call was read: its own tool format, a grammar-constrained JSON call, or the lenient text parser. */
export const CallFormat = z.enum(['native', 'json', 'text']);
export type CallFormat = z.infer<typeof CallFormat>;

export const AgentMode = z.enum(['ask', 'agent']);
export type AgentMode = z.infer<typeof AgentMode>;

const count = z.int().check(z.nonnegative());

export const AgentHistoryMessage = z.object({ role: z.enum(['user', 'assistant']), content: z.string() });

export const AgentOutcome = z.enum(['answered', 'cancelled', 'stepLimit', 'errorLimit', 'loopStopped']);
export type AgentOutcome = z.infer<typeof AgentOutcome>;

/** One agent turn: the task, earlier turns, and the guards' limits. Ends with the model's answer or why it stopped. */
export const AgentRun = toSidecar(
  'agent/run',
  z.object({
    turnId: z.string().check(z.minLength(1)),
    task: z.string().check(z.minLength(1)),
    history: z.optional(z.array(AgentHistoryMessage)),
    /** ask: read-only tools only. */
    mode: z.optional(AgentMode),
    /** Names of the workspace folders, for the system prompt. */
    workspaceFolders: z.optional(z.array(z.string())),
    maxSteps: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
    maxConsecutiveErrors: z.optional(z.int().check(z.minimum(1), z.maximum(20))),
    /** Tool output beyond this many tokens is cut to its head and tail. */
    toolOutputTokens: z.optional(z.int().check(z.minimum(64), z.maximum(32_768))),
    maxTokensPerStep: z.optional(z.int().check(z.minimum(16), z.maximum(8192))),
    /** Tools of MCP servers and of VS Code, offered after the agent's own (the extension runs them). */
    tools: z.optional(z.array(ExternalTool).check(z.maxLength(externalToolLimit))),
  }),
  z.object({
    turnId: z.string(),
    outcome: AgentOutcome,
    answer: z.string(),
    steps: count,
    /** Tokens the model generated over all steps, and prompt tokens the engine evaluated. */
    tokens: z.optional(count),
    promptTokens: z.optional(count),
  }),
);

export const ToolStatus = z.enum(['ok', 'error', 'denied']);
export type ToolStatus = z.infer<typeof ToolStatus>;

/** Sidecar → extension: run this call if the policy and the user allow it. */
export const ExecuteTool = toExtension(
  'agent/executeTool',
  z.object({ turnId: z.string(), step: count, call: ToolCall }),
  z.object({
    status: ToolStatus,
    output: z.string(),
    /** What the user said when denying: goes back to the model. */
    feedback: z.optional(z.string()),
  }),
);
export type ToolResult = z.infer<typeof ExecuteTool.result>;

/** Sidecar → extension: a guard fired (e.g. the same call three times); go on only if the user says so. */
export const AskContinue = toExtension('agent/askContinue', z.object({ turnId: z.string(), reason: z.string() }), z.object({ continue: z.boolean() }));

export const AgentEvent = notifyExtension(
  'agent/event',
  z.discriminatedUnion('type', [
    /** Text for the user, to append: the answer as it is generated, or its rest when the turn ends. */
    z.object({ type: z.literal('text'), turnId: z.string(), text: z.string() }),
    z.object({ type: z.literal('toolCall'), turnId: z.string(), step: count, call: ToolCall, format: CallFormat }),
    z.object({ type: z.literal('toolResult'), turnId: z.string(), step: count, callId: z.string(), status: ToolStatus, output: z.string() }),
    z.object({ type: z.literal('notice'), turnId: z.string(), message: z.string() }),
  ]),
);
export type AgentEventParams = z.infer<typeof AgentEvent.params>;
