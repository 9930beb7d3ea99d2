// What the policy knows about programs: which options are harmless (they never change what runs
// or where it writes, whatever their value), which ones must never be remembered by an "Always"
// answer, and which programs run other commands. An allow rule covers a command only when every
// word beyond the rule is a harmless option or a plain operand; anything unknown means "ask".
// Adding a program here is adding knowledge; leaving one out is safe.

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
  'sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'yash', 'fish', 'csh', 'tcsh', 'busybox', 'toybox', 'eval', 'exec', 'source', '.', 'env', 'command', 'builtin',
  'nohup', 'time', 'timeout', 'nice', 'renice', 'ionice', 'chrt', 'taskset', 'stdbuf', 'setsid', 'setpriv', 'sudo', 'doas', 'su', 'runuser', 'pkexec', 'sg',
  'chroot', 'xargs', 'parallel', 'watch', 'strace', 'ltrace', 'valgrind', 'nsenter', 'unshare', 'flock', 'script', 'ssh', 'systemd-run', 'firejail',
  'caffeinate', 'arch', 'unbuffer', 'numactl', 'prlimit', 'faketime', 'torsocks', 'proxychains', 'proxychains4', 'cgexec', 'catchsegv', 'gdb', 'lldb',
  'perf', 'hyperfine', 'entr', 'nodemon', 'dbus-launch', 'xvfb-run', 'cmd', 'cmd.exe', 'powershell', 'pwsh', 'wsl', 'start', 'osascript', 'open', 'xdg-open',
]);

/** Wrappers whose command gets arguments only known when it runs (xargs appends stdin's words). */
export const argumentSuppliers: ReadonlySet<string> = new Set(['xargs', 'parallel']);

/** Builtins of sh and cmd that a file on PATH cannot shadow. */
export const shellBuiltins: ReadonlySet<string> = new Set(['echo', 'printf', 'pwd', 'true', 'false', 'test', '[', 'cd', 'type', ':']);

const readOnly: ProgramSpec = { anyOption: true };

const gitLog: ProgramSpec = {
  long: [
    'stat', 'shortstat', 'numstat', 'name-only', 'name-status', 'summary', 'dirstat', 'cached', 'staged', 'patch', 'no-patch', 'unified', 'raw', 'color',
    'no-color', 'color-words', 'word-diff', 'word-diff-regex', 'color-moved', 'oneline', 'graph', 'decorate', 'no-decorate', 'all', 'branches', 'tags', 'remotes',
    'max-count', 'skip', 'since', 'after', 'until', 'before', 'author', 'committer', 'grep', 'all-match', 'invert-grep', 'regexp-ignore-case', 'format',
    'pretty', 'abbrev-commit', 'no-abbrev-commit', 'abbrev', 'reverse', 'first-parent', 'merges', 'no-merges', 'follow', 'ignore-all-space',
    'ignore-space-change', 'ignore-space-at-eol', 'ignore-blank-lines', 'minimal', 'patience', 'histogram', 'diff-algorithm', 'find-renames', 'find-copies',
    'relative', 'no-relative', 'check', 'exit-code', 'quiet', 'full-index', 'binary', 'no-prefix', 'src-prefix', 'dst-prefix', 'text', 'function-context',
    'pickaxe-all', 'pickaxe-regex', 'diff-filter', 'date', 'no-walk', 'left-right', 'cherry-pick', 'boundary', 'source', 'use-mailmap', 'mailmap', 'no-ext-diff',
    'no-textconv', 'no-renames', 'merge-base', 'no-index', 'name-rev', 'ancestry-path', 'simplify-by-decoration', 'topo-order', 'date-order', 'author-date-order',
    'parents', 'children', 'count', 'porcelain', 'line-porcelain', 'show-stats', 'incremental', 'root', 'show-name', 'show-number', 'show-email', 'long',
    'no-show-signature', 'ignore-rev', 'ignore-revs-file', 'diff-merges', 'remerge-diff', 'dd', 'cc', 'combined-all-paths',
  ],
  short: 'pusnwbMCRzaWNtlfecGLiS',
  shortValued: 'UnMCLGSl',
  unsafe: ['output', 'ext-diff', 'textconv', 'open-files-in-pager', 'show-signature'],
};

const npmOptions: readonly string[] = [
  'silent', 'quiet', 'loglevel', 'color', 'no-color', 'json', 'parseable', 'long', 'if-present', 'ignore-scripts', 'foreground-scripts', 'progress', 'no-progress',
  'fund', 'no-fund', 'audit', 'no-audit', 'dry-run', 'workspaces', 'include-workspace-root', 'no-workspaces', 'depth', 'all', 'omit', 'include', 'unicode', 'no-unicode',
  'offline', 'prefer-offline', 'prefer-online', 'update-notifier', 'no-update-notifier', 'timing', 'logs-max', 'verbose',
];
/** npm options that change which files it loads, which shell or node it runs with, or where it works. */
const npmUnsafe: readonly string[] = [
  'prefix', 'C', 'userconfig', 'globalconfig', 'node-options', 'script-shell', 'shell', 'init-module', 'cache', 'g', 'global', 'location', 'registry', 'editor',
  'browser', 'git', 'npm-path', 'call', 'c', 'workspace', 'w', 'node-gyp', 'scripts-prepend-node-path', 'onload-script', 'cafile', 'ca', 'cert', 'key', 'proxy', 'https-proxy',
];
const npmScript: ProgramSpec = { long: npmOptions, short: 'sqdl', unsafe: npmUnsafe, passesArgs: true };
const npmRead: ProgramSpec = { long: npmOptions, short: 'sqdlpa', unsafe: npmUnsafe };

const yarnLike: ProgramSpec = {
  long: ['silent', 'color', 'no-color', 'json', 'if-present', 'reporter', 'recursive', 'parallel', 'stream', 'verbose', 'frozen-lockfile', 'immutable', 'offline'],
  short: 's',
  unsafe: ['cwd', 'dir', 'C', 'prefix', 'global-dir', 'script-shell', 'shell-emulator', 'node-options', 'store-dir', 'virtual-store-dir', 'config', 'use-yarnrc', 'modules-folder', 'g', 'global'],
  passesArgs: true,
};

const findSpec: ProgramSpec = {
  long: [
    '-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-lname', '-ilname', '-type', '-xtype', '-maxdepth', '-mindepth', '-size', '-empty',
    '-newer', '-anewer', '-cnewer', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-perm', '-user', '-group', '-uid', '-gid', '-nouser', '-nogroup',
    '-readable', '-writable', '-executable', '-regex', '-iregex', '-regextype', '-links', '-inum', '-samefile', '-print', '-print0', '-printf', '-ls', '-prune',
    '-quit', '-not', '-and', '-or', '-a', '-o', '-true', '-false', '-depth', '-d', '-follow', '-L', '-H', '-P', '-xdev', '-mount', '-daystart', '-noleaf',
    '-ignore_readdir_race', '-noignore_readdir_race', '-nowarn', '-warn', '-fstype', '-used', '-O0', '-O1', '-O2', '-O3',
  ],
  unsafe: ['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls'],
};

export const programSpecs: Readonly<Record<string, ProgramSpec>> = {
  ls: readOnly, dir: readOnly, cat: readOnly, head: readOnly, tail: readOnly, wc: readOnly, nl: readOnly, stat: readOnly, du: readOnly, df: readOnly,
  pwd: readOnly, echo: readOnly, printf: readOnly, basename: readOnly, dirname: readOnly, realpath: readOnly, readlink: readOnly, which: readOnly,
  whoami: readOnly, id: readOnly, uname: readOnly, diff: readOnly, cmp: readOnly, comm: readOnly, cut: readOnly, tr: readOnly, grep: readOnly,
  egrep: readOnly, fgrep: readOnly, true: readOnly, false: readOnly, test: readOnly, '[': readOnly, type: readOnly,
  file: { anyOption: true, unsafe: ['C', 'compile', 'm', 'magic-file'] },
  tree: { anyOption: true, unsafe: ['o', 'R', 'H', 'fromfile'] },
  sort: { anyOption: true, unsafe: ['o', 'output', 'compress-program', 'T', 'temporary-directory', 'files0-from'] },
  rg: { anyOption: true, unsafe: ['pre', 'pre-glob', 'z', 'search-zip'] },
  find: findSpec,
  git: {
    operands: 'none',
    sub: {
      status: { long: ['short', 'branch', 'porcelain', 'long', 'verbose', 'untracked-files', 'ignored', 'ignore-submodules', 'column', 'no-column', 'ahead-behind', 'no-ahead-behind', 'renames', 'no-renames', 'find-renames', 'show-stash', 'null'], short: 'sbvzu', shortValued: 'uM' },
      diff: gitLog, log: gitLog, show: gitLog, shortlog: gitLog, whatchanged: gitLog, blame: gitLog,
      'ls-files': { long: ['cached', 'deleted', 'modified', 'others', 'ignored', 'stage', 'unmerged', 'killed', 'directory', 'no-empty-directory', 'exclude-standard', 'full-name', 'abbrev', 'error-unmatch', 'format', 'eol', 'debug', 'sparse', 'recurse-submodules'], short: 'cdmoiskvtzfu' },
      'rev-parse': { long: ['abbrev-ref', 'short', 'verify', 'quiet', 'show-toplevel', 'show-prefix', 'show-cdup', 'git-dir', 'git-common-dir', 'is-inside-work-tree', 'is-bare-repository', 'symbolic-full-name', 'all', 'branches', 'tags'], short: 'q' },
      describe: { long: ['tags', 'all', 'long', 'abbrev', 'always', 'dirty', 'contains', 'exact-match', 'first-parent', 'match', 'exclude'] },
      branch: { operands: 'none', long: ['list', 'all', 'remotes', 'verbose', 'show-current', 'merged', 'no-merged', 'contains', 'no-contains', 'points-at', 'sort', 'format', 'color', 'no-color', 'column', 'no-column', 'abbrev', 'ignore-case'], short: 'arvli' },
      tag: { operands: 'none', long: ['list', 'sort', 'contains', 'no-contains', 'points-at', 'merged', 'no-merged', 'format', 'column', 'no-column', 'ignore-case'], short: 'li', shortValued: 'n' },
      remote: { operands: 'none', long: ['verbose'], short: 'v' },
      grep: { anyOption: true, unsafe: ['open-files-in-pager', 'O', 'ext-grep'] },
      add: { long: ['all', 'update', 'intent-to-add', 'verbose', 'dry-run', 'ignore-removal', 'no-all', 'renormalize', 'ignore-errors', 'chmod'], short: 'AuNvn' },
      commit: { long: ['message', 'all', 'signoff', 'quiet', 'verbose', 'allow-empty', 'allow-empty-message', 'no-verify', 'no-edit', 'file', 'only', 'include', 'dry-run', 'short', 'porcelain'], short: 'amsqvnFio', shortValued: 'mF' },
    },
  },
  npm: {
    long: npmOptions, short: 'sqd', unsafe: npmUnsafe, operands: 'none',
    sub: { test: npmScript, t: npmScript, tst: npmScript, run: npmScript, 'run-script': npmScript, start: npmScript, ls: npmRead, list: npmRead, outdated: npmRead, view: npmRead, info: npmRead, explain: npmRead, why: npmRead, doctor: npmRead },
  },
  pnpm: { ...yarnLike, operands: 'none', sub: { test: yarnLike, run: yarnLike, start: yarnLike, list: yarnLike, ls: yarnLike, outdated: yarnLike, why: yarnLike } },
  yarn: { ...yarnLike, operands: 'none', sub: { test: yarnLike, run: yarnLike, start: yarnLike, list: yarnLike, outdated: yarnLike, why: yarnLike } },
  make: {
    operands: 'none',
    long: ['dry-run', 'just-print', 'recon', 'silent', 'quiet', 'keep-going', 'jobs', 'always-make', 'print-directory', 'no-print-directory', 'question', 'debug', 'trace', 'warn-undefined-variables', 'output-sync'],
    short: 'nsqkjBwd',
    shortValued: 'jO',
    unsafe: ['f', 'file', 'makefile', 'C', 'directory', 'I', 'include-dir', 'eval', 'E', 'e', 'environment-overrides', 'o', 'old-file', 'W', 'what-if', 'new-file', 'assume-new', 'assume-old'],
  },
};

/** A program as the OS finds it: `/usr/bin/RM.exe` → `rm`, `"r"m` → `rm` (quotes and backslashes are gone already). */
export function programIdentity(word: string): string {
  const base = word.replace(/^\\+/, '').split(/[\\/]/).pop() ?? word;
  return base.toLowerCase().replace(/[. ]+$/, '').replace(/\.(exe|cmd|bat|com|ps1)$/, '');
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
