// Settings from one source: package.json's `contributes.configuration` must say what
// protocol/settings.ts declares (sections, types, defaults, bounds, enums, scopes, descriptions),
// the zod reader must accept exactly what package.json advertises, and what the sidecar and the
// wire assume about a setting must agree with its declaration. `npm run settings` fixes the first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AgentRun } from '../../protocol/agent';
import { OpenIndex } from '../../protocol/index';
import { parseSetting, restartKeys, sections, settingDefaults, settingKeys, settings, type SettingKey } from '../../protocol/settings';
import { configurationProperty, configurationSections, restrictedConfigurations } from '../../protocol/settingsManifest';
import { InlineCompletion, LoadModel, SidecarSettings } from '../../protocol/sidecar';
import { defaults as agentLoopDefaults } from '../../sidecar/agent/loop';
import { defaultMaxFileBytes } from '../../sidecar/index/workspaceFilter';

type Property = Record<string, unknown> & { type?: string; enum?: unknown[]; minimum?: number; maximum?: number };
interface Section {
  title?: string;
  properties: Record<string, Property>;
}

const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as {
  contributes: { configuration: Section | Section[] };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};
const shipped = [manifest.contributes.configuration].flat();
const shippedProperties = shipped.flatMap((section) =>
  Object.entries(section.properties).map(([key, property]) => ({ key, property, section: section.title })),
);
const property = (key: SettingKey) => shippedProperties.find((entry) => entry.key === `pylot.${key}`)?.property;
const fix = ' (run `npm run settings`)';

describe('package.json and protocol/settings.ts', () => {
  it('list the same settings, each once, in its declared section', () => {
    const declared = settingKeys.map((key) => `pylot.${key}`);
    const inManifest = shippedProperties.map((entry) => entry.key);
    assert.deepEqual(
      inManifest.filter((key) => !declared.includes(key)),
      [],
      `in package.json but not declared${fix}`,
    );
    assert.deepEqual(
      declared.filter((key) => !inManifest.includes(key)),
      [],
      `declared but not in package.json${fix}`,
    );
    assert.equal(new Set(inManifest).size, inManifest.length, 'a setting appears in two sections');
    for (const { key, section } of shippedProperties)
      assert.equal(section, settings[key.slice('pylot.'.length) as SettingKey].section, `${key}'s section${fix}`);
  });

  it('agree on each setting: type, default, bounds, enum, scope and description', () => {
    for (const key of settingKeys) {
      const expected = configurationProperty(key);
      const actual = property(key);
      if (!actual) continue; // reported above
      for (const field of [
        'type',
        'default',
        'minimum',
        'maximum',
        'enum',
        'enumDescriptions',
        'items',
        'format',
        'scope',
        'description',
        'markdownDescription',
        'order',
      ]) {
        assert.deepEqual(actual[field], expected[field], `pylot.${key}: ${field}${fix}`);
      }
      assert.deepEqual(actual, expected, `pylot.${key}${fix}`);
    }
  });

  it('is an array of the titled sections, nothing else', () => {
    assert.ok(Array.isArray(manifest.contributes.configuration), 'contributes.configuration is an array of sections');
    assert.deepEqual(
      shipped.map((section) => section.title),
      [...sections],
    );
    assert.deepEqual(manifest.contributes.configuration, configurationSections(), fix);
  });

  it('restricts in untrusted workspaces the settings declared restricted', () => {
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, restrictedConfigurations(), fix);
  });
});

describe('each setting declared', () => {
  it('has a default its own schema accepts, and a description', () => {
    for (const key of settingKeys) {
      const declaration = settings[key];
      assert.equal(parseSetting(key, declaration.default).problem, undefined, `pylot.${key}'s default`);
      assert.ok(Boolean(declaration.description) !== Boolean(declaration.markdownDescription), `pylot.${key}: one of description and markdownDescription`);
      const members = configurationProperty(key).enum as unknown[] | undefined;
      assert.equal(declaration.enumDescriptions?.length ?? members?.length, members?.length, `pylot.${key}: one enum description per member`);
    }
  });

  it('counts are integers; only seconds may be fractional', () => {
    const fractional = settingKeys.filter((key) => configurationProperty(key).type === 'number');
    assert.deepEqual(fractional, ['agent.approvalTimeoutSeconds', 'agent.commandTimeoutSeconds']);
  });

  it('is read by the rules package.json advertises: bounds, integers, enums and types', () => {
    const accepts = (key: SettingKey, value: unknown) => parseSetting(key, value).problem === undefined;
    for (const key of settingKeys) {
      const shown = property(key);
      if (!shown) continue;
      const { type, minimum, maximum } = shown;
      assert.ok(accepts(key, shown.default), `pylot.${key} accepts the default package.json shows`);
      if (minimum !== undefined) {
        assert.ok(accepts(key, minimum), `pylot.${key} accepts its minimum`);
        assert.ok(!accepts(key, minimum - 1), `pylot.${key} refuses below its minimum`);
      }
      if (maximum !== undefined) {
        assert.ok(accepts(key, maximum), `pylot.${key} accepts its maximum`);
        assert.ok(!accepts(key, maximum + 1), `pylot.${key} refuses above its maximum`);
      }
      if (type === 'integer') assert.ok(!accepts(key, (minimum ?? 0) + 0.5), `pylot.${key} refuses a fraction`);
      if (type === 'number') assert.ok(accepts(key, (minimum ?? 0) + 0.5), `pylot.${key} takes a fraction`);
      for (const member of shown.enum ?? []) assert.ok(accepts(key, member), `pylot.${key} accepts ${String(member)}`);
      if (shown.enum) assert.ok(!accepts(key, 'not-a-member'), `pylot.${key} refuses what its enum does not list`);
      const wrongType = type === 'boolean' || type === 'array' ? 'yes' : true;
      assert.ok(!accepts(key, wrongType), `pylot.${key} refuses a ${typeof wrongType}`);
    }
  });

  it('falls back to its default, and says why, when a value is bad', () => {
    assert.deepEqual(parseSetting('agent.maxSteps', 2.5), {
      value: 15,
      problem: 'Ignoring invalid setting pylot.agent.maxSteps (2.5): Invalid input: expected int, received number; using 15.',
    });
    assert.deepEqual(parseSetting('completion.maxTokens', undefined), { value: 64 });
    assert.equal(parseSetting('sidecar.nodePath', '  /usr/bin/node ').value, '/usr/bin/node');
    const server = parseSetting('servers', [{ name: 'box', api: 'llama-server', baseUrl: 'not a url' }]);
    assert.deepEqual(server.value, []);
    assert.match(server.problem ?? '', /at 0\.baseUrl/);
  });

  it("keeps the agent's loosening rules out of workspace settings", () => {
    // `application` scope: VS Code itself takes them from user settings only; the reader also inspects globalValue.
    for (const key of ['agent.autoApproveReads', 'agent.allowCommands', 'agent.allowWrites'] as const) assert.equal(settings[key].scope, 'application', key);
    assert.equal(settings['agent.denyCommands'].scope, undefined, 'deny rules come from every scope');
  });

  it('shares defaults nobody can change', () => {
    assert.throws(() => (settingDefaults['agent.denyCommands'] as string[]).push('ls'), TypeError);
  });
});

describe('what the sidecar assumes of a setting', () => {
  it('restarts for exactly the settings it reads when it starts', () => {
    const startSettings: Record<keyof typeof SidecarSettings.shape, SettingKey> = {
      threads: 'threads',
      gpu: 'gpu',
      flashAttention: 'advanced.flashAttention',
      kvCacheType: 'advanced.kvCacheType',
      trace: 'trace',
    };
    assert.deepEqual(Object.keys(SidecarSettings.shape).sort(), Object.keys(startSettings).sort(), 'a new start setting needs restartsSidecar');
    const expected = [...Object.values(startSettings), 'sidecar.nodePath'].map((key) => `pylot.${key}`);
    assert.deepEqual([...restartKeys].sort(), expected.sort());
    const sent = Object.fromEntries(Object.entries(startSettings).map(([field, key]) => [field, settingDefaults[key]]));
    assert.equal(SidecarSettings.safeParse(sent).success, true, 'the defaults travel');
    for (const [field, key] of Object.entries(startSettings)) {
      for (const member of (configurationProperty(key).enum as unknown[] | undefined) ?? [])
        assert.equal(SidecarSettings.safeParse({ [field]: member }).success, true, `${field}: ${String(member)}`);
    }
  });

  it('falls back to the declared defaults', () => {
    assert.equal(agentLoopDefaults.maxSteps, settingDefaults['agent.maxSteps']);
    assert.equal(agentLoopDefaults.maxConsecutiveErrors, settingDefaults['agent.maxConsecutiveErrors']);
    assert.equal(agentLoopDefaults.toolOutputTokens, settingDefaults['agent.toolOutputTokens']);
    assert.equal(defaultMaxFileBytes, settingDefaults['index.maxFileSizeKb'] * 1024);
  });

  it('takes every value a setting allows over the wire', () => {
    const wire: Array<[SettingKey, { safeParse(value: unknown): { success: boolean } }, (value: number) => number]> = [
      ['completion.maxTokens', InlineCompletion.params.shape.maxTokens, (v) => v],
      ['completion.timeLimitMs', InlineCompletion.params.shape.timeLimitMs, (v) => v],
      ['contextSize', LoadModel.params.shape.contextSize, (v) => v],
      ['agent.maxSteps', AgentRun.params.shape.maxSteps, (v) => v],
      ['agent.maxConsecutiveErrors', AgentRun.params.shape.maxConsecutiveErrors, (v) => v],
      ['agent.toolOutputTokens', AgentRun.params.shape.toolOutputTokens, (v) => v],
      ['index.maxFileSizeKb', OpenIndex.params.shape.maxFileBytes, (kib) => kib * 1024],
    ];
    for (const [key, schema, toWire] of wire) {
      const { minimum, maximum } = configurationProperty(key) as Property;
      for (const value of [minimum, settingDefaults[key] as number, maximum]) {
        if (value !== undefined) assert.equal(schema.safeParse(toWire(value)).success, true, `pylot.${key} = ${value}`);
      }
    }
  });
});
