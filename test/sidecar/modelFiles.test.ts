// Models on disk, the catalog and downloads, through the real sidecar process: headers of generated
// GGUF files read without loading them, verdicts for this machine, and downloads from a fake
// Hugging Face on 127.0.0.1 (progress, cancel and resume, a stalled server, bad files).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DownloadModel, DownloadProgress, ListModels, ModelCatalog, type LocalModel } from '../../protocol/models';
import { ErrorCodes, type ParamsOf } from '../../protocol/rpc';
import { llama, randomWeights, type LlamaShape, type Weights } from '../fixtures/arch';
import { cacheName, cached } from '../fixtures/cache';
import { TensorType, str } from '../fixtures/gguf/format';
import { readGgufHeader } from '../fixtures/gguf/reader';
import { writeGguf } from '../fixtures/gguf/writer';
import { badModelFiles, embeddingModel, fimModel, type BadModelFiles } from '../fixtures/models';
import { bundleCommit, vocabFile } from '../fixtures/vocab';
import { startFakeHub, type FakeHub } from './fakeHub';
import { rejectsWithCode, startHarness, type Harness } from './harness';

const MiB = 2 ** 20;
/** Per response: ipull's three parallel ranges then take about 3 s for the 30 MB model. */
const hubBytesPerSecond = 3 * MiB;

/** A tiny llama on the deepseek-coder vocabulary, with extra tokenizer keys (e.g. a chat template). */
async function llamaModel(stem: string, shape: LlamaShape, extraTokenizerKeys: Record<string, string>, weights: Weights): Promise<string> {
  const vocab = await vocabFile('deepseek-coder');
  return cached(cacheName(stem, { shape, extraTokenizerKeys, llamaCpp: await bundleCommit() }), async (path) => {
    const tokenizer = new Map((await readGgufHeader(vocab)).kv);
    for (const [key, value] of Object.entries(extraTokenizerKeys)) tokenizer.set(key, str(value));
    const model = llama(shape, tokenizer, weights);
    await writeGguf(path, model.kv, model.tensors);
  });
}

const small: LlamaShape = { name: 'pylot-test-chat', nEmbd: 64, nLayer: 2, nFf: 128, nHead: 4, nHeadKv: 2, contextLength: 2048, type: TensorType.F16 };
/** ~30 MB of random weights: six of ipull's 5 MiB chunks, so a cancelled download leaves whole chunks to resume from. */
const download: LlamaShape = { name: 'pylot-test-download', nEmbd: 384, nLayer: 2, nFf: 1024, nHead: 6, nHeadKv: 2, contextLength: 4096, type: TensorType.F16 };

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('model files in the sidecar', () => {
  let harness: Harness;
  let hub: FakeHub;
  let work: string;
  let fim: string;
  let embedding: string;
  let chat: string;
  let bad: BadModelFiles;
  let downloadData: Buffer;
  const progress = new Map<string, Array<{ transferredBytes: number; totalBytes: number }>>();

  before(async () => {
    let downloadPath: string;
    [fim, embedding, bad, chat, downloadPath] = await Promise.all([
      fimModel(),
      embeddingModel(),
      badModelFiles(),
      llamaModel('chat-template', small, { 'tokenizer.chat_template': "{% for m in messages %}{{ m['content'] }}{% endfor %}" }, () => undefined),
      llamaModel('download', download, {}, randomWeights(0xd0)),
    ]);
    downloadData = await readFile(downloadPath);
    work = await mkdtemp(join(tmpdir(), 'pylot-model-files-'));
    // The sidecar's home: node-llama-cpp's models folder (~/.node-llama-cpp/models) is then ours to fill.
    await mkdir(join(work, 'home'));
    harness = startHarness({ settings: () => ({ threads: 1 }), env: { HOME: join(work, 'home') } });
    harness.sidecar.onNotification(DownloadProgress, (event) => {
      const list = progress.get(event.downloadId) ?? [];
      list.push({ transferredBytes: event.transferredBytes, totalBytes: event.totalBytes });
      progress.set(event.downloadId, list);
    });
    hub = await startFakeHub(hubBytesPerSecond);
    hub.host({ repo: 'pylot-test/Download-GGUF', file: 'download.Q8_0.gguf', tag: 'Q8_0', data: downloadData });
    hub.host({ repo: 'pylot-test/Stalled-GGUF', file: 'stalled.Q8_0.gguf', tag: 'Q8_0', data: downloadData, stallAfter: 256 * 1024 });
    hub.host({ repo: 'pylot-test/Silent-GGUF', file: 'silent.Q8_0.gguf', tag: 'Q8_0', data: downloadData, silentManifest: true });
    hub.host({ repo: 'pylot-test/Truncated-GGUF', file: 'truncated.Q8_0.gguf', tag: 'Q8_0', data: await readFile(bad.truncatedData) });
    hub.host({ repo: 'pylot-test/Text-GGUF', file: 'text.Q8_0.gguf', tag: 'Q8_0', data: await readFile(bad.notGguf) });
    // Where the catalog's Qwen2.5-Coder 0.5B Q8_0 resolves: a real one is ~530 MB, this is 30 MB.
    hub.host({ repo: 'ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF', file: 'qwen2.5-coder-0.5b-q8_0.gguf', tag: 'Q8_0', data: downloadData });
  });

  after(async () => {
    await harness?.sidecar.dispose();
    await hub?.close();
    await rm(work, { recursive: true, force: true });
  });

  const folder = async (name: string) => {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    return dir;
  };
  const get = (request: ParamsOf<typeof DownloadModel>, signal?: AbortSignal) =>
    harness.sidecar.request(DownloadModel, { huggingFaceEndpoint: hub.url, ...request }, signal ? { signal } : {});
  const hfDownload = (downloadId: string, repo: string, into: string, extra: Partial<ParamsOf<typeof DownloadModel>> = {}, signal?: AbortSignal) =>
    get({ downloadId, source: { kind: 'uri', uri: `hf:${repo}:Q8_0` }, folder: into, ...extra }, signal);

  it('lists models with metadata read from their headers, and bad files with their problem', async () => {
    const library = await folder('library');
    await mkdir(join(library, 'nested', 'deeper'), { recursive: true });
    await mkdir(join(library, '.hidden'));
    await Promise.all([
      copyFile(fim, join(library, 'fim.gguf')),
      copyFile(chat, join(library, 'chat.gguf')),
      copyFile(embedding, join(library, 'nested', 'deeper', 'embedding.gguf')),
      copyFile(bad.notGguf, join(library, 'notes.gguf')),
      copyFile(bad.truncatedHeader, join(library, 'nested', 'cut-header.gguf')),
      copyFile(bad.truncatedData, join(library, 'nested', 'cut-data.gguf')),
      copyFile(fim, join(library, 'big-00001-of-00002.gguf')),
      copyFile(fim, join(library, 'big-00002-of-00002.gguf')),
      copyFile(fim, join(library, 'partial.gguf.ipull')),
      copyFile(fim, join(library, '.hidden', 'cached.gguf')),
      writeFile(join(library, 'README.md'), 'not a model'),
    ]);
    const cache = join(work, 'home', '.node-llama-cpp', 'models');
    await mkdir(cache, { recursive: true });
    await copyFile(embedding, join(cache, 'from-cli.gguf'));

    const started = performance.now();
    const result = await harness.sidecar.request(ListModels, { folders: [library] });
    const elapsed = performance.now() - started;
    const byName = new Map(result.models.map((m) => [m.fileName, m]));
    const model = (name: string): LocalModel => {
      const found = byName.get(name);
      assert.ok(found, `${name} is listed; got ${[...byName.keys()].join(', ')}`);
      return found;
    };

    assert.deepEqual(result.folders, [library, cache]);
    assert.equal(result.incomplete, undefined);
    assert.deepEqual([...byName.keys()].sort(), [
      'big-00001-of-00002.gguf',
      'chat.gguf',
      'cut-data.gguf',
      'cut-header.gguf',
      'embedding.gguf',
      'fim.gguf',
      'from-cli.gguf',
      'notes.gguf',
    ]);

    const fimInfo = model('fim.gguf');
    assert.deepEqual(
      { ...fimInfo, parameters: undefined },
      {
        path: join(library, 'fim.gguf'),
        fileName: 'fim.gguf',
        sizeBytes: (await stat(fim)).size,
        name: 'pylot-test-fim',
        architecture: 'llama',
        parameters: undefined,
        quantization: 'F16',
        trainContextSize: 4096,
        fim: true,
        chatTemplate: false,
        embedding: false,
      },
    );
    assert.ok(fimInfo.parameters! > 2_000_000 && fimInfo.parameters! < 3_000_000, `${fimInfo.parameters} parameters`);

    assert.equal(model('chat.gguf').chatTemplate, true);
    assert.equal(model('chat.gguf').trainContextSize, 2048);
    assert.deepEqual(pick(model('embedding.gguf'), ['architecture', 'embedding', 'fim', 'chatTemplate', 'error']), {
      architecture: 'bert',
      embedding: true,
      fim: false,
      chatTemplate: false,
    });
    assert.equal(model('embedding.gguf').path, join(library, 'nested', 'deeper', 'embedding.gguf'));
    assert.equal(model('from-cli.gguf').embedding, true);

    assert.match(model('notes.gguf').error!, /not a GGUF model file/);
    assert.match(model('cut-header.gguf').error!, /truncated/);
    assert.match(model('cut-data.gguf').error!, /truncated: its header describes .* but the file has/);
    assert.equal(model('cut-data.gguf').architecture, 'llama'); // what could be read is still shown
    assert.equal(model('big-00001-of-00002.gguf').parts, 2);
    assert.equal(model('big-00001-of-00002.gguf').sizeBytes, 2 * (await stat(fim)).size);
    assert.ok(elapsed < 10_000, `listing took ${elapsed} ms`);
  });

  it('rates the catalog for this machine and finds what is already downloaded', async () => {
    const models = await folder('catalog-models');
    await copyFile(fim, join(models, 'qwen2.5-coder-0.5b.Q8_0.gguf'));
    const { entries, contextSize } = await harness.sidecar.request(ModelCatalog, { folders: [models] });
    const hardware = harness.sidecar.info!.hardware;

    assert.equal(contextSize, 4096);
    assert.deepEqual(new Set(entries.map((e) => e.role)), new Set(['completion', 'chat', 'embeddings']));
    assert.ok(entries.filter((e) => e.role === 'completion').every((e) => e.fim));
    for (const entry of entries) {
      assert.ok(entry.quants.length >= 2, entry.id);
      assert.ok(
        entry.quants.some((q) => q.quantization === entry.recommended),
        entry.id,
      );
      for (const quant of entry.quants) {
        assert.match(quant.uri, new RegExp(`^hf:[\\w.-]+/[\\w.-]+-GGUF:${quant.quantization}$`));
        assert.ok(quant.memoryBytes > quant.sizeBytes, `${entry.id} ${quant.quantization}`);
        if (hardware.backend === 'cpu') {
          assert.ok(quant.fit === 'cpu' || quant.fit === 'too-large', `${entry.id}: ${quant.fit} without a GPU`);
          assert.equal(quant.gpuLayers, 0);
        }
        // A model needing more than all of this machine's RAM can never fit; one needing a quarter always does.
        if (quant.memoryBytes > hardware.ram.total) assert.equal(quant.fit, 'too-large');
        if (quant.memoryBytes < hardware.ram.total / 4) assert.notEqual(quant.fit, 'too-large');
      }
    }
    const qwen05 = entries.find((e) => e.id === 'qwen2.5-coder-0.5b')!;
    assert.equal(qwen05.quants.find((q) => q.quantization === 'Q8_0')!.path, join(models, 'qwen2.5-coder-0.5b.Q8_0.gguf'));
    assert.equal(qwen05.quants.find((q) => q.quantization === 'Q4_K_M')!.path, undefined);
    assert.ok(Math.abs(qwen05.quants.find((q) => q.quantization === 'Q8_0')!.sizeBytes - 531e6) < 10e6);
  });

  it('downloads an hf: model with batched progress, and the file is the one served', async () => {
    const into = await folder('download');
    const started = performance.now();
    const running = hfDownload('first', 'pylot-test/Download-GGUF', into);
    const twice = await rejectsWithCode(hfDownload('twice', 'pylot-test/Download-GGUF', into), ErrorCodes.DownloadFailed);
    assert.match(twice.message, /already being downloaded/);
    const result = await running;
    const seconds = (performance.now() - started) / 1000;

    assert.equal(result.sizeBytes, downloadData.length);
    assert.equal(result.resumedFromBytes, 0);
    assert.equal(sha256(await readFile(result.path)), sha256(downloadData));
    assert.deepEqual(pick(result.model, ['architecture', 'fim', 'error']), { architecture: 'llama', fim: true });
    assert.deepEqual(await readdir(into), [result.path.split('/').pop()]);

    const events = progress.get('first') ?? [];
    assert.ok(events.length >= 3, `${events.length} progress notifications`);
    assert.ok(events.length <= seconds * 4 + 2, `${events.length} notifications in ${seconds.toFixed(1)} s`);
    for (const [i, event] of events.entries()) {
      assert.equal(event.totalBytes, downloadData.length);
      if (i > 0) assert.ok(event.transferredBytes > events[i - 1]!.transferredBytes, 'progress only grows');
    }
    assert.equal(events.at(-1)!.transferredBytes, downloadData.length);

    // The URL shapes of a Hugging Face download, and ranged requests to the CDN.
    const paths = hub.requests.map((r) => r.url.split('?')[0]);
    assert.ok(paths.includes('/v2/pylot-test/Download-GGUF/manifests/Q8_0'));
    assert.ok(paths.includes('/pylot-test/Download-GGUF/resolve/main/download.Q8_0.gguf'));
    assert.ok(hub.requests.some((r) => r.url === '/cdn/pylot-test/Download-GGUF/download.Q8_0.gguf' && r.status === 206));
  });

  it('cancels a download through $/cancelRequest, keeps the partial file, and resumes it with ranged requests', async () => {
    const into = await folder('resume');
    const cancel = new AbortController();
    harness.sidecar.onNotification(DownloadProgress, (event) => {
      if (event.downloadId === 'interrupted' && event.transferredBytes > 0.7 * event.totalBytes) cancel.abort();
    });
    const cancelled = await rejectsWithCode(hfDownload('interrupted', 'pylot-test/Download-GGUF', into, {}, cancel.signal), ErrorCodes.Cancelled);
    assert.match(cancelled.message, /cancelled/);
    await waitFor(async () => (await readdir(into)).some((name) => name.endsWith('.gguf.ipull')), 'the partial .ipull file');
    assert.ok(!(await readdir(into)).some((name) => name.endsWith('.gguf')), 'no finished file after a cancel');

    const mark = hub.requests.length;
    const result = await hfDownload('resumed', 'pylot-test/Download-GGUF', into);
    const ranged = hub.requests.slice(mark).filter((r) => r.range);
    assert.ok(result.resumedFromBytes >= 5 * MiB && result.resumedFromBytes < downloadData.length, `resumed from ${result.resumedFromBytes}`);
    assert.ok(ranged.length > 0, 'the resumed download asked for byte ranges');
    // ipull resumes whole 5 MiB chunks: the new ranges start on chunk boundaries and skip what is on disk.
    const chunk = 5 * MiB;
    assert.ok(
      ranged.every((r) => Number(/^bytes=(\d+)-/.exec(r.range!)?.[1]) % chunk === 0),
      ranged.map((r) => r.range).join(', '),
    );
    const fetched = ranged.reduce((sum, r) => sum + r.sent, 0);
    assert.ok(fetched <= downloadData.length - chunk, `fetched ${fetched} of ${downloadData.length} bytes again`);
    assert.equal(sha256(await readFile(result.path)), sha256(downloadData));
    assert.deepEqual(await readdir(into), [result.path.split('/').pop()]);
  });

  it('gives up on a server that stops sending, with a message that says so', async () => {
    const started = performance.now();
    const error = await rejectsWithCode(
      hfDownload('stalled', 'pylot-test/Stalled-GGUF', await folder('stalled'), { stallTimeoutMs: 1500 }),
      ErrorCodes.Timeout,
    );
    assert.match(error.message, /No data arrived from 127\.0\.0\.1:\d+ for 1\.5 s/);
    assert.ok(performance.now() - started < 10_000);
  });

  it('gives up on a hub that never answers the manifest request', async () => {
    const started = performance.now();
    await rejectsWithCode(hfDownload('silent', 'pylot-test/Silent-GGUF', await folder('silent'), { stallTimeoutMs: 1500 }), ErrorCodes.Timeout);
    assert.ok(performance.now() - started < 10_000);
  });

  // The second names the file itself (`hf:<user>/<repo>/<file>`): no manifest, straight to /resolve/main/.
  const badDownloads: Array<[string, string, RegExp]> = [
    ['truncated', 'hf:pylot-test/Truncated-GGUF:Q8_0', /not a usable model, so it was deleted: .*truncated/],
    ['not GGUF', 'hf:pylot-test/Text-GGUF/text.Q8_0.gguf', /not a usable model, so it was deleted: .*not a GGUF model file/],
  ];
  for (const [what, uri, message] of badDownloads) {
    it(`deletes a downloaded file that is ${what} and says why`, async () => {
      const into = await folder(`bad-${what.replace(' ', '-')}`);
      const error = await rejectsWithCode(get({ downloadId: `bad-${what}`, source: { kind: 'uri', uri }, folder: into }), ErrorCodes.ModelInvalid);
      assert.match(error.message, message);
      assert.deepEqual(await readdir(into), []);
    });
  }

  it('refuses a catalog download whose file is not the size the catalog expects, before downloading it', async () => {
    const into = await folder('catalog-download');
    const mark = hub.requests.length;
    const error = await rejectsWithCode(
      get({ downloadId: 'catalog', source: { kind: 'catalog', id: 'qwen2.5-coder-0.5b', quantization: 'Q8_0' }, folder: into }),
      ErrorCodes.ModelInvalid,
    );
    assert.match(error.message, /offers \d+\.\d MiB .* should be about 506\.\d MiB: it is not the expected file/);
    assert.ok(hub.requests.slice(mark).some((r) => r.url === '/v2/ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF/manifests/Q8_0'));
    assert.ok(!hub.requests.slice(mark).some((r) => r.range), 'no bytes were fetched');
    assert.deepEqual(await readdir(into), []);
  });

  it('names what is wrong with an unknown model', async () => {
    const into = await folder('unknown');
    const unknownId = await rejectsWithCode(
      get({ downloadId: 'x', source: { kind: 'catalog', id: 'gpt-17', quantization: 'Q4_K_M' }, folder: into }),
      ErrorCodes.ModelNotFound,
    );
    assert.match(unknownId.message, /"gpt-17" is not in Pylot's model catalog. Known models: qwen2.5-coder-0.5b, /);
    const unknownQuant = await rejectsWithCode(
      get({ downloadId: 'x', source: { kind: 'catalog', id: 'qwen2.5-coder-0.5b', quantization: 'IQ1_S' }, folder: into }),
      ErrorCodes.ModelNotFound,
    );
    assert.match(unknownQuant.message, /has no IQ1_S download in the catalog; choose Q8_0 or Q4_K_M/);
    const unknownRepo = await rejectsWithCode(hfDownload('x', 'pylot-test/Missing-GGUF', into), ErrorCodes.ModelNotFound);
    assert.match(unknownRepo.message, /hf:pylot-test\/Missing-GGUF:Q8_0 was not found/);
    await rejectsWithCode(get({ downloadId: 'x', source: { kind: 'uri', uri: 'hf:a/b:Q8_0' }, folder: 'relative/models' }), ErrorCodes.InvalidParams);
  });
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]])) as Partial<Pick<T, K>>;
}
