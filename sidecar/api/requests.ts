// What the loopback API accepts: OpenAI's request bodies (and llama.cpp's /infill), each field
// bounded, unknown fields dropped. A body that fails gets 400 with zod's first complaint.
import * as z from 'zod/mini';

const maxTokens = z.optional(z.nullable(z.int().check(z.minimum(1), z.maximum(32_768))));
const temperature = z.optional(z.nullable(z.number().check(z.minimum(0), z.maximum(2))));
const text = z.string().check(z.maxLength(4 * 1024 * 1024));
const stop = z.optional(z.nullable(z.union([z.string().check(z.maxLength(256)), z.array(z.string().check(z.maxLength(256))).check(z.maxLength(16))])));
const model = z.optional(z.string().check(z.maxLength(512)));
const stream = z.optional(z.nullable(z.boolean()));
const stream_options = z.optional(z.nullable(z.object({ include_usage: z.optional(z.boolean()) })));

const ContentPart = z.object({ type: z.string(), text: z.optional(text) });

export const OpenAiMessage = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.optional(z.nullable(z.union([text, z.array(ContentPart).check(z.maxLength(256))]))),
  tool_calls: z.optional(
    z.nullable(
      z
        .array(z.object({ id: z.string().check(z.maxLength(256)), function: z.object({ name: z.string().check(z.maxLength(128)), arguments: text }) }))
        .check(z.maxLength(64)),
    ),
  ),
  tool_call_id: z.optional(z.string().check(z.maxLength(256))),
});
export type OpenAiMessage = z.infer<typeof OpenAiMessage>;

export const ChatCompletionBody = z.object({
  model,
  messages: z.array(OpenAiMessage).check(z.minLength(1), z.maxLength(4096)),
  tools: z.optional(
    z.nullable(
      z
        .array(
          z.object({
            type: z.literal('function'),
            function: z.object({
              name: z.string().check(z.minLength(1), z.maxLength(128)),
              description: z.optional(z.string().check(z.maxLength(8192))),
              parameters: z.optional(z.record(z.string(), z.unknown())),
            }),
          }),
        )
        .check(z.maxLength(128)),
    ),
  ),
  tool_choice: z.optional(z.nullable(z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.string() })]))),
  max_tokens: maxTokens,
  max_completion_tokens: maxTokens,
  temperature,
  stop,
  stream,
  stream_options,
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionBody>;

export const CompletionBody = z.object({
  model,
  prompt: z.union([text, z.array(text).check(z.length(1))]),
  suffix: z.optional(z.nullable(text)),
  max_tokens: maxTokens,
  temperature,
  stop,
  stream,
  stream_options,
});
export type CompletionBody = z.infer<typeof CompletionBody>;

export const EmbeddingBody = z.object({
  model,
  input: z.union([text, z.array(text).check(z.minLength(1), z.maxLength(512))]),
  /** The openai client asks for base64 (little-endian float32) by default. */
  encoding_format: z.optional(z.enum(['float', 'base64'])),
});
export type EmbeddingBody = z.infer<typeof EmbeddingBody>;

/** llama.cpp server's /infill. */
export const InfillBody = z.object({
  model,
  input_prefix: text,
  input_suffix: text,
  input_extra: z.optional(z.array(z.object({ filename: z.string().check(z.maxLength(4096)), text })).check(z.maxLength(256))),
  n_predict: maxTokens,
  temperature,
  stop,
  stream,
});
export type InfillBody = z.infer<typeof InfillBody>;
