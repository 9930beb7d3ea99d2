// What the policy knows about programs: which options are harmless (they never change what runs
// or where it writes, whatever their value), which ones must never be remembered by an "Always"
// answer, and which programs run other commands. An allow rule covers a command only when every
// word beyond the rule is a harmless option or a plain operand; anything unknown means "ask".
// The programs themselves are described in programSpecs.ts.
import { programSpecs } from './programSpecs';

export { programSpecs };

export interface ProgramSpec {
  /** Every option is harmless: the program only reads and prints. `unsafe` still applies. */
  readonly anyOption?: boolean;
  /** Harmless long options without dashes (`silent`), and single-dash words with their dash (`-name`). */
  readonly long?: readonly string[];
  /** Harmless short option letters (`-s`, combined as `-sv`). */
  readonly short?: string;
  /** Short letters whose value follows in the same word (`-U3`, `-n10`): the rest of the word is not letters. */
  readonly shortValued?: string;
  /** Options that change what runs, which files it loads or where it writes: never harmless, never remembered. */
  readonly unsafe?: readonly string[];
  /** Extra positional words: 'data' (files, patterns, revisions) or 'none' (they choose what runs: make targets, git subcommands). */
  readonly operands?: 'data' | 'none';
  /** After `--` the words go to a script (npm test -- …): only positional words are taken there. */
  readonly passesArgs?: boolean;
  /** Subcommands (the first positional word) and their own options. */
  readonly sub?: Readonly<Record<string, ProgramSpec>>;
}

/** Programs that run another command, a script or a string as a command line. Never allowed by a rule; deny looks inside them. */
export const wrappers: ReadonlySet<string> = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'mksh',
  'yash',
  'fish',
  'csh',
  'tcsh',
  'busybox',
  'toybox',
  'eval',
  'exec',
  'source',
  '.',
  'env',
  'command',
  'builtin',
  'nohup',
  'time',
  'timeout',
  'nice',
  'renice',
  'ionice',
  'chrt',
  'taskset',
  'stdbuf',
  'setsid',
  'setpriv',
  'sudo',
  'doas',
  'su',
  'runuser',
  'pkexec',
  'sg',
  'chroot',
  'xargs',
  'parallel',
  'watch',
  'strace',
  'ltrace',
  'valgrind',
  'nsenter',
  'unshare',
  'flock',
  'script',
  'ssh',
  'systemd-run',
  'firejail',
  'caffeinate',
  'arch',
  'unbuffer',
  'numactl',
  'prlimit',
  'faketime',
  'torsocks',
  'proxychains',
  'proxychains4',
  'cgexec',
  'catchsegv',
  'gdb',
  'lldb',
  'perf',
  'hyperfine',
  'entr',
  'nodemon',
  'dbus-launch',
  'xvfb-run',
  'cmd',
  'cmd.exe',
  'powershell',
  'pwsh',
  'wsl',
  'start',
  'osascript',
  'open',
  'xdg-open',
]);

/** Wrappers whose command gets arguments only known when it runs (xargs appends stdin's words). */
export const argumentSuppliers: ReadonlySet<string> = new Set(['xargs', 'parallel']);

/** Builtins of sh and cmd that a file on PATH cannot shadow. */
export const shellBuiltins: ReadonlySet<string> = new Set(['echo', 'printf', 'pwd', 'true', 'false', 'test', '[', 'cd', 'type', ':']);

export function programIdentity(word: string): string {
  const base = word.replace(/^\\+/, '').split(/[\\/]/).pop() ?? word;
  return base
    .toLowerCase()
    .replace(/[. ]+$/, '')
    .replace(/\.(exe|cmd|bat|com|ps1)$/, '');
}

/**
 * The spec that judges the words after a program's subcommand: `git status` → git's status spec.
 * An unknown subcommand of a program with subcommands takes no options and, where the program's
 * extra words choose what runs (`git stash drop`), no operands: only what a rule names exactly.
 * Undefined for a program not described here.
 */
export function specFor(program: string, subcommand: string | undefined): ProgramSpec | undefined {
  const top = Object.hasOwn(programSpecs, program) ? programSpecs[program] : undefined;
  if (!top?.sub) return top;
  if (subcommand !== undefined && Object.hasOwn(top.sub, subcommand)) return top.sub[subcommand];
  return subcommand === undefined ? top : { operands: top.operands ?? 'data' };
}
