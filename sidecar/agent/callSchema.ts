// The grammar-constrained call format: exactly one `{"tool", "args"}` object per turn, or
// `{"answer"}` when the task is done. Built from the tool specs, so the grammar (node-llama-cpp) or
// json_schema (servers) only lets the model name real tools with their real, flat parameters.
import { toolSpecs, type ToolSpec } from '../../protocol/agent';

export function callSchema(tools: readonly ToolSpec[] = toolSpecs): Record<string, unknown> {
  const calls = tools.map((spec) => ({
    type: 'object',
    properties: {
      tool: { const: spec.name },
      args: {
        type: 'object',
        properties: Object.fromEntries(Object.entries(spec.params).map(([key, param]) => [key, { type: param.type }])),
        required: Object.entries(spec.params).filter(([, param]) => param.required).map(([key]) => key),
        additionalProperties: false,
      },
    },
    required: ['tool', 'args'],
    additionalProperties: false,
  }));
  const answer = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
  return { oneOf: [...calls, answer] };
}
