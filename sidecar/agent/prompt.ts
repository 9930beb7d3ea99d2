// What the model reads: a short system prompt naming the tools with their flat parameters and
// the one-call-per-turn format, then the conversation. Tool results come back as user messages,
// which every chat template accepts (small models' templates rarely have a tool role).
import type { ToolCall, ToolResult, ToolSpec } from '../../protocol/agent';
import { toolParameters } from '../../protocol/agent/toolSchema';
import type { ChatMessage } from '../engine/engine';

/**
 * full: every parameter described; compact: for contexts of 8k tokens and less, where every
 * hundred tokens of prompt is a hundred less of code — tool briefs, parameter names only, the
 * format in one line. Measured per context size in test/bench/agentPrompt.bench.ts.
 */
export type PromptSize = 'full' | 'compact';

export const compactContextTokens = 8192;

export function promptSizeFor(contextSize: number): PromptSize {
  return contextSize <= compactContextTokens ? 'compact' : 'full';
}

/** native: the tools travel in the model's own format, so the prompt only says how to work. */
export function systemPrompt(tools: readonly ToolSpec[], workspaceFolders: readonly string[], native = false, size: PromptSize = 'full'): string {
  if (size === 'compact') return compactPrompt(tools, workspaceFolders, native);
  const toolLines = tools.map((spec) => {
    const params = toolParameters(spec)
      .map((param) => `${param.name}${param.required ? '' : '?'}: ${param.type} (${param.description})`)
      .join(', ');
    return `- ${spec.name}(${params}): ${spec.description}`;
  });
  const where = workspaceFolders.length ? `The workspace folders are: ${workspaceFolders.join(', ')}.` : '';
  const intro = [
    "You are Pylot, a coding agent working in the user's workspace. Use the tools to look at the code before changing it.",
    `${where} Paths are relative to the workspace.`,
  ];
  if (native) return [...intro, 'Call one tool at a time and wait for its result. When the task is done, answer the user in plain text.'].join('\n');
  return [
    ...intro,
    'Tools:',
    ...toolLines,
    'Reply with exactly one JSON object and nothing else:',
    '{"tool": "<tool name>", "args": {<arguments>}} to call one tool, or',
    '{"answer": "<your final answer to the user>"} when the task is done.',
    'Call one tool per reply; its result comes back in the next message. The user may deny a call and say why: adapt.',
  ].join('\n');
}

function compactPrompt(tools: readonly ToolSpec[], workspaceFolders: readonly string[], native: boolean): string {
  const where = workspaceFolders.length ? ` in ${workspaceFolders.join(', ')}` : '';
  const intro = `You are Pylot, a coding agent${where}. Paths are workspace-relative. Read code before changing it.`;
  if (native) return `${intro} One tool call at a time; when done, answer in plain text.`;
  const toolLines = tools.map((spec) => {
    const params = toolParameters(spec).map((param) => `${param.name}${param.required ? '' : '?'}`);
    return `- ${spec.name}(${params.join(', ')}): ${spec.brief}`;
  });
  return [intro, 'Tools:', ...toolLines, 'Reply with one JSON object: {"tool": name, "args": {…}} for one call, or {"answer": text} when done.'].join('\n');
}

/** The call as the model made it; `nativeId` keeps it in the model's own tool format too. */
export function callMessage(call: Pick<ToolCall, 'tool' | 'args'>, nativeId?: string): ChatMessage {
  const content = JSON.stringify({ tool: call.tool, args: call.args });
  return { role: 'assistant', content, ...(nativeId ? { toolCall: { id: nativeId, name: call.tool, arguments: JSON.stringify(call.args) } } : {}) };
}

export function resultMessage(call: Pick<ToolCall, 'tool'>, result: ToolResult, output: string, nativeId?: string): ChatMessage {
  const head = result.status === 'ok' ? `Result of ${call.tool}:` : result.status === 'denied' ? `The user denied ${call.tool}.` : `${call.tool} failed:`;
  const feedback = result.feedback ? `\nThe user says: ${result.feedback}` : '';
  return { role: 'user', content: `${head}\n${output}${feedback}`, ...(nativeId ? { toolResult: { id: nativeId } } : {}) };
}

export function correctionMessage(problem: string): ChatMessage {
  return { role: 'user', content: `${problem}\nReply with one JSON object: {"tool": …, "args": {…}} or {"answer": …}.` };
}

/** The repair turn's request: the error, and the one format the grammar will let it write. */
export function repairMessage(problem: string): ChatMessage {
  return {
    role: 'user',
    content: `Your tool call could not be used: ${problem}\nWrite it again as one JSON object: {"tool": "<tool name>", "args": {<arguments>}}, or {"answer": "<text>"} if you are done.`,
  };
}
