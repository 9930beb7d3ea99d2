// The loopback API's routes: OpenAI's /v1/models, /v1/chat/completions, /v1/completions and
// /v1/embeddings, and llama.cpp's /infill, translated onto the engines the roles have loaded — the
// same engines, tool formats and scheduler as Pylot's own panel. Model ids are `pylot-<role>`; a
// loaded model's own name works too.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import * as z from 'zod/mini';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { ClientTool, Role } from '../../protocol/sidecar';
import { chatWithClientTools, toolFormat } from '../chat/clientTools';
import type { ChatMessage, Engine, Generation } from '../engine/engine';
import { ChatCompletionBody, CompletionBody, EmbeddingBody, InfillBody, type OpenAiMessage } from './requests';
import { EventStream, sendJson } from './respond';

export interface RouteContext {
  readonly res: ServerResponse;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  /** The role's engine, or undefined when none is loaded. */
  engine(role: Role): Engine | undefined;
  /** Runs `task` once the role's model is free for this client (bounded queue) and the scheduler allows. */
  run<T>(role: Role, task: (engine: Engine, signal: AbortSignal) => Promise<T>): Promise<T>;
}

export type Route = (body: unknown, context: RouteContext) => Promise<void>;

const roles: readonly Role[] = ['chat', 'completion', 'embeddings'];
const defaultMaxTokens = 1024;

export const routes: Record<string, Route> = {
  'GET /v1/models': async (_body, context) => {
    const data = roles.flatMap((role) => {
      const engine = context.engine(role);
      if (!engine) return [];
      const { info } = engine;
      return [
        {
          id: `pylot-${role}`,
          object: 'model',
          created: 0,
          owned_by: 'pylot',
          name: info.name,
          context_length: info.contextSize,
          capabilities: {
            chat: info.capabilities.chat,
            tools: role !== 'embeddings' && toolFormat(engine) !== 'none',
            infill: info.capabilities.infill,
            embeddings: info.capabilities.embeddings,
          },
        },
      ];
    });
    sendJson(context.res, 200, { object: 'list', data });
  },

  'POST /v1/chat/completions': async (raw, context) => {
    const body = parse(ChatCompletionBody, raw);
    const role = pickRole(context, body.model, ['chat', 'completion']);
    const messages = chatMessages(body.messages);
    const tools: ClientTool[] =
      body.tool_choice === 'none'
        ? []
        : (body.tools ?? []).map(({ function: fn }) => ({ name: fn.name, description: fn.description ?? '', parameters: fn.parameters }));
    const id = `chatcmpl-${randomUUID()}`;
    const base = { id, created: Math.floor(Date.now() / 1000), model: `pylot-${role}` };
    const stream = body.stream ? new EventStream(context.res) : undefined;
    stream?.send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    const generation = await context.run(role, (engine, signal) =>
      chatWithClientTools(engine, messages, tools, {
        maxTokens: body.max_completion_tokens ?? body.max_tokens ?? defaultMaxTokens,
        temperature: body.temperature ?? 0,
        stop: stops(body.stop),
        signal,
        toolChoice: body.tool_choice === 'required' ? 'required' : 'auto',
        onText:
          stream &&
          ((text) => stream.send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })),
      }),
    );
    const toolCalls = generation.toolCall && [
      { id: generation.toolCall.id, type: 'function', function: { name: generation.toolCall.name, arguments: generation.toolCall.arguments } },
    ];
    const finish = toolCalls ? 'tool_calls' : finishReason(generation);
    if (stream) {
      if (toolCalls)
        stream.send({
          ...base,
          object: 'chat.completion.chunk',
          choices: [{ index: 0, delta: { tool_calls: toolCalls.map((call, index) => ({ index, ...call })) }, finish_reason: null }],
        });
      stream.send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: finish }] });
      if (body.stream_options?.include_usage) stream.send({ ...base, object: 'chat.completion.chunk', choices: [], usage: usage(generation) });
      return stream.end();
    }
    sendJson(context.res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: toolCalls && !generation.text ? null : generation.text, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
          finish_reason: finish,
        },
      ],
      usage: usage(generation),
    });
  },

  'POST /v1/completions': async (raw, context) => {
    const body = parse(CompletionBody, raw);
    const role = pickRole(context, body.model, ['completion', 'chat']);
    const prompt = typeof body.prompt === 'string' ? body.prompt : body.prompt[0]!;
    const id = `cmpl-${randomUUID()}`;
    const base = { id, object: 'text_completion', created: Math.floor(Date.now() / 1000), model: `pylot-${role}` };
    const stream = body.stream ? new EventStream(context.res) : undefined;
    const options = (signal: AbortSignal) => ({
      maxTokens: body.max_tokens ?? 16,
      temperature: body.temperature ?? 0,
      stop: stops(body.stop),
      signal,
      onText: stream && ((text: string) => stream.send({ ...base, choices: [{ index: 0, text, finish_reason: null }] })),
    });
    const generation = await context.run(role, (engine, signal) =>
      body.suffix ? engine.infill({ prefix: prompt, suffix: body.suffix }, options(signal)) : engine.complete(prompt, options(signal)),
    );
    if (stream) {
      stream.send({ ...base, choices: [{ index: 0, text: '', finish_reason: finishReason(generation) }] });
      if (body.stream_options?.include_usage) stream.send({ ...base, choices: [], usage: usage(generation) });
      return stream.end();
    }
    sendJson(context.res, 200, { ...base, choices: [{ index: 0, text: generation.text, finish_reason: finishReason(generation) }], usage: usage(generation) });
  },

  'POST /v1/embeddings': async (raw, context) => {
    const body = parse(EmbeddingBody, raw);
    const role = pickRole(context, body.model, ['embeddings']);
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    const vectors = await context.run(role, (engine, signal) => engine.embed(inputs, signal));
    sendJson(context.res, 200, {
      object: 'list',
      model: `pylot-${role}`,
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  },

  'POST /infill': async (raw, context) => {
    const body = parse(InfillBody, raw);
    const role = pickRole(context, body.model, ['completion']);
    const stream = body.stream ? new EventStream(context.res) : undefined;
    const generation = await context.run(role, (engine, signal) =>
      engine.infill(
        { prefix: body.input_prefix, suffix: body.input_suffix, extra: body.input_extra },
        {
          maxTokens: body.n_predict ?? 128,
          temperature: body.temperature ?? 0,
          stop: stops(body.stop),
          signal,
          onText: stream && ((content) => stream.send({ content, stop: false })),
        },
      ),
    );
    const summary = {
      model: `pylot-${role}`,
      stop: true,
      stop_type: generation.stopReason === 'maxTokens' ? 'limit' : 'eos',
      tokens_predicted: generation.tokens,
      tokens_evaluated: generation.promptTokens ?? 0,
    };
    if (stream) {
      stream.send({ content: '', ...summary });
      return stream.end(false);
    }
    sendJson(context.res, 200, { content: generation.text, ...summary });
  },
};

function parse<S extends z.ZodMiniType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new PylotError(ErrorCodes.InvalidParams, `Invalid request: ${issue?.message ?? 'invalid'}${issue?.path.length ? ` at ${issue.path.join('.')}` : ''}.`);
}

/** The role a request names (`pylot-<role>` or a loaded model's name), else the first of `preferred` that is loaded. */
function pickRole(context: RouteContext, model: string | undefined, preferred: readonly Role[]): Role {
  if (model) {
    const role = roles.find((candidate) => model === `pylot-${candidate}` || model === candidate || context.engine(candidate)?.info.name === model);
    if (!role || !context.engine(role)) throw new PylotError(ErrorCodes.ModelNotFound, `There is no model "${model}". GET /v1/models lists the loaded ones.`);
    return role;
  }
  const role = preferred.find((candidate) => context.engine(candidate));
  if (!role) throw new PylotError(ErrorCodes.NoModel, `No ${preferred[0]} model is loaded in Pylot. Set "pylot.models.${preferred[0]}" in VS Code.`);
  return role;
}

/** OpenAI messages as the engines' messages: system/developer first, tool calls and results kept as such. */
function chatMessages(messages: readonly OpenAiMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const message of messages) {
    const content = textOf(message.content);
    if (message.role === 'tool') {
      out.push({ role: 'user', content, toolResult: { id: message.tool_call_id ?? '' } });
    } else if (message.role === 'assistant' && message.tool_calls?.length) {
      message.tool_calls.forEach((call, index) =>
        out.push({
          role: 'assistant',
          content: index === 0 ? content : '',
          toolCall: { id: call.id, name: call.function.name, arguments: call.function.arguments },
        }),
      );
    } else {
      out.push({ role: message.role === 'developer' ? 'system' : message.role, content });
    }
  }
  return out;
}

function textOf(content: OpenAiMessage['content']): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  const other = content.find((part) => part.type !== 'text');
  if (other) throw new PylotError(ErrorCodes.Unsupported, `Pylot's local models read text only, not "${other.type}" parts.`);
  return content.map((part) => part.text ?? '').join('');
}

function stops(stop: string | string[] | null | undefined): string[] | undefined {
  return stop === null || stop === undefined ? undefined : typeof stop === 'string' ? [stop] : stop;
}

function finishReason(generation: Generation): 'stop' | 'length' {
  return generation.stopReason === 'maxTokens' ? 'length' : 'stop';
}

function usage(generation: Generation): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const prompt = generation.promptTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: generation.tokens, total_tokens: prompt + generation.tokens };
}
