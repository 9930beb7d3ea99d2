// Commands against the user's allow and deny rules. Deny wins and matches more than it says: it
// sees through wrappers, paths, quoting, option order and shell strings (denyRules, commandShape).
// Allow matches less: the exact program from PATH and only harmless options (allowRules). A line
// with substitution, redirection, subshells, expansions or wrappers always needs a person, even
// when its prefix is allowed, and "Always" is never offered for a line a deny rule could catch.
import { judgeAllow, type Locate } from './allowRules';
import { invocationsOf } from './commandShape';
import { matchDeny, parseDenyRule, type DenyRule } from './denyRules';
import { parseCommandLine } from './shellParse';

export interface CommandRules {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

export interface CommandContext {
  /** Where each bare program name leads (looked up beforehand, see programPath). */
  readonly locate: Locate;
  /** The folder the line runs in, absolute; relative operands are judged from it. */
  readonly cwd?: string;
  readonly home?: string;
  /** PATH has entries relative to the folder a command runs in: a `cd` in the line changes which file a name runs. */
  readonly relativePath?: boolean;
}

export type CommandVerdict =
  | { readonly kind: 'allow'; readonly rules: readonly string[] }
  | { readonly kind: 'deny'; readonly reason: string }
  | {
      readonly kind: 'ask';
      readonly reasons: readonly string[];
      /** Rules that "Allow for this session" / "Always" would add; absent when the line's shape must always be asked about. */
      readonly suggestedRules?: readonly string[];
    };

const maxLineLength = 2000;

export function judgeCommand(line: string, rules: CommandRules, context: CommandContext): CommandVerdict {
  if (!line.trim()) return { kind: 'deny', reason: 'The command is empty.' };
  // Judging looks at every word as a possible command start; past this size that is not worth proving safe.
  if (line.length > maxLineLength)
    return { kind: 'ask', reasons: [`the line is longer than ${maxLineLength} characters, too long to check against the deny rules`] };
  const parsed = parseCommandLine(line);
  const deny = denyVerdict(line, rules.deny, context);
  if (deny.kind === 'deny') return deny;
  if (parsed.commands.length === 0) return { kind: 'ask', reasons: ['the line runs no plain command'] };
  if (deny.possible.length) {
    return { kind: 'ask', reasons: deny.possible.map((rule) => `a deny rule ("${rule}") may match: what this line runs is only known when it runs`) };
  }
  if (parsed.risks.length) return { kind: 'ask', reasons: parsed.risks };
  if (context.relativePath && parsed.commands.some((c) => ['cd', 'pushd', 'popd'].includes(c.words[0] ?? ''))) {
    return { kind: 'ask', reasons: ['PATH has a relative entry and the line changes folder, so a program name may run a workspace file'] };
  }
  const matched: string[] = [];
  const reasons: string[] = [];
  const suggestions: Array<string | undefined> = [];
  for (const command of parsed.commands) {
    const judgement = judgeAllow(command, rules.allow, context.locate);
    if (judgement.kind === 'allowed') matched.push(judgement.rule);
    else {
      reasons.push(judgement.reason);
      suggestions.push(judgement.suggestion);
    }
  }
  if (reasons.length === 0) return { kind: 'allow', rules: matched };
  // "Always" only when it would cover every command that asked (a path or a risky option cannot be remembered).
  const remembered = suggestions.every((s) => s !== undefined) ? [...new Set(suggestions as string[])] : undefined;
  return { kind: 'ask', reasons, ...(remembered ? { suggestedRules: remembered } : {}) };
}

/** A deny rule this line certainly runs into, or the ones it may run into. */
function denyVerdict(line: string, deny: readonly string[], context: CommandContext): { kind: 'deny'; reason: string } | { kind: 'clear'; possible: string[] } {
  const rules = deny.map(parseDenyRule).filter((rule): rule is DenyRule => rule !== undefined);
  const possible = new Set<string>();
  const programs = rules.map((rule) => rule.program);
  const relevant = (name: string) => programs.some((program) => name === program || name.startsWith(`${program}.`));
  for (const invocation of invocationsOf(line, { relevant, ...(context.cwd ? { cwd: context.cwd } : {}), ...(context.home ? { home: context.home } : {}) })) {
    for (const rule of rules) {
      const match = matchDeny(invocation, rule, context.home ? { home: context.home } : {});
      if (match === 'yes') return { kind: 'deny', reason: `"${rule.text}" is in pylot.agent.denyCommands.` };
      if (match === 'possible') possible.add(rule.text);
    }
  }
  return { kind: 'clear', possible: [...possible] };
}
