// Chat with tools a client defines (VS Code's language-model API, the loopback OpenAI API), not the
// agent's own: the model's trained tool-call format where it has one, else one JSON call or answer
// under a grammar built from the tools' schemas (what the agent does for small models), else plain
// chat. Whatever the format, the caller gets text or one call with an id, in OpenAI's terms.
import { randomUUID } from 'node:crypto';
import type { ClientTool } from '../../protocol/sidecar';
import { AnswerStream } from '../agent/answerStream';
import { parseLenientJson } from '../agent/parseReply';
import type { ChatMessage, Engine, GenerateOptions, Generation } from '../engine/engine';

export interface ClientToolCall {
  readonly id: string;
  readonly name: string;
  /** JSON text of an object. */
  readonly arguments: string;
}

export interface ToolChatGeneration extends Generation {
  readonly toolCall?: ClientToolCall;
}

export type ToolFormat = 'native' | 'json' | 'none';

/** How this engine can call tools: what VS Code's model list and /v1/models report. */
export function toolFormat(engine: Pick<Engine, 'capabilities' | 'chatWithTools'>): ToolFormat {
  if (engine.capabilities.tools && engine.chatWithTools) return 'native';
  return engine.capabilities.grammar ? 'json' : 'none';
}

export async function chatWithClientTools(
  engine: Engine,
  messages: readonly ChatMessage[],
  tools: readonly ClientTool[],
  options: GenerateOptions & { readonly toolChoice?: 'auto' | 'required' },
): Promise<ToolChatGeneration> {
  const format = tools.length ? toolFormat(engine) : 'none';
  if (format === 'native') {
    const definitions = tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: objectSchema(tool.parameters) }));
    const generation = await engine.chatWithTools!(messages, definitions, options);
    const { toolCall, ...rest } = generation;
    return toolCall ? { ...rest, toolCall: { id: callId(), ...toolCall } } : rest;
  }
  if (format === 'none') return engine.chat(asText(messages), options);

  const stream = options.onText ? new AnswerStream('json', options.onText) : undefined;
  const generation = await engine.chat(jsonTranscript(messages, tools), {
    ...options,
    jsonSchema: callSchema(tools, options.toolChoice === 'required'),
    onText: stream && ((text) => stream.push(text)),
  });
  const streamed = stream?.streamed ?? '';
  if (generation.stopReason === 'aborted') return { ...generation, text: streamed };
  const reply = parseLenientJson(generation.text) as { tool?: unknown; args?: unknown; answer?: unknown } | undefined;
  if (reply && typeof reply.tool === 'string') {
    const args = Object.fromEntries(Object.entries((reply.args ?? {}) as Record<string, unknown>).filter(([, value]) => value !== null));
    return { ...generation, text: '', toolCall: { id: callId(), name: reply.tool, arguments: JSON.stringify(args) } };
  }
  // An answer (or, cut off by maxTokens, what of it arrived): the rest of what was not streamed yet.
  const answer = reply && typeof reply.answer === 'string' ? reply.answer : streamed;
  if (answer.length > streamed.length && answer.startsWith(streamed)) options.onText?.(answer.slice(streamed.length));
  return { ...generation, text: answer };
}

function callId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/**
 * The conversation as a model without a tool format reads it: a system prompt naming the tools and
 * the JSON format, calls written back as the compact `{"tool","args"}` JSON the model made, results
 * as user messages (every chat template has a user role). The prompt's own examples are spaced, so
 * a made call is what the transcript alone writes compactly.
 */
function jsonTranscript(messages: readonly ChatMessage[], tools: readonly ClientTool[]): ChatMessage[] {
  const lines = tools.map((tool) => `- ${tool.name}(${parameterList(tool.parameters)}): ${tool.description.replace(/\s+/g, ' ').trim()}`);
  const instructions = [
    'You can call these tools:',
    ...lines,
    'Reply with exactly one JSON object and nothing else:',
    '{"tool": "<tool name>", "args": {<arguments>}} to call one tool (its result comes back in the next message), or',
    '{"answer": "<your answer to the user>"} to answer.',
  ].join('\n');
  const [first, ...rest] = messages;
  const head: ChatMessage[] =
    first?.role === 'system'
      ? [{ role: 'system', content: `${first.content}\n\n${instructions}` }]
      : [{ role: 'system', content: instructions }, ...(first ? [first] : [])];
  return asText([...head, ...rest], true);
}

/** Calls and results as plain messages (names looked up by call id). */
function asText(messages: readonly ChatMessage[], compactCalls = false): ChatMessage[] {
  const names = new Map(messages.flatMap((message) => (message.toolCall ? [[message.toolCall.id, message.toolCall.name] as const] : [])));
  return messages.map((message): ChatMessage => {
    if (message.toolCall) {
      const { name, arguments: args } = message.toolCall;
      const call = compactCalls ? JSON.stringify({ tool: name, args: parseLenientJson(args) ?? {} }) : `Called ${name} with ${args}`;
      return { role: 'assistant', content: message.content ? `${message.content}\n${call}` : call };
    }
    if (message.toolResult) return { role: 'user', content: `Result of ${names.get(message.toolResult.id) ?? 'the tool'}:\n${message.content}` };
    return { role: message.role, content: message.content };
  });
}

function parameterList(parameters: ClientTool['parameters']): string {
  const schema = objectSchema(parameters);
  const required = new Set(schema.required);
  return Object.entries(schema.properties)
    .map(([name, property]) => `${name}${required.has(name) ? '' : '?'}: ${typeName(property)}`)
    .join(', ');
}

function typeName(schema: unknown): string {
  const type = (schema as { type?: unknown } | undefined)?.type;
  return Array.isArray(type) ? type.join('|') : typeof type === 'string' ? type : 'any';
}

// A type, not an interface: engines take any JSON object.
type ObjectSchema = {
  readonly type: 'object';
  readonly properties: Record<string, Record<string, unknown>>;
  readonly required: string[];
};

/** A tool's parameters as an object schema, kept to what grammars take (type, properties, items, enum…). */
function objectSchema(parameters: ClientTool['parameters']): ObjectSchema {
  const kept = grammarSchema(parameters ?? {}, 0) as { properties?: Record<string, Record<string, unknown>>; required?: unknown };
  const properties = kept.properties ?? {};
  const required = Array.isArray(kept.required) ? kept.required.filter((key): key is string => typeof key === 'string' && key in properties) : [];
  return { type: 'object', properties, required };
}

const schemaKeys = new Set(['type', 'properties', 'required', 'items', 'enum', 'const', 'description', 'minItems', 'maxItems']);

function grammarSchema(schema: unknown, depth: number): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return {};
  if (Array.isArray(schema)) return schema.map((item) => grammarSchema(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!schemaKeys.has(key)) continue;
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, grammarSchema(property, depth + 1)]));
    } else if (key === 'items') out.items = grammarSchema(value, depth + 1);
    else out[key] = value;
  }
  return out;
}

/** One call of one of the tools with every argument (optional ones nullable), or an answer unless a call is required. */
function callSchema(tools: readonly ClientTool[], required: boolean): Record<string, unknown> {
  const calls = tools.map((tool) => {
    const schema = objectSchema(tool.parameters);
    const optional = new Set(Object.keys(schema.properties).filter((key) => !schema.required.includes(key)));
    return {
      type: 'object',
      properties: {
        tool: { const: tool.name },
        args: {
          type: 'object',
          properties: Object.fromEntries(Object.entries(schema.properties).map(([key, property]) => [key, optional.has(key) ? nullable(property) : property])),
          required: Object.keys(schema.properties),
          additionalProperties: false,
        },
      },
      required: ['tool', 'args'],
      additionalProperties: false,
    };
  });
  const answer = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
  return { oneOf: required ? calls : [...calls, answer] };
}

function nullable(property: Record<string, unknown>): Record<string, unknown> {
  return typeof property.type === 'string' ? { ...property, type: [property.type, 'null'] } : property;
}
