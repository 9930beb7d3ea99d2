// Owns the sidecar's end when its event loop cannot run it. Everything the main thread does to
// end the process (the 'disconnect' handler, a signal listener) waits for its event loop; a loop
// blocked by a runaway synchronous call would leave an orphan holding RAM and VRAM and burning a
// core after its host died, deaf to SIGTERM. Two things do not wait for that loop:
// - a watchdog thread (its own event loop) that polls the host's pid and kills the process once
//   the host is gone and the main thread did not end it within a grace period;
// - the signals that ask a process to end keep their default action (end at once, in the kernel):
//   no JavaScript listener may hold them, since a blocked loop never runs it. A dependency's
//   signal-exit listener is removed as soon as it is added; its cleanup still runs on a normal exit.
import { Worker } from 'node:worker_threads';
import { describeError, log } from './log';

export interface WatchdogTiming {
  /** How often the watchdog looks at the host's pid. */
  readonly pollMs: number;
  /** How long the main thread has to exit by itself (it exits at once on 'disconnect' when it can). */
  readonly graceMs: number;
}

const defaultTiming: WatchdogTiming = { pollMs: 500, graceMs: 1_500 };

const endingSignals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export function keepEndingSignalsFatal(): void {
  if (process.platform === 'win32') return; // no POSIX signals to keep
  const release = () => {
    for (const signal of endingSignals) for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
  };
  release();
  // 'newListener' fires before the listener is added: remove it right after, before the loop turns.
  process.on('newListener', (event) => {
    if ((endingSignals as readonly (string | symbol)[]).includes(event)) queueMicrotask(release);
  });
}

export function startWatchdog(timing: WatchdogTiming = defaultTiming): void {
  let worker: Worker;
  try {
    worker = new Worker(`(${watchHost.toString()})(require('node:worker_threads').workerData);`, {
      eval: true,
      workerData: { hostPid: process.ppid, ...timing },
      // The preloads the main thread got (NODE_OPTIONS --require/--import) are not the watchdog's business.
      execArgv: [],
      env: {},
    });
  } catch (error) {
    return log('warn', `The watchdog thread did not start (${describeError(error)}); only a live event loop can end this process when its host dies.`);
  }
  worker.unref();
  worker.on('error', (error) => log('warn', `The watchdog thread stopped: ${describeError(error)}`));
}

/**
 * Runs in the watchdog thread, serialized with toString(): it may use only its argument and
 * globals. Reparenting changes the ppid where the OS reparents orphans; kill(pid, 0) failing with
 * ESRCH covers the others.
 */
function watchHost({ hostPid, pollMs, graceMs }: { hostPid: number } & WatchdogTiming): void {
  const hostGone = () => {
    if (process.ppid !== hostPid) return true;
    try {
      process.kill(hostPid, 0);
      return false;
    } catch (error) {
      return (error as { code?: string }).code === 'ESRCH';
    }
  };
  const timer = setInterval(() => {
    if (!hostGone()) return;
    clearInterval(timer);
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), graceMs);
  }, pollMs);
}
