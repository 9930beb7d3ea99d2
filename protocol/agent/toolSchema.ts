// A tool as the model sees it, generated from its zod parameters: the JSON schema (for engines'
// own tool formats, and the grammar of the JSON call format) and the parameter list (for the
// prompt and the lenient reader). The sidecar's alone: the extension host never loads zod's JSON
// schema generator.
import * as z from 'zod/mini';
import type { ToolSpec } from './tool';

/** One parameter as the prompt and the lenient reader see it. */
export interface ToolParam {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'boolean';
  readonly description: string;
  readonly required: boolean;
}

/** The arguments' JSON schema: flat, each property a type and a description. (A type, not an interface: engines take any JSON object.) */
export type ToolJsonSchema = {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, { readonly type: ToolParam['type']; readonly description?: string }>>;
  readonly required: readonly string[];
};

const schemas = new WeakMap<ToolSpec, ToolJsonSchema>();

/**
 * zod's JSON schema, kept to what every engine takes: llama.cpp's grammar converter turns an
 * integer's safe-range bounds into pages of digit rules, and node-llama-cpp's grammar knows no
 * `$schema`; a type and a description per property say all a flat parameter has.
 */
export function toolJsonSchema(spec: ToolSpec): ToolJsonSchema {
  let schema = schemas.get(spec);
  if (schema) return schema;
  const generated = z.toJSONSchema(z.object(spec.shape)) as { properties?: Record<string, { type?: unknown; description?: string }>; required?: string[] };
  const properties: Record<string, ToolJsonSchema['properties'][string]> = {};
  for (const [name, property] of Object.entries(generated.properties ?? {})) {
    if (property.type !== 'string' && property.type !== 'integer' && property.type !== 'boolean')
      throw new Error(`${spec.name}: parameter "${name}" must be a string, an integer or a boolean.`);
    properties[name] = { type: property.type, ...(property.description ? { description: property.description } : {}) };
  }
  schema = { type: 'object', properties, required: generated.required ?? [] };
  schemas.set(spec, schema);
  return schema;
}

export function toolParameters(spec: ToolSpec): ToolParam[] {
  const { properties, required } = toolJsonSchema(spec);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    type: property.type,
    description: property.description ?? '',
    required: required.includes(name),
  }));
}
