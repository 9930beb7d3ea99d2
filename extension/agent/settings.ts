// The agent's settings (pylot.agent.*). Rules that loosen the policy — allow rules, auto-approved
// reads — are read from the user's own settings only: a workspace's .vscode/settings.json is
// written by whoever wrote the repository and must not pre-approve anything. Deny rules are
// honoured from every scope.
import * as vscode from 'vscode';
import type { PolicySettings, RememberedRule } from './policy/policy';

export interface AgentSettings extends PolicySettings {
  readonly approvalTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly commandOutputLimit: number;
  readonly runCommandsInTerminal: boolean;
  readonly maxSteps: number;
  readonly maxConsecutiveErrors: number;
  readonly toolOutputTokens: number;
}

export function readAgentSettings(): AgentSettings {
  const config = vscode.workspace.getConfiguration('pylot.agent');
  const userOnly = <T>(key: string, fallback: T): T => {
    const value = config.inspect<T>(key);
    return value?.globalValue ?? value?.defaultValue ?? fallback;
  };
  const everyScope = (key: string): string[] => {
    const value = config.inspect<string[]>(key);
    // The user may drop a default deny rule; a workspace may only add rules.
    return [value?.globalValue ?? value?.defaultValue, value?.workspaceValue, value?.workspaceFolderValue].flatMap((v) => strings(v));
  };
  const number = (key: string, fallback: number, min: number, max: number) => {
    const value = config.get<number>(key, fallback);
    return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  };
  return {
    autoApproveReads: userOnly('autoApproveReads', true) === true,
    allowCommands: strings(userOnly<unknown>('allowCommands', [])),
    denyCommands: [...new Set(everyScope('denyCommands'))],
    allowWrites: strings(userOnly<unknown>('allowWrites', [])),
    approvalTimeoutMs: number('approvalTimeoutSeconds', 120, 1, 3600) * 1000,
    commandTimeoutMs: number('commandTimeoutSeconds', 120, 1, 3600) * 1000,
    commandOutputLimit: number('commandOutputLimit', 100_000, 1000, 10_000_000),
    runCommandsInTerminal: config.get<boolean>('runCommandsInTerminal', false) === true,
    maxSteps: number('maxSteps', 15, 1, 100),
    maxConsecutiveErrors: number('maxConsecutiveErrors', 3, 1, 20),
    toolOutputTokens: number('toolOutputTokens', 1500, 64, 32_768),
  };
}

/** "Always": the rule goes into the user's settings, next to what is there. */
export async function saveRule(rule: RememberedRule): Promise<void> {
  const config = vscode.workspace.getConfiguration('pylot.agent');
  if (rule.kind === 'reads') return config.update('autoApproveReads', true, vscode.ConfigurationTarget.Global);
  const key = rule.kind === 'commands' ? 'allowCommands' : 'allowWrites';
  const current = strings(config.inspect<unknown>(key)?.globalValue ?? []);
  await config.update(key, [...new Set([...current, ...rule.patterns])], vscode.ConfigurationTarget.Global);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.trim() !== '') : [];
}
