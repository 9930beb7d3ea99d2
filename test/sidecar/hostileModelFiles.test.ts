// Hostile model files through the real sidecar: every shape from test/fixtures/gguf/hostile.ts is
// refused by model/load and listed with its problem by models/list, each with the message the
// shape expects, while the sidecar's peak memory stays within 50 MB of where it started. Before
// Pylot's own header check, a 60-byte file claiming 2^40 tensors hung a load while memory grew.
// Timeouts here only detect a hang; the figures are logged, never asserted as times.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListModels } from '../../protocol/models';
import { ErrorCodes } from '../../protocol/rpc';
import { Generate, LoadModel } from '../../protocol/sidecar';
import { hostileShapes, type HostileShape } from '../fixtures/gguf/hostile';
import { rawModel, smallTensor, smallTensorBytes, tensorInfo } from '../fixtures/gguf/raw';
import { scriptedModel } from '../fixtures/models';
import { rejectsWithCode, startHarness, type Harness } from './harness';

const MB = 1e6;
const script = 'return a + b;';
/** The bound: a hostile file may cost the sidecar this much memory at most. */
const rssBudget = 50 * MB;

/** Linux's view of a process's memory: resident now, and the peak since the last reset. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/**
 * Starts a new peak measurement ("5" resets VmHWM to the current RSS). Where the kernel refuses,
 * the peak is the largest RSS sampled after each request instead: it can miss a brief spike.
 */
function resetPeak(pid: number): 'peak' | 'sampled' {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return 'peak';
  } catch {
    return 'sampled';
  }
}
const peakSince = (pid: number, how: 'peak' | 'sampled') => (how === 'peak' ? memory(pid).peak : memory(pid).rss);

describe('hostile model files in the sidecar', { skip: process.platform !== 'linux' && 'needs /proc and mkfifo' }, () => {
  let harness: Harness;
  let dir: string;
  let scripted: string;
  const shapes = hostileShapes();
  const paths = new Map<string, string>();
  let pid: number;
  let baseline: number;
  const figures: string[] = [];

  const load = (path: string) => harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path }, contextSize: 1024 });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pylot-hostile-'));
    const shapesDir = join(dir, 'shapes');
    await mkdir(shapesDir);
    for (const shape of shapes) paths.set(shape.id, await shape.make(shapesDir));
    scripted = await scriptedModel(script);
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    // Loading node-llama-cpp's runtime and a folder listing's first use are the sidecar's own
    // memory, not a hostile file's: do both once before the baseline.
    await rejectsWithCode(load(paths.get('text')!), ErrorCodes.ModelInvalid);
    await harness.sidecar.request(ListModels, { folders: [await mkdtemp(join(dir, 'empty-'))] });
    pid = harness.sidecar.pid!;
    baseline = memory(pid).rss;
  });

  after(async () => {
    for (const line of figures) console.log(line);
    await harness?.sidecar.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses every shape on load with its own message, within 50 MB of memory', { timeout: 300_000 }, async () => {
    const how = resetPeak(pid);
    let slowest = { id: '', ms: 0 };
    let peak = 0;
    for (const shape of shapes) {
      const started = performance.now();
      const error = await rejectsWithCode(load(paths.get(shape.id)!), ErrorCodes[shape.code]);
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { id: shape.id, ms };
      assert.match(error.message, shape.message, shape.id);
      peak = Math.max(peak, peakSince(pid, how));
    }
    figures.push(
      `load: ${shapes.length} shapes; baseline RSS ${(baseline / MB).toFixed(1)} MB, ${how} ${(peak / MB).toFixed(1)} MB ` +
        `(+${((peak - baseline) / MB).toFixed(1)} MB); slowest ${slowest.id} ${slowest.ms.toFixed(0)} ms`,
    );
    assert.ok(peak - baseline <= rssBudget, `peak RSS grew by ${((peak - baseline) / MB).toFixed(1)} MB`);
  });

  it('lists every shape in a folder with its problem, within 50 MB of memory', { timeout: 120_000 }, async () => {
    const how = resetPeak(pid);
    const started = performance.now();
    const { models, incomplete } = await harness.sidecar.request(ListModels, { folders: [join(dir, 'shapes')] });
    const ms = performance.now() - started;
    const peak = peakSince(pid, how);
    figures.push(`list: ${models.length} files in ${ms.toFixed(0)} ms; ${how} RSS +${((peak - baseline) / MB).toFixed(1)} MB`);

    assert.equal(incomplete, undefined);
    const byName = new Map(models.map((model) => [model.fileName, model]));
    const listed = shapes.filter((shape: HostileShape) => !shape.unlisted);
    for (const shape of listed) {
      const model = byName.get(basename(paths.get(shape.id)!));
      assert.ok(model, `${shape.id} is listed`);
      assert.match(model.error ?? '(no error)', shape.message, shape.id);
    }
    // Named pipes, devices, folders and broken links are not model files: skipped, never opened.
    assert.equal(models.length, listed.length);
    assert.ok(peak - baseline <= rssBudget, `peak RSS grew by ${((peak - baseline) / MB).toFixed(1)} MB`);
  });

  it('hands what passes its checks to llama.cpp, whose refusal is a clean error in the same process', { timeout: 120_000 }, async () => {
    // Well-formed headers llama.cpp still refuses: a 0-dimension tensor (one value) and a llama
    // with none of the tensors a llama has.
    const files = {
      scalar: rawModel({ tensors: [tensorInfo('scale', [], 0, 0)], dataBytes: 32 }),
      'no-llama-tensors': rawModel({ tensors: [smallTensor()], dataBytes: smallTensorBytes }),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, `${name}.gguf`);
      writeFileSync(path, bytes);
      const error = await rejectsWithCode(load(path), ErrorCodes.ModelLoadFailed);
      assert.match(error.message, new RegExp(`llama\\.cpp could not load .*${name}\\.gguf`));
      assert.equal(harness.sidecar.pid, pid, 'the sidecar is the same process');
    }
  });

  it("does not hold up the role's next load: a split model with a named pipe for a part, then a good model", { timeout: 60_000 }, async () => {
    const [refused, loaded] = await Promise.allSettled([load(paths.get('split-fifo')!), load(scripted)]);
    // The second load supersedes the first (cancelled) or follows its refusal; either way it is served.
    assert.equal(refused.status, 'rejected');
    assert.equal(loaded.status, 'fulfilled', loaded.status === 'rejected' ? String(loaded.reason) : '');
    const result = await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: 'function add(a, b) {\n  ', suffix: '\n}\n' } });
    assert.equal(result.text, script);
  });
});
