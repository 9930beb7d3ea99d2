// The agent's settings (pylot.agent.*), checked against their declarations in protocol/settings.ts.
// Rules that loosen the policy — allow rules, auto-approved reads — are read from the user's own
// settings only: a workspace's .vscode/settings.json is written by whoever wrote the repository and
// must not pre-approve anything. Deny rules are honoured from every scope.
import * as vscode from 'vscode';
import { settingDefaults, type SettingKey } from '../../protocol/settings';
import { validSetting } from '../settingsReader';
import type { PolicySettings, RememberedRule } from './policy/policy';

export interface AgentSettings extends PolicySettings {
  readonly approvalTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly commandOutputLimit: number;
  readonly runCommandsInTerminal: boolean;
  /** An allowed edit goes through the per-hunk review before it is written. */
  readonly reviewEdits: boolean;
  readonly maxSteps: number;
  readonly maxConsecutiveErrors: number;
  readonly toolOutputTokens: number;
  readonly checkpointMaxBytes: number;
}

type AgentKey = Extract<SettingKey, `agent.${string}`> extends `agent.${infer Name}` ? Name : never;
type RuleKey = 'allowCommands' | 'denyCommands' | 'allowWrites';

/** `warn` hears of values that were ignored; the policy re-reads on every call and passes none. */
export function readAgentSettings(warn: (message: string) => void = () => {}): AgentSettings {
  const config = vscode.workspace.getConfiguration('pylot.agent');
  const valid = <K extends AgentKey>(key: K, value: unknown) => validSetting(`agent.${key}`, value, warn);
  const everyScope = <K extends AgentKey>(key: K) => valid(key, config.get(key));
  // A value that is not a list counts as unset (the default where it is the user's); a list keeps
  // its good rules when one is malformed: dropping a user's deny rules over one bad entry, or
  // swapping them for the defaults, would loosen the policy.
  const rules = (key: RuleKey, value: unknown) => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return void warn(`Ignoring invalid setting pylot.agent.${key} (${JSON.stringify(value)}): expected a list of rules.`);
    const kept = strings(value);
    if (kept.length !== value.length) warn(`Ignoring invalid entries of pylot.agent.${key} (${JSON.stringify(value)}): each rule is a non-empty string.`);
    return kept;
  };
  // An unreadable value approves nothing, rather than taking the default, which approves reads.
  const approveReads = config.inspect<unknown>('autoApproveReads')?.globalValue;
  if (approveReads !== undefined && typeof approveReads !== 'boolean')
    warn(`Ignoring invalid setting pylot.agent.autoApproveReads (${JSON.stringify(approveReads)}): reads ask until it is true or false.`);
  // Loosening rules come from the user's own settings only; the declared default, never the merged value.
  const userRules = (key: 'allowCommands' | 'allowWrites') => rules(key, config.inspect(key)?.globalValue) ?? [...settingDefaults[`agent.${key}`]];
  const deny = config.inspect<unknown>('denyCommands');
  // The user may drop a default deny rule; a workspace may only add rules.
  const denyCommands = [
    rules('denyCommands', deny?.globalValue) ?? settingDefaults['agent.denyCommands'],
    rules('denyCommands', deny?.workspaceValue),
    rules('denyCommands', deny?.workspaceFolderValue),
  ].flatMap((list) => list ?? []);
  return {
    autoApproveReads: approveReads === undefined ? settingDefaults['agent.autoApproveReads'] : approveReads === true,
    allowCommands: userRules('allowCommands'),
    denyCommands: [...new Set(denyCommands)],
    allowWrites: userRules('allowWrites'),
    approvalTimeoutMs: everyScope('approvalTimeoutSeconds') * 1000,
    commandTimeoutMs: everyScope('commandTimeoutSeconds') * 1000,
    commandOutputLimit: everyScope('commandOutputLimit'),
    runCommandsInTerminal: everyScope('runCommandsInTerminal'),
    reviewEdits: everyScope('reviewEdits'),
    maxSteps: everyScope('maxSteps'),
    maxConsecutiveErrors: everyScope('maxConsecutiveErrors'),
    toolOutputTokens: everyScope('toolOutputTokens'),
    checkpointMaxBytes: everyScope('checkpointMaxMB') * 1024 * 1024,
  };
}

/** "Always": the rule goes into the user's settings, next to what is there. */
export async function saveRule(rule: RememberedRule): Promise<void> {
  const config = vscode.workspace.getConfiguration('pylot.agent');
  if (rule.kind === 'reads') return config.update('autoApproveReads', true, vscode.ConfigurationTarget.Global);
  if (rule.kind === 'tool') return; // an external tool is allowed for a session at most
  const key = rule.kind === 'commands' ? 'allowCommands' : 'allowWrites';
  const current = strings(config.inspect<unknown>(key)?.globalValue ?? []);
  await config.update(key, [...new Set([...current, ...rule.patterns])], vscode.ConfigurationTarget.Global);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.trim() !== '') : [];
}
