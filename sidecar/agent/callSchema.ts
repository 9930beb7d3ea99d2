// The grammar-constrained call format: exactly one `{"tool", "args"}` object per turn, or
// `{"answer"}` when the task is done. Built from each tool's JSON schema (generated from its zod
// parameters), so the grammar (node-llama-cpp) or json_schema (servers) only lets the model name
// real tools with their real, flat parameters.
// An optional parameter the model does not need is written as null (the reader drops nulls).
import { toolSpecs, type ToolSpec } from '../../protocol/agent';
import { toolParameters } from '../../protocol/agent/toolSchema';

export function callSchema(tools: readonly ToolSpec[] = toolSpecs): Record<string, unknown> {
  const calls = tools.map((spec) => ({
    type: 'object',
    properties: {
      tool: { const: spec.name },
      args: {
        type: 'object',
        properties: Object.fromEntries(toolParameters(spec).map((param) => [param.name, { type: param.required ? param.type : [param.type, 'null'] }])),
        // Every key, in order: node-llama-cpp's grammar writes them all anyway, so optional ones are nullable.
        required: toolParameters(spec).map((param) => param.name),
        additionalProperties: false,
      },
    },
    required: ['tool', 'args'],
    additionalProperties: false,
  }));
  const answer = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
  return { oneOf: [...calls, answer] };
}
