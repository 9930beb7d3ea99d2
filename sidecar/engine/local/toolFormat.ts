// Whether a local model has a tool-call format of its own. node-llama-cpp picks a chat wrapper
// from the GGUF's template and name; the wrappers for models trained on tool calls (Qwen's
// <tool_call>, Llama 3.1, Mistral, Functionary…) define their own call syntax, while the generic
// ones (General, ChatML, Alpaca…) fall back to node-llama-cpp's invented `||call:` syntax, which
// no model was trained on — for those a grammar-constrained JSON call works better.
import type { ChatWrapper, LlamaModel } from 'node-llama-cpp';
import type { NodeLlamaCpp, Runtime } from '../runtime';

/** The chat wrapper node-llama-cpp will use for this model has a tool-call syntax of its own. */
export function ownToolFormat(runtime: Runtime, model: LlamaModel): boolean {
  try {
    return hasOwnToolFormat(runtime.lib.resolveChatWrapper(model), runtime.lib);
  } catch {
    return false;
  }
}

export function hasOwnToolFormat(wrapper: ChatWrapper, lib: Pick<NodeLlamaCpp, 'ChatWrapper' | 'LlamaText'>): boolean {
  const prefix = (settings: ChatWrapper['settings']) => lib.LlamaText(settings.functions.call.prefix).toString();
  return prefix(wrapper.settings) !== prefix(lib.ChatWrapper.defaultSettings);
}

/** node-llama-cpp's grammar writes every parameter, so optional ones become nullable (the reader drops nulls). */
export function nullableOptionals(parameters: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const properties = (parameters.properties ?? {}) as Record<string, { type: string }>;
  const required = new Set((parameters.required ?? []) as string[]);
  return {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(properties).map(([key, schema]) => [key, required.has(key) ? schema : { ...schema, type: [schema.type, 'null'] }]),
    ),
  };
}
