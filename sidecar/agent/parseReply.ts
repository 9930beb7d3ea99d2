// Reads what the model said as one tool call or a final answer. Grammar-constrained output is
// plain JSON; everything else goes through a lenient reader that finds a call in fenced blocks,
// <tool_call> tags or the first balanced {...}, accepts the common shapes small models use
// ({tool,args}, {name,arguments}, {function:{…}}, flat arguments), and repairs small JSON slips.
import { argumentProblems, ToolName, toolSpecs, type ToolArgs, type ToolSpec } from '../../protocol/agent';
import { toolParameters } from '../../protocol/agent/toolSchema';

export type Reply =
  | { readonly kind: 'call'; readonly tool: ToolName; readonly args: ToolArgs }
  | { readonly kind: 'answer'; readonly text: string }
  /** It tried to call a tool but got it wrong: the problem goes back to the model. */
  | { readonly kind: 'invalid'; readonly problem: string };

export function parseReply(text: string, tools: readonly ToolSpec[] = toolSpecs): Reply {
  const trimmed = text.trim();
  for (const candidate of jsonCandidates(trimmed)) {
    const value = parseLenientJson(candidate);
    if (value === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const reply = interpret(value as Record<string, unknown>, tools);
    if (reply) return reply;
  }
  if (!trimmed) return { kind: 'invalid', problem: 'The reply was empty.' };
  // A call cut off (out of tokens) or mangled is not an answer to show the user.
  if (/^(\{|```|<tool_call>)/.test(trimmed))
    return { kind: 'invalid', problem: 'The reply was not complete, valid JSON. Keep edits small; write one JSON object.' };
  return { kind: 'answer', text: trimmed };
}

/** A call the model made in its own tool format: the name, and the arguments as JSON text. */
export function parseNativeCall(name: string, args: string, tools: readonly ToolSpec[] = toolSpecs): Reply {
  return interpret({ name, arguments: args.trim() ? args : '{}' }, tools) ?? { kind: 'invalid', problem: `The call to ${name} could not be read.` };
}

function interpret(object: Record<string, unknown>, tools: readonly ToolSpec[]): Reply | undefined {
  const fn = object.function && typeof object.function === 'object' ? (object.function as Record<string, unknown>) : undefined;
  const name = object.tool ?? object.name ?? object.tool_name ?? fn?.name ?? (typeof object.function === 'string' ? object.function : undefined);
  if (typeof name !== 'string') {
    const answer = object.answer ?? object.final_answer ?? object.final;
    return typeof answer === 'string' ? { kind: 'answer', text: answer } : undefined;
  }
  const spec = tools.find((tool) => tool.name === normalizeName(name));
  if (!spec) return { kind: 'invalid', problem: `There is no tool "${name}". The tools are: ${tools.map((t) => t.name).join(', ')}.` };
  let args = object.args ?? object.arguments ?? object.parameters ?? object.input ?? fn?.arguments ?? fn?.parameters;
  if (typeof args === 'string') args = parseLenientJson(args);
  if (args === undefined) args = flatArguments(object);
  if (!args || typeof args !== 'object' || Array.isArray(args)) return { kind: 'invalid', problem: `The arguments of ${spec.name} must be a JSON object.` };
  const coerced = coerce(spec, args as Record<string, unknown>);
  const problems = argumentProblems(spec, coerced);
  if (problems.length) return { kind: 'invalid', problem: `Bad arguments for ${spec.name}: ${problems.join('; ')}.` };
  return { kind: 'call', tool: spec.name, args: coerced as ToolArgs };
}

/** readFile, read-file, "Read File" → read_file. */
function normalizeName(name: string): string {
  return name
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

function flatArguments(object: Record<string, unknown>): Record<string, unknown> {
  const { tool: _tool, name: _name, tool_name: _toolName, ...rest } = object;
  return rest;
}

/** "12" for an integer, "true" for a boolean: what small models often write. */
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

function* jsonCandidates(text: string): Generator<string> {
  yield text;
  for (const match of text.matchAll(/<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g)) yield match[1]!.trim();
  for (const match of text.matchAll(/```(?:json|tool_call)?\s*\n?([\s\S]*?)```/g)) yield match[1]!.trim();
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    const end = balancedEnd(text, start);
    if (end > start) yield text.slice(start, end + 1);
  }
}

/** The index of the brace closing the one at `start`, skipping strings; -1 if it never closes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}

/** JSON, or JSON with trailing commas, Python literals or single-quoted strings; undefined if still not JSON. */
export function parseLenientJson(text: string): unknown {
  const attempts = [
    text,
    text.replace(/,\s*([}\]])/g, '$1'),
    text
      .replace(/,\s*([}\]])/g, '$1')
      .replace(/\bTrue\b/g, 'true')
      .replace(/\bFalse\b/g, 'false')
      .replace(/\bNone\b/g, 'null'),
  ];
  if (!text.includes('"')) attempts.push(attempts[2]!.replace(/'/g, '"'));
  for (const attempt of attempts) {
    try {
      return JSON.parse(attempt) as unknown;
    } catch {
      // try the next repair
    }
  }
  return undefined;
}
