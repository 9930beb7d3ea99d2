// What package.json says about the settings, rendered from protocol/settings.ts: the titled
// sections of `contributes.configuration` and the list of settings an untrusted workspace may not
// set. scripts/settings.mjs writes them into package.json; test/unit/settings.test.ts fails when
// package.json says anything else. Types, bounds and enums come from each setting's zod schema, so
// the Settings editor checks a value by the same rules the extension reads it with.
import * as z from 'zod/mini';
import { sections, settingKeys, settings, type SettingKey } from './settings';

export interface ConfigurationSection {
  readonly title: string;
  readonly order: number;
  readonly properties: Record<string, Record<string, unknown>>;
}

/** `contributes.configuration`: one titled section per entry of `sections`, settings in their declared order. */
export function configurationSections(): ConfigurationSection[] {
  return sections.map((title, index) => ({
    title,
    order: index + 1,
    properties: Object.fromEntries(settingKeys.filter((key) => settings[key].section === title).map((key) => [`pylot.${key}`, configurationProperty(key)])),
  }));
}

/** `capabilities.untrustedWorkspaces.restrictedConfigurations`. */
export function restrictedConfigurations(): string[] {
  return settingKeys.filter((key) => settings[key].restricted).map((key) => `pylot.${key}`);
}

/** One setting as package.json declares it: JSON schema first, then what the Settings editor shows. */
export function configurationProperty(key: SettingKey): Record<string, unknown> {
  const declaration = settings[key];
  const { type, enum: members, items, minimum, maximum, format, propertyNames, additionalProperties, ...rest } = jsonSchema(declaration.schema);
  if (Object.keys(rest).length > 0)
    throw new Error(`pylot.${key}: its schema needs JSON schema keywords the manifest does not render: ${Object.keys(rest).join(', ')}`);
  return withoutUndefined({
    type,
    enum: members,
    enumDescriptions: declaration.enumDescriptions,
    items,
    format,
    propertyNames,
    additionalProperties,
    default: declaration.default,
    minimum,
    maximum,
    scope: declaration.scope,
    description: declaration.description,
    markdownDescription: declaration.markdownDescription,
    order: declaration.order,
  });
}

const safeBounds = new Set([Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);

/** zod's JSON schema, less what would only be noise in package.json. */
function jsonSchema(schema: z.ZodMiniType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return tidy(rest) as Record<string, unknown>;
}

/** zod writes z.int()'s safe-integer range as bounds; an unbounded integer says nothing there. */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name, inner]) => !((name === 'minimum' || name === 'maximum') && safeBounds.has(inner as number)))
      .map(([name, inner]) => [name, tidy(inner)]),
  );
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined));
}
