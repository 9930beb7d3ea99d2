// Reads what the model said as one tool call or a final answer. Grammar-constrained output is
// plain JSON; everything else goes through a lenient reader: callShapes.ts finds the call in the
// model's own trained format (or a fence, or bare JSON), this file accepts the common object
// shapes ({tool,args}, {name,arguments}, {function:{…}}, {tool_name,parameters}, flat arguments)
// and checks the arguments against the tool's schema. A reply that meant to call a tool but cannot
// be read is `invalid`, with the problem in words for the repair turn; it is never shown as the answer.
import { argumentProblems, toolSpecs, type ToolArgs, type ToolCall, type ToolSpec } from '../../protocol/agent';
import { toolParameters } from '../../protocol/agent/toolSchema';
import { findCalls, withoutThinking } from './callShapes';
import { parseLenientJson } from './lenientJson';

export { parseLenientJson } from './lenientJson';

export type Reply =
  | { readonly kind: 'call'; readonly tool: ToolCall['tool']; readonly args: ToolArgs }
  | { readonly kind: 'answer'; readonly text: string }
  /** It tried to call a tool but got it wrong: the problem goes back to the model. */
  | { readonly kind: 'invalid'; readonly problem: string };

export function parseReply(text: string, tools: readonly ToolSpec[] = toolSpecs): Reply {
  const { candidates, attempted } = findCalls(
    text,
    tools.map((tool) => tool.name),
  );
  let firstProblem: Reply | undefined;
  for (const { object, marked } of candidates) {
    const reply = interpret(object, tools, marked);
    if (reply?.kind === 'invalid') firstProblem ??= reply;
    else if (reply) return reply;
  }
  if (firstProblem) return firstProblem;
  const answer = withoutThinking(text).trim();
  if (!answer) return { kind: 'invalid', problem: 'The reply was empty.' };
  // A call cut off (out of tokens) or mangled is not an answer to show the user.
  if (attempted) return { kind: 'invalid', problem: 'The tool call was not complete, valid JSON. Keep edits small; write one JSON object.' };
  return { kind: 'answer', text: answer };
}

/** A call the model made in its own tool format: the name, and the arguments as JSON text. */
export function parseNativeCall(name: string, args: string, tools: readonly ToolSpec[] = toolSpecs): Reply {
  return interpret({ name, arguments: args.trim() ? args : '{}' }, tools, true) ?? { kind: 'invalid', problem: `The call to ${name} could not be read.` };
}

const argumentKeys = ['args', 'arguments', 'parameters', 'input'] as const;

/**
 * An object as a call or an answer; undefined when it is neither. `marked`: it came from a tool-call
 * marker, so an unknown name is the model's mistake; a bare JSON object in prose is only a call
 * when it has an arguments key (an answer may show JSON).
 */
function interpret(object: Record<string, unknown>, tools: readonly ToolSpec[], marked: boolean): Reply | undefined {
  const fn = object.function && typeof object.function === 'object' ? (object.function as Record<string, unknown>) : undefined;
  const name = object.tool ?? object.name ?? object.tool_name ?? fn?.name ?? (typeof object.function === 'string' ? object.function : undefined);
  if (typeof name !== 'string') {
    const answer = object.answer ?? object.final_answer ?? object.final;
    return typeof answer === 'string' ? { kind: 'answer', text: answer } : undefined;
  }
  const spec = tools.find((tool) => tool.name === normalizeName(name));
  if (!spec) {
    if (!marked && !argumentKeys.some((key) => key in object) && !fn) return undefined;
    return { kind: 'invalid', problem: `There is no tool "${name}". The tools are: ${tools.map((t) => t.name).join(', ')}.` };
  }
  let args = object.args ?? object.arguments ?? object.parameters ?? object.input ?? fn?.arguments ?? fn?.parameters;
  if (typeof args === 'string') args = args.trim() ? parseLenientJson(args.trim()) : {};
  if (args === undefined) args = flatArguments(object);
  if (!args || typeof args !== 'object' || Array.isArray(args)) return { kind: 'invalid', problem: `The arguments of ${spec.name} must be a JSON object.` };
  const coerced = coerce(spec, args as Record<string, unknown>);
  const problems = argumentProblems(spec, coerced);
  if (problems.length) return { kind: 'invalid', problem: `Bad arguments for ${spec.name}: ${problems.join('; ')}.` };
  return { kind: 'call', tool: spec.name, args: coerced as ToolArgs };
}

/** readFile, read-file, "Read File", functions.read_file → read_file. */
function normalizeName(name: string): string {
  return name
    .trim()
    .replace(/^functions\./, '')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

function flatArguments(object: Record<string, unknown>): Record<string, unknown> {
  const { tool: _tool, name: _name, tool_name: _toolName, tool_call_id: _id, id: _callId, type: _type, ...rest } = object;
  return rest;
}

/** "12" for an integer, "true" for a boolean, 12 for a string: what small models often write. */
function coerce(spec: ToolSpec, args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    const type = toolParameters(spec).find((param) => param.name === key)?.type;
    if (value === null) continue;
    if (type === 'integer' && typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) out[key] = Number(value);
    else if (type === 'boolean' && (value === 'true' || value === 'false')) out[key] = value === 'true';
    else if (type === 'string' && typeof value === 'number') out[key] = String(value);
    else out[key] = value;
  }
  return out;
}
