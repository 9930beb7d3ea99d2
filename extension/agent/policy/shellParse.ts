// A quote-aware reading of a shell command line, enough to decide policy: the simple commands it
// runs (split on &&, ||, ;, |, &, newlines) and every construct that makes a command do more than
// its words say — substitutions, backticks, redirections, subshells, expansions, env assignments.
// It does not run or expand anything; when unsure, it reports a risk so a person decides.
import { programIdentity, wrappers } from './programOptions';

export interface SimpleCommand {
  /** The words after any leading VAR=value assignments, quotes removed. */
  readonly words: readonly string[];
  readonly assignments: readonly string[];
  /** The program word had a backslash in it (`\ls`, `.\ls`, `C:\bin\ls`): cmd.exe reads that as a path. */
  readonly programEscaped?: true;
}

export interface ParsedCommandLine {
  readonly commands: readonly SimpleCommand[];
  /** Why this line needs a person to look at it even if every command is allowed; empty when none. */
  readonly risks: readonly string[];
}

export function parseCommandLine(line: string): ParsedCommandLine {
  const risks = new Set<string>();
  const commands: SimpleCommand[] = [];
  let words: string[] = [];
  let escaped: boolean[] = [];
  let word: string | undefined;
  let wordEscaped = false;
  const endWord = () => {
    if (word !== undefined) {
      words.push(word);
      escaped.push(wordEscaped);
    }
    word = undefined;
    wordEscaped = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(splitAssignments(words, escaped, risks));
    words = [];
    escaped = [];
  };
  const add = (text: string) => (word = (word ?? '') + text);

  let i = 0;
  const at = (offset = 0) => line[i + offset] ?? '';
  while (i < line.length) {
    const char = at();
    if (char === ' ' || char === '\t') {
      endWord();
      i++;
    } else if (char === '\n' || char === '\r') {
      risks.add('more than one line');
      endCommand();
      i++;
    } else if (char === '\\') {
      if (at(1) === '\n')
        i += 2; // line continuation
      else {
        wordEscaped = true;
        add(at(1));
        i += 2;
      }
    } else if (char === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) {
        risks.add('unbalanced quotes');
        add(line.slice(i + 1));
        i = line.length;
      } else {
        add(line.slice(i + 1, close));
        i = close + 1;
      }
    } else if (char === '"') {
      i = readDoubleQuoted(line, i + 1, add, risks);
    } else if (char === '$') {
      i = readDollar(line, i, add, risks);
    } else if (char === '`') {
      risks.add('command substitution with backticks');
      add(char);
      i++;
    } else if (char === ';' || char === '|' || char === '&') {
      const two = line.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === '|&' || two === ';;') i += 2;
      else {
        if (char === '&' && at(1) === '>') {
          risks.add('redirection');
          i += 2;
          continue;
        }
        if (char === '&') risks.add('a background job (&)');
        i++;
      }
      endCommand();
    } else if (char === '>' || char === '<') {
      risks.add(at(1) === '(' ? 'process substitution' : char === '<' && at(1) === '<' ? 'a here-document' : 'redirection');
      // A file-descriptor number written just before (2>) belongs to the redirection, not the command.
      if (word !== undefined && /^\d+$/.test(word)) word = undefined;
      endWord();
      i++;
    } else if (char === '(' || char === ')') {
      risks.add('a subshell or group');
      endCommand();
      i++;
    } else if (char === '#' && word === undefined) {
      risks.add('a comment');
      const newline = line.indexOf('\n', i);
      i = newline < 0 ? line.length : newline;
    } else if ((char === '{' || char === '}') && word === undefined && (at(1) === '' || /[\s;]/.test(at(1)))) {
      risks.add('a subshell or group');
      i++;
    } else {
      add(char);
      i++;
    }
  }
  endCommand();
  for (const command of commands) for (const risk of wrapperRisks(command)) risks.add(risk);
  return { commands, risks: [...risks] };
}

function readDoubleQuoted(line: string, start: number, add: (text: string) => void, risks: Set<string>): number {
  let i = start;
  add('');
  while (i < line.length) {
    const char = line[i]!;
    if (char === '"') return i + 1;
    if (char === '\\' && '$`"\\\n'.includes(line[i + 1] ?? '')) {
      add(line[i + 1]!);
      i += 2;
    } else if (char === '$') i = readDollar(line, i, add, risks);
    else if (char === '`') {
      risks.add('command substitution with backticks');
      add(char);
      i++;
    } else {
      add(char);
      i++;
    }
  }
  risks.add('unbalanced quotes');
  return i;
}

function readDollar(line: string, i: number, add: (text: string) => void, risks: Set<string>): number {
  const next = line[i + 1] ?? '';
  if (next === '(') risks.add(line[i + 2] === '(' ? 'arithmetic expansion $((…))' : 'command substitution $(…)');
  else if (next === '{') risks.add('parameter expansion ${…}');
  else if (next === "'" || next === '"') risks.add('quoted string expansion');
  else if (/[A-Za-z_0-9@*#?$!-]/.test(next)) risks.add('variable expansion');
  add('$');
  return i + 1;
}

function splitAssignments(words: string[], escaped: boolean[], risks: Set<string>): SimpleCommand {
  let first = 0;
  while (first < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[first]!)) first++;
  if (first > 0) risks.add('environment variable assignments');
  return { assignments: words.slice(0, first), words: words.slice(first), ...(escaped[first] ? { programEscaped: true as const } : {}) };
}

function wrapperRisks(command: SimpleCommand): string[] {
  const program = programIdentity(command.words[0] ?? '');
  const risks: string[] = [];
  if (wrappers.has(program)) risks.push(`${program} runs another command`);
  if (program === 'find' && command.words.some((w) => /^-(exec|execdir|ok|okdir|delete)$/.test(w))) risks.push('find runs commands or deletes files');
  if (program === 'git' && command.words.some((w) => w === '-c' || w.startsWith('--config-env') || w.startsWith('--exec-path')))
    risks.push('git with configuration overrides');
  return risks;
}
