// A hermetic code-server (VS Code 1.139.1 served to a browser) for tests: fresh profile and temp dirs,
// 127.0.0.1 on a free port, nothing reaching the network; stopped with its whole process group.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from './ports';
import { findTestTools } from './tools';

/** User settings of the test profile; a test's own settings are merged over these. */
export const TEST_SETTINGS: Readonly<Record<string, unknown>> = {
  // The suggest widget hides ghost text.
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.suggestOnTriggerCharacters': false,
  // Else the TypeScript extension spawns `npm install`.
  'typescript.disableAutomaticTypeAcquisition': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  // The (empty, with AI features off) chat side bar would take a third of every screenshot.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
};

export interface CodeServerOptions {
  /** Merged over TEST_SETTINGS into the profile's User/settings.json. */
  settings?: Record<string, unknown>;
  /**
   * The remote machine's settings (Machine/settings.json). VS Code ignores machine-scoped settings
   * in User settings when the window is remote, and a code-server window always is.
   */
  machineSettings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  /** `--vscode-option enable-smoke-test-driver`: the workbench then honours a URL `payload` and calls window.codeAutomation*. */
  smokeTestDriver?: boolean;
  /** .vsix files installed into the fresh extensions dir before code-server starts. */
  extensions?: string[];
  readyTimeoutMs?: number;
}

/** The per-run folders code-server and its CLI are pointed at. */
export interface Profile {
  /** Temp folder holding everything below, the XDG dirs and code-server.log. */
  dir: string;
  userDataDir: string;
  extensionsDir: string;
}

export interface CodeServer extends Profile {
  url: string;
  port: number;
  logFile: string;
  /** Settles when the code-server process exits. */
  exited: Promise<void>;
  /** installExtension into this server's profile; call it before a window opens. */
  installExtension(vsixPath: string): Promise<void>;
  /** Stops code-server's process group and removes the temp folder; keepLogs leaves the logs in `dir`. */
  stop(opts?: { keepLogs?: boolean }): Promise<void>;
}

// Process groups still running; killed if this Node process exits without stopping them.
const liveGroups = new Set<number>();
process.on('exit', () => liveGroups.forEach((pid) => killGroup(pid, 'SIGKILL')));

export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const tools = findTestTools();
  const profile = await createProfile({ ...TEST_SETTINGS, ...opts.settings }, opts.machineSettings ?? {});
  const logFile = join(profile.dir, 'code-server.log');
  let child: ChildProcess | undefined;
  try {
    for (const vsix of opts.extensions ?? []) await installExtension(vsix, profile);
    const port = await freePort();
    const args = [
      tools.codeServerEntry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--reconnection-grace-time',
      '5',
      '--user-data-dir',
      profile.userDataDir,
      '--extensions-dir',
      profile.extensionsDir,
      ...(opts.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ];
    const log = await open(logFile, 'a');
    // Own process group (detached), so stop() also reaches the watcher and extension-host children.
    child = spawn(tools.node24, args, {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: { ...hermeticEnv(profile), ...opts.env },
    });
    await log.close();
    const pid = child.pid;
    if (pid === undefined) throw new Error('code-server did not start');
    liveGroups.add(pid);
    const exited = once(child, 'exit').then(
      () => undefined,
      () => undefined,
    );
    const url = `http://127.0.0.1:${port}/`;
    await waitForHealthz(url, child, opts.readyTimeoutMs ?? 90_000);
    const server = child;
    return {
      ...profile,
      url,
      port,
      logFile,
      exited,
      installExtension: (vsixPath) => installExtension(vsixPath, profile),
      stop: async ({ keepLogs = false } = {}) => {
        await stopGroup(server);
        await removeProfile(profile, keepLogs);
      },
    };
  } catch (err) {
    if (child) await stopGroup(child);
    await removeProfile(profile, true);
    const tail = await readFile(logFile, 'utf8').catch(() => '');
    throw new Error(`${(err as Error).message}\n--- code-server.log (kept in ${profile.dir}) ---\n${tail.slice(-4000)}`, { cause: err });
  }
}

/**
 * `code-server --install-extension` into a profile: before start, or while running but before a window opens
 * (the window's extension host takes the list of installed extensions when it starts).
 */
export async function installExtension(vsixPath: string, profile: Profile): Promise<void> {
  const tools = findTestTools();
  const args = [
    tools.codeServerEntry,
    '--user-data-dir',
    profile.userDataDir,
    '--extensions-dir',
    profile.extensionsDir,
    '--install-extension',
    vsixPath,
    '--force',
  ];
  await new Promise<void>((resolve, reject) => {
    execFile(tools.node24, args, { env: hermeticEnv(profile), timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`installing ${vsixPath} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

async function createProfile(settings: Record<string, unknown>, machineSettings: Record<string, unknown>): Promise<Profile> {
  const dir = await mkdtemp(join(tmpdir(), 'pylot-code-server-'));
  const profile = { dir, userDataDir: join(dir, 'user-data'), extensionsDir: join(dir, 'extensions') };
  for (const sub of ['xdg-config', 'xdg-data', 'xdg-cache', 'tmp', 'extensions', 'user-data/User']) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  await writeFile(join(profile.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  await mkdir(join(profile.userDataDir, 'Machine'), { recursive: true });
  await writeFile(join(profile.userDataDir, 'Machine', 'settings.json'), JSON.stringify(machineSettings, null, 2));
  return profile;
}

/** Everything code-server might write outside the profile goes into its temp folder; no gallery, no network. */
function hermeticEnv(profile: Profile): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // VSCODE_* (e.g. VSCODE_IPC_HOOK_CLI inside a VS Code terminal) turns code-server into a client of that VS Code.
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('VSCODE_')) env[key] = value;
  return {
    ...env,
    XDG_CONFIG_HOME: join(profile.dir, 'xdg-config'),
    XDG_DATA_HOME: join(profile.dir, 'xdg-data'),
    XDG_CACHE_HOME: join(profile.dir, 'xdg-cache'),
    TMPDIR: join(profile.dir, 'tmp'),
    EXTENSIONS_GALLERY: '{}',
  };
}

async function removeProfile(profile: Profile, keepLogs: boolean): Promise<void> {
  if (!keepLogs) return rm(profile.dir, { recursive: true, force: true });
  for (const name of await readdir(profile.dir)) {
    if (name !== 'code-server.log' && name !== 'user-data') await rm(join(profile.dir, name), { recursive: true, force: true });
  }
  for (const name of await readdir(profile.userDataDir)) {
    if (name !== 'logs' && name !== 'User') await rm(join(profile.userDataDir, name), { recursive: true, force: true });
  }
}

async function waitForHealthz(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    }
    const res = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    if (res?.ok) return;
    await delay(250);
  }
  throw new Error(`code-server did not answer ${url}healthz within ${timeoutMs} ms`);
}

/** SIGTERM the group, SIGKILL it if the leader outlives the grace time, then SIGKILL stragglers of the group. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    killGroup(pid, 'SIGTERM');
    // Unref'd: a pending grace timer must not keep the test process alive.
    const graceful = await Promise.race([exited.then(() => true), delay(10_000, false, { ref: false })]);
    if (!graceful) {
      killGroup(pid, 'SIGKILL');
      await exited;
    }
  }
  killGroup(pid, 'SIGKILL');
  liveGroups.delete(pid);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
