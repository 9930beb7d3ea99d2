// Allow rules match less than they say. A rule (`npm test`, `ls`) names a program by its bare name
// and the words that must follow; it covers a command only when the command runs that very
// program from PATH (never a workspace file: not `./ls`, `bin/npm`, nor a bare `ls` that PATH
// would find in the workspace) and every further word is a harmless option for that program or a
// plain operand (programOptions). Everything else asks — and says whether "Always" could remember
// a rule for it (never for an option that changes what runs, a path, or a shadowed program).
import { programIdentity, specFor, wrappers, type ProgramSpec } from './programOptions';
import type { ProgramLocation } from './programPath';
import { parseCommandLine, type SimpleCommand } from './shellParse';

export type AllowJudgement =
  | { readonly kind: 'allowed'; readonly rule: string }
  | { readonly kind: 'ask'; readonly reason: string; /** A rule "Always" could save; absent when none may be remembered. */ readonly suggestion?: string };

/** Where a bare program name leads; undefined when it was not looked up. */
export type Locate = (name: string) => ProgramLocation | undefined;

export function judgeAllow(command: SimpleCommand, rules: readonly string[], locate: Locate): AllowJudgement {
  const { words } = command;
  const program = words[0] ?? '';
  const shown = words.join(' ');
  if (command.programEscaped) return { kind: 'ask', reason: `the program name "${program}" was written with a backslash, which Windows reads as a path` };
  if (/[\\/]/.test(program)) return { kind: 'ask', reason: `"${program}" is a path, not a program found on PATH; no rule allows running a file by its path` };
  if (wrappers.has(programIdentity(program))) return { kind: 'ask', reason: `${program} runs another command` };
  const location = locate(program);
  if (location?.kind === 'workspace')
    return { kind: 'ask', reason: `"${program}" here would run ${location.file}, a file in the workspace, not the program a rule names` };
  const verdict = suggestion(words);
  if (!location || location.kind === 'missing') return { kind: 'ask', reason: `"${program}" is not found on PATH`, ...verdict };
  for (const rule of rules) {
    const ruleWords = wordsOf(rule);
    if (!ruleWords || ruleWords[0] !== program || /[\\/]/.test(ruleWords[0])) continue;
    if (ruleWords.length > words.length || !ruleWords.every((word, i) => words[i] === word)) continue;
    if (firstUnacceptable(words, ruleWords.length).index === -1) return { kind: 'allowed', rule: ruleWords.join(' ') };
  }
  const bad = firstUnacceptable(words, 1);
  const why = bad.index >= 0 && bad.unsafe ? `"${words[bad.index]}" changes what ${program} runs or loads` : `"${shown}" matches no allow rule`;
  return { kind: 'ask', reason: why, ...verdict };
}

/** The bare program names a line runs directly, to look up on PATH before judging it. */
export function programsToLocate(line: string): string[] {
  return [
    ...new Set(
      parseCommandLine(line)
        .commands.map((c) => c.words[0] ?? '')
        .filter((w) => w && !/[\\/$`]/.test(w)),
    ),
  ];
}

/**
 * The rule "Always" would save: the program and its subcommand words, extended through the last
 * word no rule of that shape would cover. None when a word changes what runs.
 */
function suggestion(words: readonly string[]): { suggestion?: string } {
  const [program, ...rest] = words;
  if (program === undefined) return {};
  let base = 1;
  for (const word of rest) {
    if (base === 3 || !/^[a-z][\w:-]*$/i.test(word)) break;
    base++;
  }
  let end = base;
  for (let from = base; ;) {
    const bad = firstUnacceptable(words, from);
    if (bad.index === -1) break;
    if (bad.unsafe) return {};
    end = bad.index + 1;
    from = end;
  }
  return { suggestion: words.slice(0, Math.max(base, end)).join(' ') };
}

/** The first word from `from` on that no harmless-option list or operand rule covers; -1 when none. */
export function firstUnacceptable(words: readonly string[], from: number): { index: number; unsafe: boolean } {
  const program = words[0] ?? '';
  const top = specFor(program, undefined);
  const subcommand = top?.sub && words[1] !== undefined && !words[1].startsWith('-') ? words[1] : undefined;
  const spec = subcommand === undefined ? top : specFor(program, subcommand);
  // A subcommand the rule does not name must be one described here (`git status`, not `git stash drop`).
  if (subcommand !== undefined && from <= 1 && !Object.hasOwn(top!.sub!, subcommand)) return { index: 1, unsafe: false };
  let afterDashes = false;
  let valueNext = false;
  for (let i = Math.max(from, subcommand === undefined ? 1 : 2); i < words.length; i++) {
    const word = words[i]!;
    if (valueNext) {
      valueNext = false;
      continue;
    }
    if (word === '--' && !afterDashes) {
      afterDashes = true;
      continue;
    }
    const isOption = word.length > 1 && word.startsWith('-');
    if (afterDashes) {
      // After `--` an option belongs to whatever the program hands the words to (a script, a test binary): unknown.
      if (((!spec || spec.passesArgs) && isOption) || !operandOk(word, spec, true)) return { index: i, unsafe: false };
    } else if (!isOption) {
      if (!operandOk(word, spec, false)) return { index: i, unsafe: false };
    } else {
      const option = judgeOption(word, spec);
      if (option === 'unsafe') return { index: i, unsafe: true };
      if (option === 'unknown') return { index: i, unsafe: false };
      valueNext = option === 'takes-next';
    }
  }
  return { index: -1, unsafe: false };
}

function operandOk(word: string, spec: ProgramSpec | undefined, afterDashes: boolean): boolean {
  if (spec?.operands === 'none' && !(afterDashes && spec.passesArgs)) return false;
  // `make CC=./x`, `npm test key=value`: an assignment may configure what runs.
  return !word.includes('=') || (spec !== undefined && spec.operands !== 'none' && !spec.passesArgs);
}

function judgeOption(word: string, spec: ProgramSpec | undefined): 'ok' | 'takes-next' | 'unsafe' | 'unknown' {
  if (!spec) return 'unknown';
  const unsafe = spec.unsafe ?? [];
  if (word.startsWith('--')) {
    const name = word.slice(2).split('=')[0]!;
    if (unsafe.includes(name)) return 'unsafe';
    return spec.anyOption || spec.long?.includes(name) ? 'ok' : 'unknown';
  }
  if (/^-\d+$/.test(word)) return spec.anyOption || spec.shortValued?.includes('n') ? 'ok' : 'unknown';
  if (unsafe.includes(word)) return 'unsafe';
  if (spec.long?.includes(word)) return 'ok';
  const letters = word.slice(1);
  for (let i = 0; i < letters.length; i++) {
    const letter = letters[i]!;
    if (unsafe.includes(letter)) return 'unsafe';
    if (spec.shortValued?.includes(letter)) return i === letters.length - 1 ? 'takes-next' : 'ok';
    if (!spec.anyOption && !spec.short?.includes(letter)) return 'unknown';
  }
  return 'ok';
}

function wordsOf(rule: string): string[] | undefined {
  const parsed = parseCommandLine(rule.trim());
  return parsed.commands.length === 1 && parsed.risks.length === 0 ? [...parsed.commands[0]!.words] : undefined;
}
