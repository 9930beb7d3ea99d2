// Every `pylot.*` setting, declared once: its key, the section it is shown in, the zod schema its
// value must pass (bounds included; counts are integers), its default, its description, and whether
// a change needs a fresh sidecar. package.json's `contributes.configuration` is generated from this
// file (`npm run settings`, checked by test/unit/settings.test.ts); the extension reads and
// validates every value against it, and the sidecar's fallback defaults are these defaults.
// Platform-free, like the rest of protocol/: the extension, the sidecar and the scripts import it.
import * as z from 'zod/mini';
import type { SettingDeclaration } from './settingDeclaration';
import { chatAgentSettings } from './settingSections/chatAgent';
import { completionSettings } from './settingSections/completion';
import { indexPrivacyAdvancedSettings } from './settingSections/indexPrivacy';
import { mcpSettings } from './settingSections/mcp';
import { modelsSettings } from './settingSections/models';

export { sections, type Scope, type Section, type SettingDeclaration } from './settingDeclaration';
export { McpServer } from './settingSections/mcp';
export { ServerProfile, serverProfileDefaults } from './settingSections/models';

export const settings = { ...completionSettings, ...chatAgentSettings, ...mcpSettings, ...modelsSettings, ...indexPrivacyAdvancedSettings };

export type SettingKey = keyof typeof settings;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settings)[K]['schema']>;

export const settingKeys = Object.keys(settings) as SettingKey[];

/** Every setting's default, by key without the `pylot.` prefix. */
export const settingDefaults = Object.fromEntries(settingKeys.map((key) => [key, settings[key].default])) as { readonly [K in SettingKey]: SettingValue<K> };

/** Settings whose change restarts the sidecar, as `pylot.<key>` for `affectsConfiguration`. */
export const restartKeys = settingKeys.filter((key) => settings[key].restartsSidecar).map((key) => `pylot.${key}`);

/**
 * A value of `pylot.<key>` as read: the value itself when it passes the schema (strings trimmed),
 * the default when it is unset, else the default and why the value was ignored.
 */
export function parseSetting<K extends SettingKey>(key: K, value: unknown): { value: SettingValue<K>; problem?: string } {
  const declaration = settings[key] as unknown as SettingDeclaration<z.ZodMiniType<SettingValue<K>>>;
  if (value === undefined || value === null) return { value: declaration.default };
  const parsed = declaration.schema.safeParse(typeof value === 'string' ? value.trim() : value);
  if (parsed.success) return { value: parsed.data };
  const why = parsed.error.issues[0];
  const where = why?.path.length ? ` at ${why.path.join('.')}` : '';
  return {
    value: declaration.default,
    problem: `Ignoring invalid setting pylot.${key} (${JSON.stringify(value)}): ${why?.message ?? 'invalid'}${where}; using ${JSON.stringify(declaration.default)}.`,
  };
}
