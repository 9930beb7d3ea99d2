// Deny rules match more than they say: a rule names a program, options and operands, and it
// catches every spelling of that command — any path to the program, any case, options in any
// order, combined or split (`-rf`, `-fr`, `-r -f`, `--recursive --force`), operands anywhere, a path
// written any way that leads to the same place (`/`, `//`, `/tmp/..`, `/*`, `{/,x}`), chmod modes
// in either notation, `git push +ref` as a force push. An operand only known when the command runs
// (`$X`, `$(…)`, xargs input) makes the match "possible": such a command is asked about, never
// allowed and never offered "Always".
import { resolvePosix, type Invocation } from './commandShape';
import { programIdentity } from './programOptions';
import { parseCommandLine } from './shellParse';

export interface DenyRule {
  readonly text: string;
  readonly program: string;
  /** Option tokens (`-r`, `--force`, or a single-dash word like `-delete`). */
  readonly options: readonly string[];
  readonly operands: readonly string[];
}

export type DenyMatch = 'yes' | 'possible' | 'no';

export function parseDenyRule(text: string): DenyRule | undefined {
  const parsed = parseCommandLine(text.trim());
  const words = parsed.commands.length === 1 ? parsed.commands[0]!.words : [];
  if (words.length === 0) return undefined;
  const { options, operands } = split(words.slice(1));
  return { text: text.trim(), program: programIdentity(words[0]!), options, operands };
}

export interface DenyContext {
  readonly home?: string;
}

/** Whether this invocation runs what the rule names. */
export function matchDeny(invocation: Invocation, rule: DenyRule, context: DenyContext): DenyMatch {
  const [first, ...rest] = invocation.words;
  if (first === undefined) return 'no';
  // A program only known when it runs (`$RUN -rf /`) may be anything.
  if (/[$`]/.test(first)) return 'possible';
  const program = programIdentity(first);
  // `mkfs` also names `mkfs.ext4`.
  if (program !== rule.program && !program.startsWith(`${rule.program}.`)) return 'no';
  let unknown = false;
  const { options, operands } = split(rest);
  const tokens = optionTokens(options, rule.program, operands);
  for (const wanted of rule.options) {
    if (!satisfied(wanted, tokens)) {
      if (options.some((o) => /[$`]/.test(o)) || invocation.openArguments) unknown = true;
      else return 'no';
    }
  }
  const cwd = invocation.cwd;
  for (const wanted of rule.operands) {
    const verdict = operandMatch(wanted, operands, rule.program, cwd, context.home);
    if (verdict === 'no') {
      if (invocation.openArguments) unknown = true;
      else return 'no';
    } else if (verdict === 'possible') unknown = true;
  }
  return unknown || invocation.possible ? 'possible' : 'yes';
}

function split(words: readonly string[]): { options: string[]; operands: string[] } {
  const options: string[] = [];
  const operands: string[] = [];
  let ended = false;
  for (const word of words) {
    if (!ended && word === '--') ended = true;
    else if (!ended && word.length > 1 && word.startsWith('-')) options.push(word);
    else operands.push(word);
  }
  return { options, operands };
}

/** Every token an option word stands for, with the aliases that mean the same. */
function optionTokens(options: readonly string[], program: string, operands: readonly string[]): Set<string> {
  const tokens = new Set<string>();
  const add = (token: string) => {
    tokens.add(token);
    for (const alias of aliases(token, program)) tokens.add(alias);
  };
  for (const word of options) {
    if (word.startsWith('--')) add(word.split('=')[0]!.toLowerCase());
    else {
      add(word);
      for (const letter of word.slice(1)) add(`-${letter}`);
    }
  }
  // `git push origin +main` forces, like --force.
  if (program === 'git' && operands.includes('push') && operands.some((o) => o.startsWith('+'))) add('--force');
  return tokens;
}

function aliases(token: string, program: string): string[] {
  const same: string[][] = [
    ['-r', '-R', '--recursive'],
    ['-f', '--force'],
    ['-i', '--interactive'],
    ['-v', '--verbose'],
  ];
  if (program === 'git') same.push(['--force', '-f', '--force-with-lease', '--force-if-includes', '--mirror'], ['-d', '--delete']);
  return same.filter((group) => group.includes(token)).flat();
}

function satisfied(wanted: string, tokens: ReadonlySet<string>): boolean {
  if (tokens.has(wanted) || tokens.has(wanted.toLowerCase())) return true;
  for (const alias of aliases(wanted, '')) if (tokens.has(alias)) return true;
  // `-delete` written as a rule is also satisfied by its letters (deny matches more).
  if (/^-[^-]{2,}$/.test(wanted)) return [...wanted.slice(1)].every((letter) => tokens.has(`-${letter}`));
  return false;
}

function operandMatch(wanted: string, operands: readonly string[], program: string, cwd: string | undefined, home: string | undefined): DenyMatch {
  let result: DenyMatch = 'no';
  for (const written of operands) {
    if (/[$`]/.test(written)) {
      result = 'possible';
      continue;
    }
    const forms = expandBraces(written);
    if (!forms) {
      result = 'possible';
      continue;
    }
    for (const operand of forms) {
      const verdict = sameOperand(operand, wanted, program, cwd, home);
      if (verdict === 'yes') return 'yes';
      if (verdict === 'possible') result = 'possible';
    }
  }
  return result;
}

function sameOperand(operand: string, wanted: string, program: string, cwd: string | undefined, home: string | undefined): DenyMatch {
  if (operand === wanted) return 'yes';
  if (program === 'chmod' && chmodMode(operand) !== undefined && chmodMode(operand) === chmodMode(wanted)) return 'yes';
  if (!looksLikePath(wanted) && !looksLikePath(operand)) return 'no';
  const target = normalPath(wanted, cwd, home);
  const written = normalPath(operand, cwd, home);
  if (target === undefined || written === undefined) return looksLikePath(wanted) && looksLikePath(operand) ? 'possible' : 'no';
  if (written === target) return 'yes';
  if (/[*?[]/.test(written)) {
    // `/*` covers everything in `/`; `~/.s*` covers `~/.ssh`.
    const literal = written.slice(0, written.search(/[*?[]/));
    const folder = literal.endsWith('/') ? literal.replace(/(.)\/$/, '$1') : resolvePosix('/', `${literal}/..`);
    if (folder === target || globMatches(written, target)) return 'yes';
  }
  return 'no';
}

function looksLikePath(word: string): boolean {
  return word.startsWith('/') || word.startsWith('.') || word.startsWith('~') || word.includes('/');
}

/** Absolute, with `.`, `..` and repeated slashes gone; undefined when it depends on an unknown folder. */
function normalPath(word: string, cwd: string | undefined, home: string | undefined): string | undefined {
  let path = word;
  if (path === '~' || path.startsWith('~/')) {
    if (home === undefined) return undefined;
    path = home + path.slice(1);
  } else if (path.startsWith('~')) return undefined; // ~user
  if (!path.startsWith('/')) {
    if (cwd === undefined) return undefined;
    path = `${cwd}/${path}`;
  }
  return resolvePosix('/', path);
}

function globMatches(glob: string, target: string): boolean {
  const body = [...glob]
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c === '[' ? '[' : c === ']' ? ']' : c.replace(/[.+^${}()|\\]/g, '\\$&')))
    .join('');
  try {
    return new RegExp(`^${body}$`).test(target);
  } catch {
    return true; // an odd bracket: assume it may match (deny matches more)
  }
}

/** `{/,x}` → `/`, `x`, as bash expands braces; undefined when there are more forms than are worth trying. */
function expandBraces(word: string): string[] | undefined {
  let forms = [word];
  for (let round = 0; round < 8; round++) {
    const next: string[] = [];
    let expanded = false;
    for (const form of forms) {
      const match = /\{([^{}]*,[^{}]*)\}/.exec(form);
      if (!match) next.push(form);
      else {
        expanded = true;
        for (const part of match[1]!.split(',')) next.push(form.slice(0, match.index) + part + form.slice(match.index + match[0].length));
      }
      if (next.length > 64) return undefined;
    }
    forms = next;
    if (!expanded) return forms;
  }
  return undefined;
}

/** A chmod mode as octal: `0777`, `777`, `a+rwx`, `ugo=rwx`, `+rwx` → `777`. */
function chmodMode(mode: string): string | undefined {
  const octal = /^0*([0-7]{1,4})$/.exec(mode);
  if (octal) return octal[1]!.padStart(3, '0').slice(-3);
  if (/^(a|ugo|[ugo]{3}|)[+=]rwx$/i.test(mode)) return '777';
  return undefined;
}
