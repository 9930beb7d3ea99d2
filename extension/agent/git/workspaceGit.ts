// The workspace's uncommitted changes from the git CLI, read-only and safe in a hostile repository:
// no shell; a repository's config cannot run a program (fsmonitor, clean/smudge filters, textconv,
// external diff and pager are switched off on the command line, where they win over the repo's
// config); no index write (so no hook); the caller's GIT_* environment does not redirect it; paths
// go after `--` as literal pathspecs. Files the policy hides (secrets, .pylotignore'd) are left out
// of the list and the diff. Used by the agent's git_diff tool and by @git in chat.
import { spawn } from 'node:child_process';

export interface GitDiffRequest {
  /** The workspace folder (git runs there; paths are relative to it, and nothing outside it is shown). */
  readonly folder: string;
  /** A file or folder relative to `folder` ('' or undefined: the whole folder). */
  readonly scope?: string;
  /** What is staged for commit, rather than the changes not yet staged. */
  readonly staged: boolean;
  /** Whether the policy hides this folder-relative path. */
  readonly hidden: (relative: string) => Promise<boolean>;
  /** Characters of diff kept; the rest is cut with a note. */
  readonly maxChars: number;
  readonly signal?: AbortSignal;
}

export interface GitChanges {
  /** `M src/a.ts`, `A new.ts`, `?? notes.md` (untracked), folder-relative. */
  readonly files: readonly string[];
  readonly hiddenCount: number;
  readonly diff: string;
  readonly truncated: boolean;
}

/** Raised with a message a user (and the model) can act on: not a repository, no git. */
export class GitError extends Error {}

/** The most files one diff names on its command line. */
const maxFiles = 300;

export async function gitChanges(request: GitDiffRequest): Promise<GitChanges> {
  const { folder, staged, signal } = request;
  const scope = request.scope || '.';
  const inside = await runGit(folder, ['rev-parse', '--is-inside-work-tree'], { limit: 100, signal });
  if (inside.code !== 0 || inside.stdout.trim() !== 'true') throw new GitError('The workspace folder is not in a git repository.');
  // Every filter any config defines, emptied: an empty command is no filter.
  const safety = (await filterNames(folder, signal)).flatMap((name): Array<[string, string]> => [
    [`filter.${name}.clean`, ''],
    [`filter.${name}.smudge`, ''],
    [`filter.${name}.process`, ''],
    [`filter.${name}.required`, 'false'],
  ]);
  const which = staged ? ['--cached'] : [];
  const common = ['--no-renames', '--relative', '--ignore-submodules=all', '--no-ext-diff', '--no-textconv', '--no-color'];
  const listed = await runGit(folder, ['diff', ...which, ...common, '--name-status', '-z', '--', scope], { limit: 4_000_000, signal, config: safety });
  if (listed.code !== 0) throw new GitError(`git diff failed: ${firstLine(listed.stderr)}`);
  const changed = pairs(listed.stdout);
  if (!staged) {
    const untracked = await runGit(folder, ['ls-files', '--others', '--exclude-standard', '-z', '--', scope], { limit: 4_000_000, signal, config: safety });
    if (untracked.code === 0)
      changed.push(
        ...untracked.stdout
          .split('\0')
          .filter(Boolean)
          .map((path) => ({ status: '??', path })),
      );
  }
  const visible: typeof changed = [];
  let hiddenCount = 0;
  for (const change of changed) {
    if (await request.hidden(change.path)) hiddenCount++;
    else visible.push(change);
  }
  const tracked = visible.filter((change) => change.status !== '??').slice(0, maxFiles);
  let diff = '';
  let truncated = false;
  if (tracked.length) {
    const patch = await runGit(folder, ['diff', ...which, ...common, '--', ...tracked.map((c) => c.path)], { limit: request.maxChars, signal, config: safety });
    if (patch.code !== 0 && !patch.truncated) throw new GitError(`git diff failed: ${firstLine(patch.stderr)}`);
    diff = patch.stdout;
    truncated = patch.truncated || tracked.length < visible.filter((change) => change.status !== '??').length;
  }
  return { files: visible.map((change) => `${change.status} ${shownPath(change.path)}`), hiddenCount, diff, truncated };
}

/** The changes as the model and the chat read them: the files, then the diff. */
export function describeChanges(changes: GitChanges, staged: boolean, where: string): string {
  const kind = staged ? 'Staged' : 'Unstaged';
  const hidden = changes.hiddenCount ? `\n(${changes.hiddenCount} protected file(s) left out)` : '';
  if (!changes.files.length) return `No ${kind.toLowerCase()} changes in ${where}.${hidden}`;
  const cut = changes.truncated ? '\n[diff cut here: ask for one path to see the rest]' : '';
  return `${kind} changes in ${where} (${changes.files.length} file(s)):\n${changes.files.join('\n')}${hidden}\n\n${changes.diff.trimEnd()}${cut}`;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly truncated: boolean;
}

/**
 * Settings that win over every config file, passed in the environment (GIT_CONFIG_COUNT, git ≥ 2.31:
 * no `key=value` splitting, so a filter named `a=b` stays one key).
 */
const hardened: ReadonlyArray<[string, string]> = [
  ['core.fsmonitor', 'false'],
  ['core.pager', 'cat'],
  ['core.hooksPath', '/dev/null'],
  ['diff.external', ''],
  ['core.quotePath', 'true'],
];

function runGit(
  cwd: string,
  args: readonly string[],
  options: { limit: number; signal: AbortSignal | undefined; config?: ReadonlyArray<[string, string]> },
): Promise<Run> {
  // Nothing of the caller's git environment (GIT_DIR, GIT_WORK_TREE, GIT_EXTERNAL_DIFF, GIT_CONFIG_*…).
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_') && value !== undefined) env[key] = value;
  const config = [...hardened, ...(options.config ?? [])];
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--no-pager', '--literal-pathspecs', ...args], {
      cwd,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, GIT_CONFIG_COUNT: String(config.length), GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stdout = '';
    let stderr = '';
    let truncated = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (truncated) return;
      stdout += chunk;
      if (stdout.length > options.limit) {
        stdout = stdout.slice(0, options.limit);
        truncated = true;
        child.kill();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 10_000) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new GitError('git is not installed (or not on PATH).'));
      else if (error.name === 'AbortError') reject(new GitError('Cancelled.'));
      else reject(error);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, truncated }));
  });
}

/** Names of the clean/smudge filters any config defines (reading config runs nothing). */
async function filterNames(cwd: string, signal: AbortSignal | undefined): Promise<string[]> {
  const run = await runGit(cwd, ['config', '-z', '--get-regexp', '^filter\\.'], { limit: 1_000_000, signal });
  const names = new Set<string>();
  for (const entry of run.stdout.split('\0')) {
    const key = entry.split('\n', 1)[0]!;
    const match = /^filter\.(.+)\.[^.]+$/s.exec(key);
    if (match) names.add(match[1]!);
  }
  return [...names];
}

/** `git … --name-status -z`: status NUL path NUL, repeated. */
function pairs(output: string): Array<{ status: string; path: string }> {
  const parts = output.split('\0');
  const result: Array<{ status: string; path: string }> = [];
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) result.push({ status: parts[i]!, path: parts[i + 1]! });
  return result;
}

/** A name with control characters or quotes is shown JSON-quoted, so it cannot fake another line. */
function shownPath(path: string): string {
  // eslint-disable-next-line no-control-regex -- exactly these characters
  return /[\u0000-\u001f\u007f"\\]/.test(path) ? JSON.stringify(path) : path;
}

function firstLine(text: string): string {
  return text.trim().split('\n', 1)[0] || 'no message';
}
