// One step's proposal from the model, in the best format the engine has: the model's own trained
// tool-call format (engines with chatWithTools: node-llama-cpp functions, llama-server --jinja,
// OpenAI-style servers), else a JSON call under a grammar built from the tool specs, else free
// text read leniently. Whatever the format, the result is one Reply.
import type { CallFormat, ToolSpec } from '../../protocol/agent';
import { toolJsonSchema } from '../../protocol/agent/toolSchema';
import type { ChatMessage, Engine, ToolDefinition } from '../engine/engine';
import { AnswerStream } from './answerStream';
import { callSchema } from './callSchema';
import { parseNativeCall, parseReply, type Reply } from './parseReply';
import { repairMessage, type PromptSize } from './prompt';

export type CallMode = 'native' | 'json' | 'text';

export function bestMode(engine: Engine): CallMode {
  if (engine.capabilities.tools && engine.chatWithTools) return 'native';
  return engine.capabilities.grammar ? 'json' : 'text';
}

/** What to fall back to when the model's own format fails on this engine. */
export function fallbackMode(engine: Engine): CallMode {
  return engine.capabilities.grammar ? 'json' : 'text';
}

export interface Proposal {
  readonly reply: Reply;
  readonly format: CallFormat;
  /** What the model said, for the transcript when it was not a valid call. */
  readonly raw: string;
  readonly aborted: boolean;
  /** The answer text already streamed to the user while generating. */
  readonly streamed: string;
  readonly tokens: number;
  readonly promptTokens?: number;
}

export interface ProposeOptions {
  readonly maxTokens: number;
  readonly signal: AbortSignal;
  /** The tool definitions' size for the model's own format. */
  readonly promptSize?: PromptSize;
  /** Answer text as it is generated (not in free-text mode, where a call may follow prose). */
  readonly onAnswerText?: (text: string) => void;
}

export async function propose(
  engine: Engine,
  mode: CallMode,
  messages: readonly ChatMessage[],
  tools: readonly ToolSpec[],
  options: ProposeOptions,
): Promise<Proposal> {
  const stream = options.onAnswerText && mode !== 'text' ? new AnswerStream(mode === 'native' ? 'plain' : 'json', options.onAnswerText) : undefined;
  const settings = { maxTokens: options.maxTokens, temperature: 0, signal: options.signal, onText: stream && ((text: string) => stream.push(text)) };
  const streamed = () => stream?.streamed ?? '';
  if (mode === 'native') {
    const generation = await engine.chatWithTools!(messages, toolDefinitions(tools, options.promptSize), settings);
    const aborted = generation.stopReason === 'aborted';
    const usage = { tokens: generation.tokens, promptTokens: generation.promptTokens };
    if (generation.toolCall) {
      const { name, arguments: args } = generation.toolCall;
      return {
        reply: parseNativeCall(name, args, tools),
        format: 'native',
        raw: JSON.stringify({ tool: name, args }),
        aborted,
        streamed: streamed(),
        ...usage,
      };
    }
    return { reply: parseReply(generation.text, tools), format: 'text', raw: generation.text, aborted, streamed: streamed(), ...usage };
  }
  const generation = await engine.chat(messages, { ...settings, jsonSchema: mode === 'json' ? callSchema(tools) : undefined });
  const usage = { tokens: generation.tokens, promptTokens: generation.promptTokens };
  return {
    reply: parseReply(generation.text, tools),
    format: mode,
    raw: generation.text,
    aborted: generation.stopReason === 'aborted',
    streamed: streamed(),
    ...usage,
  };
}

/**
 * The repair turn: the model's unreadable reply and what was wrong with it go back, and the model
 * writes the call again under the call grammar, so what comes back is one well-formed call (or an
 * answer) naming a real tool with its real parameters. Only on engines with grammars.
 */
export async function repairCall(
  engine: Engine,
  messages: readonly ChatMessage[],
  broken: Proposal,
  problem: string,
  tools: readonly ToolSpec[],
  options: Omit<ProposeOptions, 'onAnswerText'>,
): Promise<Proposal> {
  const generation = await engine.chat([...messages, { role: 'assistant', content: broken.raw }, repairMessage(problem)], {
    maxTokens: options.maxTokens,
    temperature: 0,
    signal: options.signal,
    jsonSchema: callSchema(tools),
  });
  return {
    reply: parseReply(generation.text, tools),
    format: 'json',
    raw: generation.text,
    aborted: generation.stopReason === 'aborted',
    streamed: '',
    tokens: generation.tokens,
    promptTokens: generation.promptTokens,
  };
}

/**
 * The tools as the model's own format wants them: each one's JSON schema, generated from its zod
 * parameters; compact: the brief, and no parameter descriptions (the names say enough to a model
 * trained on tool calls).
 */
export function toolDefinitions(tools: readonly ToolSpec[], size: PromptSize = 'full'): ToolDefinition[] {
  return tools.map((spec) => {
    const schema = toolJsonSchema(spec);
    if (size === 'full') return { name: spec.name, description: spec.description, parameters: schema };
    const properties = Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, { type: property.type }]));
    return { name: spec.name, description: spec.brief, parameters: { ...schema, properties } };
  });
}
