// Supervision of the real sidecar process: lazy start, typed failures for in-flight requests,
// restart with backoff, giving up after repeated crashes, heartbeat, and no orphans, even when the
// sidecar's event loop is blocked.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ErrorCodes } from '../../protocol/rpc';
import { Generate, LoadModel, Ping } from '../../protocol/sidecar';
import { ModelManager } from '../../extension/models/modelManager';
import type { Sidecar } from '../../extension/sidecar/supervisor';
import { fimModel } from '../fixtures/models';
import { rejectsWithCode, repoRoot, startHarness, waitForExit } from './harness';

const fast = { restartDelaysMs: [50, 100], heartbeatIntervalMs: 60_000 };

describe('sidecar supervision', () => {
  it('starts only on first need, then answers', async () => {
    const { sidecar } = startHarness();
    try {
      assert.equal(sidecar.status.status, 'idle');
      assert.equal(sidecar.pid, undefined);
      const pong = await sidecar.request(Ping, null);
      assert.equal(sidecar.status.status, 'ready');
      assert.ok(pong.rssBytes > 0);
      assert.equal(sidecar.info?.server.pid, sidecar.pid);
    } finally {
      await sidecar.dispose();
    }
  });

  it('fails in-flight requests with a typed error when the process dies, then restarts and serves again', async () => {
    const { sidecar, waitForStatus } = startHarness({ timing: fast });
    try {
      await sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: await fimModel() } });
      const firstPid = sidecar.pid!;
      const ready = new Promise((resolve) => sidecar.onReady(resolve));
      const inFlight = sidecar.request(Generate, {
        role: 'completion',
        infill: { prefix: 'function add(a, b) {', suffix: '}' },
        maxTokens: 1024,
        temperature: 1,
      });
      process.kill(firstPid, 'SIGKILL');
      const error = await rejectsWithCode(inFlight, ErrorCodes.SidecarExited);
      assert.match(error.message, /SIGKILL/);
      await ready;
      await waitForStatus('ready');
      assert.notEqual(sidecar.pid, firstPid);
      await waitForExit(firstPid);
      // A restarted sidecar is empty until the extension reloads its model.
      await rejectsWithCode(sidecar.request(Generate, { role: 'completion', infill: { prefix: 'a', suffix: 'b' } }), ErrorCodes.NoModel);
    } finally {
      await sidecar.dispose();
    }
  });

  it('stops after 5 crashes in the window, says so, and starts again on an explicit restart', async () => {
    const { sidecar, statuses, waitForStatus } = startHarness({ timing: { ...fast, crashLimit: 5 } });
    try {
      await sidecar.ensureStarted();
      for (let crash = 1; crash <= 5; crash++) {
        process.kill(sidecar.pid!, 'SIGKILL');
        await waitForStatus(crash < 5 ? 'restarting' : 'stopped');
        if (crash < 5) await waitForStatus('ready');
      }
      assert.equal(sidecar.status.status, 'stopped');
      assert.equal(sidecar.status.gaveUp, true);
      assert.match(sidecar.status.detail ?? '', /crashed 5 times in 3 minutes/);
      const refused = await rejectsWithCode(sidecar.request(Ping, null), ErrorCodes.SidecarExited);
      assert.match(refused.message, /Restart Sidecar/);
      assert.ok(statuses.filter((s) => s.status === 'restarting').length === 4);

      await sidecar.restart();
      assert.equal(sidecar.status.status, 'ready');
      await sidecar.request(Ping, null);
    } finally {
      await sidecar.dispose();
    }
  });

  it("reloads the role's model after each of 4 crashes, stops at the 5th, and reloads it on Restart", async () => {
    // The supervisor's own restart delays: the recovery figures logged below are what a user sees.
    const { sidecar, waitForStatus } = startHarness({ timing: { heartbeatIntervalMs: 60_000 } });
    const models = await completionModels(sidecar);
    const recoveries: number[] = [];
    try {
      await models.ensureLoaded('completion');
      for (let crash = 1; crash <= 4; crash++) {
        const pid = sidecar.pid!;
        const killedAt = performance.now();
        process.kill(pid, 'SIGKILL');
        await reloaded(sidecar, models, pid);
        recoveries.push(performance.now() - killedAt);
      }
      process.kill(sidecar.pid!, 'SIGKILL');
      await waitForStatus('stopped');
      assert.equal(sidecar.status.gaveUp, true);
      assert.equal(models.state('completion').state, 'unloaded');
      await sidecar.restart();
      await reloaded(sidecar, models, undefined);
      console.log(`crash recovery (SIGKILL → model loaded in a new process), ms: ${recoveries.map((ms) => Math.round(ms)).join(' → ')}`);
    } finally {
      models.dispose();
      await sidecar.dispose();
    }
  });

  it('does not lose the reload when the sidecar is killed again while it reloads the model', async () => {
    const { sidecar } = startHarness({ timing: fast });
    const models = await completionModels(sidecar);
    try {
      await models.ensureLoaded('completion');
      const first = sidecar.pid!;
      process.kill(first, 'SIGKILL');
      await until(
        () => sidecar.status.status === 'ready' && sidecar.pid !== first && models.state('completion').state === 'loading',
        () => 'the reload to start',
      );
      const reloading = sidecar.pid!;
      process.kill(reloading, 'SIGKILL');
      await reloaded(sidecar, models, reloading);
    } finally {
      models.dispose();
      await sidecar.dispose();
    }
  });

  it('replaces a sidecar that stops answering heartbeats', async () => {
    const { sidecar, waitForStatus, logs } = startHarness({ timing: { ...fast, heartbeatIntervalMs: 150, heartbeatTimeoutMs: 150 } });
    try {
      await sidecar.ensureStarted();
      const wedged = sidecar.pid!;
      process.kill(wedged, 'SIGSTOP');
      await waitForExit(wedged);
      await waitForStatus('ready');
      assert.notEqual(sidecar.pid, wedged);
      assert.ok(logs.some((line) => /missed two heartbeats/.test(line)));
    } finally {
      await sidecar.dispose();
    }
  });

  it('kills a sidecar that never answers initialize and counts it as a crash', async () => {
    const silent = path.join(os.tmpdir(), `pylot-silent-${process.pid}.mjs`);
    writeFileSync(silent, 'setInterval(() => {}, 1000);\n');
    const { sidecar, waitForStatus } = startHarness({ modulePath: silent, timing: { ...fast, initializeTimeoutMs: 300, crashLimit: 2 } });
    try {
      const error = await rejectsWithCode(sidecar.ensureStarted(), ErrorCodes.Timeout);
      assert.match(error.message, /did not answer initialize/);
      await waitForStatus('stopped');
      assert.equal(sidecar.status.gaveUp, true);
    } finally {
      await sidecar.dispose();
    }
  });

  it('reports a Node binary that cannot be started, without a restart loop', async () => {
    const { sidecar, statuses } = startHarness({ nodePath: '/nonexistent/node' });
    try {
      const error = await rejectsWithCode(sidecar.ensureStarted(), ErrorCodes.SidecarExited);
      assert.match(error.message, /\/nonexistent\/node/);
      assert.equal(sidecar.status.status, 'stopped');
      assert.ok(!statuses.some((s) => s.status === 'restarting'));
    } finally {
      await sidecar.dispose();
    }
  });

  it('leaves no orphan when the extension host dies', async () => {
    const { host, sidecarPid } = await startOrphanHost();
    process.kill(host.pid!, 'SIGKILL');
    await waitForExit(sidecarPid, 10_000);
  });

  it("leaves no orphan when the extension host dies while the sidecar's event loop is blocked", async () => {
    const blocked = blockedLoop();
    const { host, sidecarPid } = await startOrphanHost(blocked.env);
    try {
      await blocked.block(sidecarPid);
      process.kill(host.pid!, 'SIGKILL');
      await waitForExit(sidecarPid, 10_000);
    } finally {
      killIfAlive(sidecarPid);
    }
  });

  it('ends at SIGTERM even while its event loop is blocked', async () => {
    const blocked = blockedLoop();
    const { sidecar } = startHarness({ env: blocked.env, timing: fast });
    try {
      await sidecar.ensureStarted();
      const pid = sidecar.pid!;
      await blocked.block(pid);
      process.kill(pid, 'SIGTERM');
      await waitForExit(pid, 5_000);
    } finally {
      await sidecar.dispose();
    }
  });

  it('stops a sidecar whose event loop is blocked: the shutdown request times out, then it is killed', async () => {
    const blocked = blockedLoop();
    const { sidecar } = startHarness({ env: blocked.env, timing: { ...fast, shutdownGraceMs: 300 } });
    await sidecar.ensureStarted();
    const pid = sidecar.pid!;
    try {
      await blocked.block(pid);
      await sidecar.dispose();
      await waitForExit(pid, 5_000);
      assert.equal(sidecar.status.status, 'stopped');
    } finally {
      killIfAlive(pid);
    }
  });

  it('stops cleanly: shutdown, disconnect, exit', async () => {
    const { sidecar } = startHarness();
    await sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: await fimModel() } });
    const pid = sidecar.pid!;
    await sidecar.stop();
    await waitForExit(pid, 5_000);
    assert.equal(sidecar.status.status, 'stopped');
  });
});

/** A stand-in extension host: starts the sidecar through the supervisor, prints its pid, waits. */
async function startOrphanHost(sidecarEnv: Record<string, string> = {}): Promise<{ host: ChildProcess; sidecarPid: number }> {
  const script = path.join(repoRoot, 'out/test/sidecar/orphanHost.mjs');
  const host = spawn(process.execPath, [script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PYLOT_TEST_SIDECAR_ENV: JSON.stringify(sidecarEnv) },
  });
  const sidecarPid = await new Promise<number>((resolve, reject) => {
    host.stdout!.on('data', (chunk: Buffer) => {
      const match = /sidecar-pid=(\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    host.once('exit', (code) => reject(new Error(`host exited early (${code})`)));
  });
  return { host, sidecarPid };
}

/** A sidecar environment that preloads blockLoop.mjs, and the way to block that sidecar's event loop. */
function blockedLoop(): { env: Record<string, string>; block(pid: number): Promise<void> } {
  const mark = path.join(os.tmpdir(), `pylot-blocked-${process.pid}-${Math.random().toString(36).slice(2)}`);
  return {
    env: { NODE_OPTIONS: `--import=${path.join(repoRoot, 'out/test/sidecar/blockLoop.mjs')}`, PYLOT_TEST_BLOCKED_MARK: mark },
    async block(pid) {
      process.kill(pid, 'SIGUSR2');
      for (let tries = 0; !existsSync(mark); tries++) {
        if (tries > 200) throw new Error('the sidecar never blocked its event loop');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      rmSync(mark, { force: true });
    },
  };
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function until(done: () => boolean, what: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A ModelManager whose completion role is the FIM test model, as the extension builds it from settings. */
async function completionModels(sidecar: Sidecar): Promise<ModelManager> {
  const file = await fimModel();
  return new ModelManager(sidecar, (role) =>
    role === 'completion' ? { spec: file, contextSize: 512, resolve: async () => ({ source: { kind: 'file' as const, path: file } }) } : undefined,
  );
}

/** Waits until the completion model is loaded in a process other than `pid`, and serves there. */
async function reloaded(sidecar: Sidecar, models: ModelManager, pid: number | undefined): Promise<void> {
  const role = () => models.state('completion');
  await until(
    () => role().state === 'ready' && sidecar.pid !== undefined && sidecar.pid !== pid,
    () => `the model to be reloaded (it is ${role().state}${role().error ? `: ${role().error?.message}` : ''})`,
  );
  // Not NoModel: the new process holds the model.
  await sidecar.request(Generate, { role: 'completion', infill: { prefix: 'a', suffix: 'b' }, maxTokens: 1 });
}
