// Commands against the user's allow and deny rules. A rule is a command prefix in words
// ("npm test", "git status"). Deny wins, and looks through wrappers (sh -c "…", sudo, env …).
// A line with substitution, redirection, subshells, expansions or wrappers always needs a person,
// even when its prefix is allowed: the prefix does not say what such a line does.
import { parseCommandLine, programName, wrappers, type SimpleCommand } from './shellParse';

export interface CommandRules {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
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

export function judgeCommand(line: string, rules: CommandRules): CommandVerdict {
  if (!line.trim()) return { kind: 'deny', reason: 'The command is empty.' };
  const parsed = parseCommandLine(line);
  const denied = denyMatch(line, rules.deny);
  if (denied) return { kind: 'deny', reason: `"${denied}" is in pylot.agent.denyCommands.` };
  if (parsed.commands.length === 0) return { kind: 'ask', reasons: ['the line runs no plain command'] };
  if (parsed.risks.length) return { kind: 'ask', reasons: parsed.risks };
  const allowRules = rules.allow.map(ruleWords).filter((words) => words.length > 0);
  const matched: string[] = [];
  const unmatched: SimpleCommand[] = [];
  for (const command of parsed.commands) {
    const rule = allowRules.find((words) => startsWith(command.words, words));
    if (rule) matched.push(rule.join(' '));
    else unmatched.push(command);
  }
  if (unmatched.length === 0) return { kind: 'allow', rules: matched };
  return { kind: 'ask', reasons: unmatched.map((c) => `"${c.words.join(' ')}" matches no allow rule`), suggestedRules: [...new Set(unmatched.map(suggestRule))] };
}

/** The deny rule this line runs into, looking inside sh -c strings and through wrappers. */
function denyMatch(line: string, deny: readonly string[], depth = 0): string | undefined {
  if (depth > 3) return undefined;
  const denyRules = deny.map(ruleWords).filter((words) => words.length > 0);
  for (const command of parseCommandLine(line).commands) {
    const words = command.words.map(programName);
    // `sudo rm -rf /`, `env X=1 rm -rf /`, `timeout 5 rm -rf /` and `find -exec rm -rf` all run the denied prefix.
    for (const start of commandPositions(words)) {
      const rule = denyRules.find((rule) => startsWith(words.slice(start), rule));
      if (rule) return rule.join(' ');
    }
    // Strings run by a shell or eval are command lines of their own.
    for (const word of command.words.slice(1)) {
      if (/[\s;&|`$()]/.test(word)) {
        const inner = denyMatch(word, deny, depth + 1);
        if (inner) return inner;
      }
    }
  }
  return undefined;
}

/** Where a command may start in these words: the first word, and after wrappers with their options and arguments. */
function commandPositions(words: readonly string[]): number[] {
  const positions = [0];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (/^-(exec|execdir|ok|okdir)$/.test(word)) positions.push(i + 1);
    const wrapping = i === 0 ? wrappers.has(word) : positions.includes(i) && wrappers.has(word);
    if (!wrapping) continue;
    // Skip the wrapper's options, assignments and numbers (nice -n 10, env X=1, timeout 5) to the command it runs.
    let next = i + 1;
    while (next < words.length && /^(-.*|[A-Za-z_][A-Za-z0-9_]*=.*|\d+[smhd]?)$/.test(words[next]!)) next++;
    positions.push(next);
  }
  return positions;
}

function ruleWords(rule: string): string[] {
  const parsed = parseCommandLine(rule.trim());
  const first = parsed.commands[0];
  return parsed.commands.length === 1 && first ? first.words.map((word, i) => (i === 0 ? programName(word) : word)) : [];
}

function startsWith(words: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length === 0 || prefix.length > words.length) return false;
  return prefix.every((word, i) => (i === 0 ? programName(words[0]!) === word : words[i] === word));
}

/** The program and up to two subcommand words: `npm run build --watch` → `npm run build`, `git status -s` → `git status`. */
function suggestRule(command: SimpleCommand): string {
  const [program, ...rest] = command.words;
  const subcommands: string[] = [];
  for (const word of rest) {
    if (subcommands.length === 2 || !/^[a-z][\w:-]*$/i.test(word)) break;
    subcommands.push(word);
  }
  return [programName(program ?? ''), ...subcommands].join(' ');
}
