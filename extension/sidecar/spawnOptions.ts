// How the sidecar process is started on each OS: which Node runs it and with what environment.
// Desktop VS Code's extension host is Electron (Code.exe, "Code Helper (Plugin)" on macOS, code on
// Linux): its process.execPath acts as Node only with ELECTRON_RUN_AS_NODE=1, the convention
// vscode-languageclient uses for its servers. In a remote or web host (SSH, WSL, code-server)
// process.execPath is Node itself and the variable is ignored. The node-llama-cpp binaries are
// N-API, so Electron's Node ABI does not matter.
import type { ForkOptions } from 'node:child_process';

/**
 * glibc raises its mmap threshold each time a large block is freed, so after one model swap the
 * next model's buffers come from the heap and are never returned: measured +30 MiB RSS per swap of
 * a 0.5B model. A fixed threshold keeps big buffers in mmap (returned on free) and two arenas cap
 * fragmentation: RSS then stays flat across swaps (docs/decisions.md).
 */
const glibcMallocTuning = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' };

export interface SpawnHost {
  readonly platform: NodeJS.Platform;
  /** The extension host's own binary. */
  readonly execPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function sidecarSpawnOptions(
  host: SpawnHost,
  nodePath: string | undefined,
  overrides: Readonly<Record<string, string>> = {},
): ForkOptions & { windowsHide: boolean } {
  const env = mergeEnv(host.platform, host.env, {
    ELECTRON_RUN_AS_NODE: '1',
    ...(host.platform === 'linux' ? glibcMallocTuning : {}),
    ...overrides,
  });
  return {
    execPath: nodePath || host.execPath,
    // Not the extension host's flags; --expose-gc lets the sidecar hand memory back after unloading a model.
    execArgv: ['--expose-gc'],
    env,
    // A console-subsystem node.exe (pylot.sidecar.nodePath) would otherwise open a console window;
    // fork() hands it to spawn(), whose option it is.
    windowsHide: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  };
}

/** On Windows names are case-insensitive: an override of PATH replaces the inherited Path, never sits beside it. */
function mergeEnv(
  platform: NodeJS.Platform,
  base: Readonly<Record<string, string | undefined>>,
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) merged[key] = value;
  for (const [key, value] of Object.entries(overrides)) {
    if (platform === 'win32') for (const existing of Object.keys(merged)) if (existing.toUpperCase() === key.toUpperCase()) delete merged[existing];
    merged[key] = value;
  }
  return merged;
}
