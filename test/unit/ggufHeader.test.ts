// Pylot's GGUF gate on its own, without a sidecar: every hostile shape from the fixtures is refused
// with its own message after reading a bounded number of bytes, well-formed files pass, and the
// type table matches node-llama-cpp's. The sidecar test (test/sidecar/hostileModelFiles.test.ts)
// runs the same shapes through the real process and measures its memory.
import assert from 'node:assert/strict';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GgmlType } from 'node-llama-cpp';
import { ErrorCodes } from '../../protocol/rpc';
import { ggmlType, ggmlTypeCount } from '../../sidecar/models/gguf/ggmlTypes';
import { checkGgufHeader } from '../../sidecar/models/gguf/header';
import { HeaderProblem, type ByteSource } from '../../sidecar/models/gguf/headerReader';
import { bounded, checkModelFile, missingKeyProblem, nodeIo, splitParts, type ModelFileIo } from '../../sidecar/models/gguf/modelFile';
import { TensorType, str, u32 } from '../fixtures/gguf/format';
import { hostileShapes } from '../fixtures/gguf/hostile';
import { kvString, rawModel, smallTensor, smallTensorBytes, tensorInfo } from '../fixtures/gguf/raw';
import { writeGguf } from '../fixtures/gguf/writer';

const shapes = hostileShapes();

describe('GGUF gate', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pylot-gguf-unit-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('has many shapes in every class, each with its own file', () => {
    const kinds = new Map<string, number>();
    for (const shape of shapes) kinds.set(shape.kind, (kinds.get(shape.kind) ?? 0) + 1);
    assert.equal(new Set(shapes.map((s) => s.id)).size, shapes.length);
    assert.ok(shapes.length >= 80, `${shapes.length} shapes`);
    for (const kind of [
      'not gguf',
      'truncated',
      'version',
      'count',
      'length',
      'key',
      'type',
      'alignment',
      'tensor',
      'offset',
      'meaning',
      'hyperparameter',
      'not a file',
      'split',
    ]) {
      assert.ok((kinds.get(kind) ?? 0) >= 2, `${kind}: ${kinds.get(kind) ?? 0} shapes`);
    }
  });

  it('writes the same files for the same seed', () => {
    const again = hostileShapes();
    assert.deepEqual(
      again.map((s) => s.message.source),
      shapes.map((s) => s.message.source),
    );
    assert.notDeepEqual(
      hostileShapes(7).map((s) => s.message.source),
      shapes.map((s) => s.message.source),
    );
  });

  for (const shape of shapes) {
    it(`refuses ${shape.kind}: ${shape.id}`, async () => {
      const path = await shape.make(dir);
      const checked = await checkModelFile(path);
      // A missing required key is safe to pass on; loading and listing refuse it with this message.
      const [message, code] = checked.ok ? [missingKeyProblem(checked), ErrorCodes.ModelInvalid] : [checked.message, checked.code];
      assert.ok(message, `${shape.id} passed the check`);
      assert.match(message, shape.message);
      assert.equal(code, ErrorCodes[shape.code], message);
      assert.doesNotMatch(message, /undefined|NaN|\[object/);
    });
  }

  it('reads at most a few chunks of any hostile header', async () => {
    const files = await mkdtemp(join(dir, 'bytes-'));
    for (const shape of shapes) {
      const path = await shape.make(files);
      if (
        !(await stat(path).then(
          (s) => s.isFile(),
          () => false,
        ))
      )
        continue; // refused before any read
      const handle = await open(path, 'r');
      try {
        const { size } = await handle.stat();
        let bytesRead = 0;
        const source: ByteSource = {
          size,
          read: async (buffer, position) => {
            const { bytesRead: got } = await handle.read(buffer, 0, buffer.length, position);
            bytesRead += got;
            return got;
          },
        };
        // Some shapes are well-formed headers refused for what they mean, or split models with a bad second part.
        await checkGgufHeader(source, shape.id).catch((error: unknown) => assert.ok(error instanceof HeaderProblem, String(error)));
        // The capped arrays are read through (8 MiB of string lengths); everything else is a chunk or two.
        const cap = shape.id.includes('over-cap') ? 10 * 2 ** 20 : 2 * 2 ** 20;
        assert.ok(bytesRead <= cap, `${shape.id}: read ${bytesRead} bytes of ${size}`);
      } finally {
        await handle.close();
      }
    }
  });

  it('passes well-formed files: one written by the fixture writer, a raw one, and a split model', async () => {
    const written = join(dir, 'written.gguf');
    const kv = new Map([
      ['general.architecture', str('llama')],
      ['llama.context_length', u32(256)],
      ['llama.embedding_length', u32(64)],
      ['llama.block_count', u32(1)],
    ]);
    await writeGguf(written, kv, [
      { name: 'token_embd.weight', dims: [64, 8], type: TensorType.Q8_0 },
      { name: 'output_norm.weight', dims: [64], type: TensorType.F32 },
    ]);
    const one = await checkModelFile(written);
    assert.ok(one.ok, one.ok ? '' : one.message);
    assert.equal(one.header.architecture, 'llama');
    assert.equal(one.header.tensorCount, 2);

    // Later parts of a split model carry tensors and split.* keys, not the model's metadata.
    const first = join(dir, 'pair-00001-of-00002.gguf');
    const parts = [
      rawModel({ tensors: [smallTensor('a')], dataBytes: smallTensorBytes }),
      rawModel({ architecture: false, kvs: [kvString('split.note', 'part two')], tensors: [smallTensor('b')], dataBytes: smallTensorBytes }),
    ];
    await writeFile(first, parts[0]!);
    await writeFile(join(dir, 'pair-00002-of-00002.gguf'), parts[1]!);
    const pair = await checkModelFile(first);
    assert.ok(pair.ok, pair.ok ? '' : pair.message);
    assert.deepEqual(pair.parts, splitParts(first));
    assert.equal(pair.sizeBytes, parts[0]!.length + parts[1]!.length);
  });

  it('accepts what llama.cpp accepts: a 0-dimension tensor is one value, an empty tensor is none', async () => {
    const path = join(dir, 'scalar.gguf');
    await writeFile(path, rawModel({ tensors: [tensorInfo('scale', [], 0, 0), tensorInfo('empty', [0, 8], 0, 32)], dataBytes: 32 }));
    const checked = await checkModelFile(path);
    assert.ok(checked.ok, checked.ok ? '' : checked.message);
  });

  it('says "cancelled" when its caller gives up, and abandons work that never finishes', async () => {
    const path = join(dir, 'cancelled.gguf');
    await writeFile(path, rawModel({ tensors: [smallTensor()], dataBytes: smallTensorBytes }));
    const checked = await checkModelFile(path, { signal: AbortSignal.abort() });
    assert.deepEqual([checked.ok, !checked.ok && checked.code], [false, ErrorCodes.Cancelled]);

    const stuck = new Promise<never>(() => undefined); // a read on a drive that stopped answering
    const controller = new AbortController();
    const waiting = bounded(stuck, controller.signal);
    controller.abort();
    await assert.rejects(waiting);
  });

  it('times out a check whose reads stop answering, with a message about the drive', async () => {
    const path = join(dir, 'stalled.gguf');
    await writeFile(path, rawModel({ tensors: [smallTensor()], dataBytes: smallTensorBytes }));
    // A network drive that stopped answering: the open works, the first read never returns.
    const stalled: ModelFileIo = {
      ...nodeIo,
      open: async (file, flags) => {
        const handle = await nodeIo.open(file, flags);
        return {
          stat: () => handle.stat(),
          read: () => new Promise<never>(() => undefined),
          close: () => handle.close(),
        };
      },
    };
    // AbortSignal.timeout does not keep a process alive; the sidecar's IPC channel does, this timer here.
    const alive = setInterval(() => undefined, 1000);
    const checked = await checkModelFile(path, { timeoutMs: 200 }, stalled).finally(() => clearInterval(alive));
    assert.equal(checked.ok, false);
    if (!checked.ok) {
      assert.equal(checked.code, ErrorCodes.Timeout);
      assert.match(checked.message, /stalled\.gguf could not be read within 0\.2 s; is it on a slow or disconnected drive\?/);
    }
  });

  it('knows the size of every tensor type node-llama-cpp knows, and no more', () => {
    const removed = new Set(['Q4_2', 'Q4_3', 'Q4_0_4_4', 'Q4_0_4_8', 'Q4_0_8_8', 'IQ4_NL_4_4', 'IQ4_NL_4_8', 'IQ4_NL_8_8']);
    const known = Object.entries(GgmlType).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
    for (const [name, id] of known) {
      if (removed.has(name)) assert.equal(ggmlType(id), undefined, name);
      else assert.equal(ggmlType(id)?.name, name, `type ${id}`);
    }
    assert.equal(ggmlTypeCount, Math.max(...known.map(([, id]) => id)) + 1);
  });
});
