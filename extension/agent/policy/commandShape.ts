// What a command line runs, as the deny rules must see it: every simple command, and every command
// inside it — after a wrapper (`nice -n 5 rm …`, `timeout 5 …`, `env -i …`, `sudo -u x …`), in a
// string a shell runs (`sh -c "…"`, `eval`, `watch`, `su -c`), after `find -exec`, fed to a shell
// through a pipe. Program names are compared as the OS would find them: basename, any case, no
// `.exe`. Wrapper arguments are not parsed option by option: every later word may start the
// command it runs, so an unknown option spelling cannot hide it.
import { argumentSuppliers, programIdentity, programSpecs, wrappers } from './programOptions';
import { parseCommandLine, type SimpleCommand } from './shellParse';

export interface Invocation {
  /** The words as written (quotes removed); words[0] is the program. */
  readonly words: readonly string[];
  /** Arguments are added when it runs (xargs, find -exec {}): its operands are not all known. */
  readonly openArguments: boolean;
  /** Only possibly a command: a string some program may or may not run (`cargo run -- "rm -rf /"`). */
  readonly possible: boolean;
  /** The folder it runs in, when the line changed it with `cd` (undefined: unknown). */
  readonly cwd: string | undefined;
}

export interface ShapeContext {
  readonly cwd?: string;
  readonly home?: string;
  /** Which program names anyone asks about (the deny rules'): other words need not become invocations. */
  readonly relevant?: (program: string) => boolean;
}

const maxDepth = 4;

/** Every command the line runs or may run, with what is known of each. */
export function invocationsOf(line: string, context: ShapeContext, depth = 0, possible = false): Invocation[] {
  if (depth > maxDepth) return [];
  const parsed = parseCommandLine(line);
  const found: Invocation[] = [];
  // A shell reading its commands from a pipe (`… | sh`, `… | xargs …`) runs the other commands' words.
  const stdinRunner = parsed.commands.some((c) => readsCommandsFromStdin(c.words));
  let cwd: string | undefined = context.cwd;
  for (const command of parsed.commands) {
    found.push(...commandInvocations(command.words, { ...context, cwd }, depth, possible));
    if (stdinRunner) {
      for (const word of command.words.slice(1)) found.push(...invocationsOf(word, { ...context, cwd }, depth + 1, possible));
    }
    cwd = cwdAfter(command, cwd, context.home);
  }
  return found;
}

function commandInvocations(words: readonly string[], context: ShapeContext, depth: number, possible: boolean, openArguments = false): Invocation[] {
  if (words.length === 0) return [];
  const found: Invocation[] = [{ words, openArguments, possible, cwd: context.cwd }];
  const program = programIdentity(words[0]!);
  const known = Object.hasOwn(programSpecs, program);
  // Strings that may be run: a program word with spaces, and a known program's `NAME=value` settings
  // (`make SHELL="sudo sh"`); its other words are data (`git commit -m "add dd support"`).
  if (looksLikeCommandLine(words[0]!)) found.push(...invocationsOf(words[0]!, context, depth + 1, true));
  if (known && !programSpecs[program]!.anyOption) {
    for (const word of words.slice(1)) {
      const value = /^[\w.-]+=(.*)$/s.exec(word)?.[1];
      if (value !== undefined && looksLikeCommandLine(value)) found.push(...invocationsOf(value, context, depth + 1, true));
    }
  }
  if (wrappers.has(program) || !known) {
    // Any later word may be where the wrapped command starts (a wrapper's options are not parsed one by one),
    // and any word with shell syntax may be a command line. For a program that is not known to treat its
    // words as data (`caffeinate rm …`, `cargo run -- "rm -rf /"`) they are only possibly commands.
    const maybe = possible || !wrappers.has(program);
    let supplies = openArguments || argumentSuppliers.has(program);
    for (let i = 1; i < words.length; i++) {
      const word = words[i]!;
      const name = programIdentity(word);
      if (!context.relevant || context.relevant(name) || /[$`]/.test(word))
        found.push({ words: words.slice(i), openArguments: supplies, possible: maybe, cwd: context.cwd });
      if (name === 'find') found.push(...commandInvocations(words.slice(i), context, depth + 1, maybe, supplies).slice(1));
      if (argumentSuppliers.has(name)) supplies = true;
      for (const text of [word, word.replace(/^[\w.-]+=/, '')]) if (looksLikeCommandLine(text)) found.push(...invocationsOf(text, context, depth + 1, maybe));
    }
    return found;
  }
  if (program === 'find') {
    for (let i = 1; i < words.length; i++) {
      if (!/^-(exec|execdir|ok|okdir)$/.test(words[i]!)) continue;
      let end = i + 1;
      while (end < words.length && words[end] !== ';' && words[end] !== '+') end++;
      found.push(...commandInvocations(words.slice(i + 1, end), context, depth + 1, possible, true));
    }
  }
  return found;
}

/** Has shell syntax in it: a shell given this word would run commands. */
function looksLikeCommandLine(word: string): boolean {
  return /[\s;&|`$()<>]/.test(word);
}

function readsCommandsFromStdin(words: readonly string[]): boolean {
  const program = programIdentity(words[0] ?? '');
  if (program === 'xargs' || program === 'parallel') return true;
  const shells = ['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'fish', 'csh', 'tcsh', 'busybox', 'source', '.', 'eval'];
  // `sh` or `bash -s` reads its commands from stdin; `sh -c "…"` and `sh script.sh` do not (those are judged as words).
  return shells.includes(program) && !words.slice(1).some((w) => w === '-c' || /^-[a-z]*c[a-z]*$/i.test(w) || !w.startsWith('-'));
}

/** The folder after this command, for the commands that follow: `cd x` moves, other commands do not. */
function cwdAfter(command: SimpleCommand, cwd: string | undefined, home: string | undefined): string | undefined {
  const [program, ...args] = command.words;
  if (program === undefined || !['cd', 'pushd', 'popd', 'chdir'].includes(programIdentity(program))) return cwd;
  if (args.includes('-')) return undefined; // `cd -`: the previous folder, unknown here
  const target = args.find((a) => !a.startsWith('-'));
  if (programIdentity(program) === 'popd' || target === undefined) return programIdentity(program) === 'popd' ? undefined : home;
  if (/[$`*?[{]/.test(target) || cwd === undefined) return undefined;
  return resolvePosix(cwd, target.replace(/^~(?=\/|$)/, home ?? '~'));
}

/** path.posix.resolve without Node: `/a/b` + `../c` → `/a/c`. */
export function resolvePosix(base: string, target: string): string {
  const parts = (target.startsWith('/') ? target : `${base}/${target}`).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}
