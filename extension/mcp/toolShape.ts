// An MCP server's tool (or one VS Code lists) reduced to what a small model can call and the policy
// can judge: a namespaced name (`mcp_<server>_<tool>`), a description cut to a share of a small
// context, flat parameters read from its JSON schema (string, integer, boolean; a `number` is offered
// as an integer, which it accepts; an enum as a string naming its values), and a risk class from its
// annotations. A tool whose required parameter is not flat is not offered (a small model's one-object
// call cannot write it); an optional one is left out. Nothing here trusts the server: every field is
// checked, every length capped. No `vscode`, no SDK.
import { briefLimit, cut, descriptionLimit, ExternalTool, paramLimit, type ExternalParam, type ExternalToolName } from '../../protocol/agent/externalTools';
import type { Risk } from '../../protocol/agent';

/** What the MCP spec says a tool may declare about itself (all hints; a server can say anything). */
export interface ToolAnnotations {
  readonly readOnlyHint?: unknown;
  readonly destructiveHint?: unknown;
}

export interface ListedTool {
  readonly name: string;
  readonly description?: unknown;
  readonly inputSchema?: unknown;
  readonly annotations?: unknown;
}

export type Shaped = { readonly ok: true; readonly tool: ExternalTool } | { readonly ok: false; readonly reason: string };

/**
 * read: the server says it only reads (readOnlyHint). write: it changes things but destroys nothing
 * (destructiveHint false). command: anything else — destructive, or the server does not say, which
 * MCP's own defaults read as "may destroy".
 */
export function riskOf(annotations: unknown): Risk {
  const hints = (annotations && typeof annotations === 'object' ? annotations : {}) as ToolAnnotations;
  if (hints.readOnlyHint === true) return 'read';
  if (hints.destructiveHint === false) return 'write';
  return 'command';
}

/** `Get-Weather`, `getWeather` → `get_weather`: what the call readers and grammars handle best. */
export function slug(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The model-facing name, or undefined when none fits the pattern (an empty or all-symbol name). */
export function namespacedName(prefix: 'mcp' | 'vscode', origin: string, tool: string): ExternalToolName | undefined {
  const parts = [prefix, ...(origin ? [slug(origin)] : []), slug(tool)];
  if (parts.some((part) => !part)) return undefined;
  return parts.join('_').slice(0, 60).replace(/_+$/, '') as ExternalToolName;
}

/** Control characters and runs of blank space out, then capped: a description is prompt text. */
export function plainText(value: unknown, limit: number): string {
  if (typeof value !== 'string') return '';
  return cut(
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    limit,
  );
}

/** The tool as the agent offers it, or why it is not offered. */
export function shapeTool(name: ExternalToolName | undefined, listed: ListedTool, risk: Risk): Shaped {
  if (!name) return { ok: false, reason: `its name "${plainText(listed.name, 60)}" has no letters or digits` };
  const params = flatParams(listed.inputSchema);
  if (!params.ok) return params;
  const description = plainText(listed.description, descriptionLimit) || plainText(listed.name, 60);
  const firstSentence = /^(.+?[.!?])(\s|$)/.exec(description)?.[1] ?? description;
  const parsed = ExternalTool.safeParse({ name, description, brief: cut(firstSentence, briefLimit), params: params.params, risk });
  if (!parsed.success) return { ok: false, reason: `its description could not be read (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  return { ok: true, tool: parsed.data };
}

type FlatParams = { readonly ok: true; readonly params: ExternalParam[] } | { readonly ok: false; readonly reason: string };

function flatParams(schema: unknown): FlatParams {
  if (!isObject(schema) || (schema.type !== undefined && schema.type !== 'object')) return { ok: false, reason: 'its input schema is not an object' };
  const properties = schema.properties === undefined ? {} : schema.properties;
  if (!isObject(properties)) return { ok: false, reason: 'its input schema has no readable properties' };
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string') : []);
  const params: ExternalParam[] = [];
  for (const [key, property] of Object.entries(properties)) {
    const param = flatParam(key, property, required.has(key));
    if (param) params.push(param);
    else if (required.has(key)) return { ok: false, reason: `its required parameter "${plainText(key, 40)}" is not a string, number or boolean` };
  }
  const needed = params.filter((param) => param.required);
  if (needed.length > paramLimit) return { ok: false, reason: `it has ${needed.length} required parameters (at most ${paramLimit})` };
  // The optional ones that fit, after every required one.
  return { ok: true, params: [...needed, ...params.filter((param) => !param.required)].slice(0, paramLimit) };
}

function flatParam(name: string, property: unknown, required: boolean): ExternalParam | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) || !isObject(property)) return undefined;
  const described = plainText(property.description, 200);
  if (Array.isArray(property.enum) && property.enum.length > 0 && property.enum.every((member) => typeof member === 'string')) {
    const members = plainText((property.enum as string[]).map((member) => JSON.stringify(member)).join(', '), 160);
    return { name, type: 'string', description: cut(`${described ? `${described}; ` : ''}one of ${members}`, descriptionLimit), required };
  }
  const type = property.type;
  if (type !== 'string' && type !== 'integer' && type !== 'number' && type !== 'boolean') return undefined;
  return { name, type: type === 'number' ? 'integer' : type, description: described, required };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
