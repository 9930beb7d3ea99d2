// Starts the real built sidecar (dist/sidecar.mjs) through the extension's own supervisor, so these
// tests exercise exactly the process, IPC channel and contract the extension uses.
import path from 'node:path';
import { Sidecar, type SidecarOptions, type StatusChange } from '../../extension/sidecar/supervisor';
import { DidOpenDocument } from '../../protocol/sidecar';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const sidecarModule = path.join(repoRoot, 'dist/sidecar.mjs');

export interface Harness {
  readonly sidecar: Sidecar;
  readonly logs: string[];
  readonly statuses: StatusChange[];
  waitForStatus(status: StatusChange['status'], timeoutMs?: number): Promise<StatusChange>;
}

export function startHarness(overrides: Partial<SidecarOptions> = {}): Harness {
  const logs: string[] = [];
  const statuses: StatusChange[] = [];
  const sidecar = new Sidecar({
    modulePath: sidecarModule,
    client: { name: 'pylot-tests', version: '0.0.0' },
    settings: () => ({ threads: 2, gpu: 'auto' }),
    log: (line) => logs.push(line),
    ...overrides,
  });
  const waiters = new Set<() => void>();
  sidecar.onStatus((change) => {
    statuses.push(change);
    for (const wake of waiters) wake();
  });
  return {
    sidecar,
    logs,
    statuses,
    waitForStatus(status, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`sidecar never reached "${status}"; saw ${statuses.map((s) => s.status).join(' → ')}\n${logs.slice(-20).join('\n')}`));
        }, timeoutMs);
        const check = () => {
          if (sidecar.status.status !== status) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(sidecar.status);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Resolves once `pid` no longer exists. */
export async function waitForExit(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`process ${pid} is still running after ${timeoutMs} ms`);
}

export async function rejectsWithCode(promise: Promise<unknown>, code: number): Promise<Error & { code: number }> {
  try {
    await promise;
  } catch (error) {
    const typed = error as Error & { code: number };
    if (typed.code !== code) throw new Error(`expected error code ${code}, got ${typed.code}: ${typed.message}`, { cause: error });
    return typed;
  }
  throw new Error(`expected a rejection with code ${code}, but it resolved`);
}

/**
 * Opens `uri` in the sidecar's document mirror as the completion tests type in it: add() with its
 * body empty (line 1), then a 60-line function below it, so a prompt has a long suffix.
 */
export async function openTypingDocument(harness: Harness, uri: string, version: number): Promise<void> {
  const body = Array.from({ length: 60 }, (_, i) => `  const value${i} = input[${i}] * ${i};`).join('\n');
  // Notifications ride the same session as requests; start it first.
  const session = await harness.sidecar.ensureStarted();
  await session.rpc.sendNotification(DidOpenDocument.method, {
    uri,
    languageId: 'typescript',
    version,
    text: `export function add(a: number, b: number): number {\n  \n}\n\nfunction later(input: number[]) {\n${body}\n}\n`,
  });
}
