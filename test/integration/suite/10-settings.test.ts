// Pylot's settings in a real VS Code: every setting protocol/settings.ts declares is registered from
// package.json's titled sections with its declared default, bad values fall back and are reported,
// and the agent takes deny rules from the workspace but loosening rules from the user only.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readAgentSettings } from '../../../extension/agent/agentSettings';
import { readSettings } from '../../../extension/settingsReader';
import { settingDefaults, settingKeys } from '../../../protocol/settings';
import { pylot, setting } from './helpers';

suite('Settings in a real VS Code', () => {
  suiteSetup(async () => {
    await pylot();
  });

  suiteTeardown(async () => {
    await setting('completion.maxTokens', undefined);
    await setting('agent.maxSteps', undefined);
    await setting('agent.allowCommands', undefined);
    await vscode.workspace.getConfiguration('pylot').update('agent.denyCommands', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('VS Code registers every declared setting with its default', () => {
    const sections = vscode.extensions.getExtension('pylot.pylot')?.packageJSON.contributes.configuration;
    assert.ok(Array.isArray(sections) && sections.length === 6, 'six titled sections');
    const config = vscode.workspace.getConfiguration('pylot');
    for (const key of settingKeys) assert.deepEqual(config.inspect(key)?.defaultValue, settingDefaults[key], `pylot.${key}`);
  });

  test('a bad value falls back to its default and says why', async () => {
    await setting('completion.maxTokens', 5000);
    await setting('agent.maxSteps', 2.5);
    const warnings: string[] = [];
    assert.equal(readSettings((warning) => warnings.push(warning)).maxTokens, settingDefaults['completion.maxTokens']);
    assert.equal(readAgentSettings((warning) => warnings.push(warning)).maxSteps, settingDefaults['agent.maxSteps']);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0]!, /pylot\.completion\.maxTokens \(5000\)/);
    assert.match(warnings[1]!, /pylot\.agent\.maxSteps \(2\.5\)/);
  });

  test('deny rules add up from every scope; allow rules come from the user only', async () => {
    await setting('agent.allowCommands', ['npm test']);
    await vscode.workspace.getConfiguration('pylot').update('agent.denyCommands', ['curl'], vscode.ConfigurationTarget.Workspace);
    const agent = readAgentSettings();
    assert.deepEqual(agent.allowCommands, ['npm test']);
    assert.deepEqual(agent.denyCommands, [...settingDefaults['agent.denyCommands'], 'curl']);
  });
});
