// The OpenAI wire format — chat and text completions streamed as deltas, embeddings — shared by
// the OpenAI-compatible engine and llama-server's own /v1 routes. llama-server adds `timings` to
// the last chunk, which is where its prompt and cache counts come from.
import * as z from 'zod/mini';
import type { ChatMessage, GenerateOptions, StopReason, ToolDefinition } from '../engine';
import type { ServerHttp } from './http';
import type { StreamPiece, StreamRequest } from './streaming';

const Usage = z.object({
  prompt_tokens: z.optional(z.number()),
  completion_tokens: z.optional(z.number()),
  prompt_tokens_details: z.nullish(z.object({ cached_tokens: z.optional(z.number()) })),
});

export const Timings = z.object({ prompt_n: z.number(), cache_n: z.optional(z.number()), predicted_n: z.number() });

const finishReason = z.nullish(z.string());

/** A streamed tool call arrives in pieces: the name first, the arguments' JSON text in fragments. */
const ToolCallDelta = z.object({
  index: z.optional(z.number()),
  function: z.optional(z.object({ name: z.nullish(z.string()), arguments: z.nullish(z.string()) })),
});

const ChatChunk = z.object({
  choices: z.array(
    z.object({ delta: z.optional(z.object({ content: z.nullish(z.string()), tool_calls: z.nullish(z.array(ToolCallDelta)) })), finish_reason: finishReason }),
  ),
  usage: z.nullish(Usage),
  timings: z.optional(Timings),
});

const CompletionChunk = z.object({
  choices: z.array(z.object({ index: z.optional(z.number()), text: z.nullish(z.string()), finish_reason: finishReason })),
  usage: z.nullish(Usage),
  timings: z.optional(Timings),
});

const Embeddings = z.object({ data: z.array(z.object({ embedding: z.array(z.number()), index: z.optional(z.number()) })) });

/** Collects the first tool call of a streamed answer (the agent asks for one call per turn). */
export class ToolCallCollector {
  name = '';
  arguments = '';

  push(deltas: ReadonlyArray<z.infer<typeof ToolCallDelta>>): void {
    for (const delta of deltas) {
      if ((delta.index ?? 0) !== 0) continue;
      this.name += delta.function?.name ?? '';
      this.arguments += delta.function?.arguments ?? '';
    }
  }

  get call(): { name: string; arguments: string } | undefined {
    return this.name ? { name: this.name, arguments: this.arguments || '{}' } : undefined;
  }
}

export function chatRequest(
  http: ServerHttp,
  path: string,
  model: string | undefined,
  messages: readonly ChatMessage[],
  options: GenerateOptions,
  tools?: { readonly definitions: readonly ToolDefinition[]; readonly collector: ToolCallCollector },
): StreamRequest {
  const schema = options.jsonSchema;
  return {
    path,
    body: {
      model,
      messages: tools ? messages.map(toolMessage) : messages.map(({ role, content }) => ({ role, content })),
      ...sampling(options),
      response_format: schema ? { type: 'json_schema', json_schema: { name: 'output', schema } } : undefined,
      // The server renders them with the model's own template (llama-server --jinja) and parses its calls.
      ...(tools
        ? {
            tools: tools.definitions.map(({ name, description, parameters }) => ({ type: 'function', function: { name, description, parameters } })),
            tool_choice: 'auto',
            parallel_tool_calls: false,
          }
        : {}),
    },
    read: (value, request) => {
      const chunk = http.check(ChatChunk, value, request);
      const choice = chunk.choices[0];
      if (choice?.delta?.tool_calls) tools?.collector.push(choice.delta.tool_calls);
      return { text: choice?.delta?.content ?? undefined, ...counts(choice?.finish_reason, chunk.usage, chunk.timings) };
    },
  };
}

/** Earlier calls and their results in the API's own shape, so the model's template shows them as it was trained. */
function toolMessage(message: ChatMessage): Record<string, unknown> {
  if (message.toolCall) {
    const { id, name, arguments: args } = message.toolCall;
    return { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] };
  }
  if (message.toolResult) return { role: 'tool', tool_call_id: message.toolResult.id, content: message.content };
  return { role: message.role, content: message.content };
}

/** A raw-prompt completion (no JSON schema: the OpenAI API has none for /completions); `count` > 1 asks for that many (`n`). */
export function completionRequest(
  http: ServerHttp,
  path: string,
  model: string | undefined,
  prompt: string,
  options: GenerateOptions,
  count = 1,
): StreamRequest {
  return {
    path,
    body: { model, prompt, ...sampling(options), ...(count > 1 && { n: count }) },
    read: (value, request) => {
      const chunk = http.check(CompletionChunk, value, request);
      const choice = chunk.choices[0];
      return { index: choice?.index, text: choice?.text ?? undefined, ...counts(choice?.finish_reason, chunk.usage, chunk.timings) };
    },
  };
}

export async function embed(
  http: ServerHttp,
  path: string,
  model: string | undefined,
  texts: readonly string[],
  signal: AbortSignal,
  unsupported: string,
): Promise<number[][]> {
  if (!texts.length) return [];
  const answer = await http.send('POST', path, { model, input: texts, encoding_format: 'float' }, signal);
  if (answer.status !== 200) throw await http.statusError(answer, unsupported);
  const { data } = http.check(Embeddings, http.parseJson(await answer.text(), answer.request), answer.request);
  if (data.length !== texts.length) throw http.garbage(answer.request, `${data.length} embeddings for ${texts.length} texts`);
  return data
    .map((item, position) => ({ item, order: item.index ?? position }))
    .sort((a, b) => a.order - b.order)
    .map(({ item }) => item.embedding);
}

function sampling(options: GenerateOptions): Record<string, unknown> {
  return {
    stream: true,
    // Token counts arrive in a last chunk of their own (servers that ignore this count nothing).
    stream_options: { include_usage: true },
    max_tokens: options.maxTokens,
    temperature: options.temperature ?? 0,
    stop: options.stop?.length ? [...options.stop] : undefined,
  };
}

function counts(finish: string | null | undefined, usage: z.infer<typeof Usage> | null | undefined, timings: z.infer<typeof Timings> | undefined): StreamPiece {
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  return {
    stopReason: finish ? stopReason(finish) : undefined,
    tokens: timings?.predicted_n ?? usage?.completion_tokens,
    promptTokens: timings?.prompt_n ?? (usage?.prompt_tokens === undefined ? undefined : usage.prompt_tokens - (cached ?? 0)),
    cachedTokens: timings?.cache_n ?? cached ?? undefined,
  };
}

function stopReason(finish: string): StopReason {
  return finish === 'length' ? 'maxTokens' : 'eos';
}
