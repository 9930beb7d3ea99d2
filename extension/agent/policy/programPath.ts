// Which file a bare program name runs, found the way the command runner's shell finds it: shell
// builtins first, then PATH in order (an empty or relative entry is the command's folder; cmd.exe
// on Windows looks in the command's folder before PATH and tries each PATHEXT extension). An allow
// rule may only let a command run a program found outside the workspace: `ls` that would run a
// workspace file is not the `ls` the rule meant.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { shellBuiltins } from './programOptions';
import { inside } from './paths';

export type ProgramLocation =
  | { readonly kind: 'builtin' }
  | { readonly kind: 'outside'; readonly file: string }
  | { readonly kind: 'workspace'; readonly file: string }
  | { readonly kind: 'missing' };

export interface LookupEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  /** The folder the command runs in. */
  readonly cwd: string;
  /** The workspace folders' real paths. */
  readonly roots: readonly string[];
}

export async function locateProgram(name: string, where: LookupEnvironment): Promise<ProgramLocation> {
  if (shellBuiltins.has(name)) return { kind: 'builtin' };
  const windows = where.platform === 'win32';
  const pathApi = windows ? path.win32 : path.posix;
  const variable = Object.keys(where.env).find((key) => (windows ? key.toUpperCase() === 'PATH' : key === 'PATH'));
  const entries = (variable ? (where.env[variable] ?? '') : '').split(windows ? ';' : ':');
  // cmd.exe runs a program in the current folder before anything on PATH.
  if (windows && !where.env.NoDefaultCurrentDirectoryInExePath) entries.unshift('.');
  const extensions = windows ? ['', ...(where.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  for (const entry of entries) {
    const folder = pathApi.resolve(where.cwd, entry === '' ? '.' : entry.replace(/^"(.*)"$/, '$1'));
    for (const extension of extensions) {
      const candidate = pathApi.join(folder, name + extension);
      const info = await stat(candidate).catch(() => undefined);
      if (!info?.isFile() || (!windows && (info.mode & 0o111) === 0)) continue;
      const real = await realpath(candidate).catch(() => candidate);
      const inWorkspace = where.roots.some((root) => inside(root, real) || inside(root, candidate));
      return inWorkspace ? { kind: 'workspace', file: real } : { kind: 'outside', file: real };
    }
  }
  return { kind: 'missing' };
}

/** True when PATH has an entry that depends on the folder a command runs in (empty, `.`, relative). */
export function pathHasRelativeEntries(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): boolean {
  const windows = platform === 'win32';
  const variable = Object.keys(env).find((key) => (windows ? key.toUpperCase() === 'PATH' : key === 'PATH'));
  const entries = (variable ? (env[variable] ?? '') : '').split(windows ? ';' : ':');
  return windows || entries.some((entry) => !(windows ? path.win32 : path.posix).isAbsolute(entry));
}
