// Downloads a model through node-llama-cpp's downloader (ipull: parallel ranged requests, and a
// `<file>.ipull` partial file that the next attempt resumes), with what it lacks around it: a
// stall time box (its own retries can wait for minutes, and resolving an `hf:` URI offline waits
// forever), cancellation that keeps the partial data, progress at a readable rate, and checks of
// the result — the announced size, the catalog's size estimate, the GGUF header — before a file
// is handed over. A file that fails them is deleted.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ModelDownloader } from 'node-llama-cpp';
import type { DownloadModel, DownloadProgress, DownloadSource } from '../../protocol/models';
import { ErrorCodes, PylotError, type ParamsOf, type ResultOf } from '../../protocol/rpc';
import { formatBytes } from '../../protocol/units';
import type { Runtime } from '../engine/runtime';
import { makeFolder } from '../folders';
import { describeError, log } from '../log';
import { catalog, catalogFileName } from './catalog';
import { estimateSize } from './estimate';
import { readModelFile } from './scan';

type DownloadRequest = ParamsOf<typeof DownloadModel>;
type DownloadResult = ResultOf<typeof DownloadModel>;
type Progress = ParamsOf<typeof DownloadProgress>;

const defaultStallMs = 30_000;
const progressIntervalMs = 250;
/** The catalog's sizes are estimates; a file this far off is not the one the catalog means. */
const sizeTolerance = 0.25;

interface Target {
  uri: string;
  /** What the file is saved as; node-llama-cpp names `hf:` URIs itself. */
  fileName?: string;
  expectedBytes?: number;
}

function resolveTarget(source: DownloadSource): Target {
  if (source.kind === 'uri') return { uri: source.uri };
  const model = catalog.find((entry) => entry.id === source.id);
  if (!model) {
    throw new PylotError(
      ErrorCodes.ModelNotFound,
      `"${source.id}" is not in Pylot's model catalog. Known models: ${catalog.map((entry) => entry.id).join(', ')}.`,
    );
  }
  const quant = model.quants.find((q) => q.quantization === source.quantization);
  if (!quant) {
    throw new PylotError(
      ErrorCodes.ModelNotFound,
      `${model.name} has no ${source.quantization} download in the catalog; choose ${model.quants.map((q) => q.quantization).join(' or ')}.`,
    );
  }
  return { uri: quant.uri, fileName: catalogFileName(model, quant.quantization), expectedBytes: estimateSize(model.shape, quant.quantization).fileBytes };
}

export class Downloads {
  /** One download per target; a cancelled one finishes closing its partial file before the next starts. */
  private readonly active = new Map<string, { cancelled: () => boolean; done: Promise<unknown> }>();

  constructor(
    private readonly runtime: () => Promise<Runtime>,
    private readonly report: (progress: Progress) => void,
  ) {}

  async download(request: DownloadRequest, signal: AbortSignal): Promise<DownloadResult> {
    const target = resolveTarget(request.source);
    if (!path.isAbsolute(request.folder)) throw new PylotError(ErrorCodes.InvalidParams, `The download folder must be an absolute path: "${request.folder}".`);
    const key = `${path.resolve(request.folder)}|${target.uri}`;
    const previous = this.active.get(key);
    if (previous && !previous.cancelled()) {
      throw new PylotError(ErrorCodes.DownloadFailed, `${target.uri} is already being downloaded into ${request.folder}.`);
    }
    const done = (async () => {
      await previous?.done.catch(() => undefined);
      return this.run(request, target, signal);
    })();
    const entry = { cancelled: () => signal.aborted, done };
    this.active.set(key, entry);
    try {
      return await done;
    } finally {
      if (this.active.get(key) === entry) this.active.delete(key);
    }
  }

  private async run(request: DownloadRequest, target: Target, signal: AbortSignal): Promise<DownloadResult> {
    const runtime = await this.runtime();
    const { downloadId, folder } = request;
    const stallMs = request.stallTimeoutMs ?? defaultStallMs;
    const host = new URL(request.huggingFaceEndpoint ?? 'https://huggingface.co/').host;
    try {
      makeFolder(folder, 'the models folder');
    } catch (error) {
      throw new PylotError(ErrorCodes.DownloadFailed, `Cannot create the models folder ${folder}: ${describeError(error)}`);
    }

    // One controller stops everything: the caller's cancel and the stall guard both abort it with their reason.
    const abort = new AbortController();
    const cancel = () =>
      abort.abort(
        new PylotError(ErrorCodes.Cancelled, `The download of ${target.uri} was cancelled. What was downloaded is kept, so downloading it again resumes.`),
      );
    if (signal.aborted) cancel();
    signal.addEventListener('abort', cancel, { once: true });
    const stall = stallGuard(stallMs, () =>
      abort.abort(
        new PylotError(
          ErrorCodes.Timeout,
          `No data arrived from ${host} for ${formatSeconds(stallMs)}, so the download of ${target.uri} was stopped. Check the network and try again: what was downloaded is kept and the next try resumes.`,
        ),
      ),
    );
    const progress = new ProgressReporter((transferredBytes, totalBytes) => this.report({ downloadId, transferredBytes, totalBytes }));

    let downloader: ModelDownloader | undefined;
    let finished = false;
    try {
      const creating = runtime.lib.createModelDownloader({
        modelUri: target.uri,
        dirPath: folder,
        ...(target.fileName ? { fileName: target.fileName } : {}),
        ...(request.huggingFaceEndpoint ? { endpoints: { huggingFace: request.huggingFaceEndpoint } } : {}),
        deleteTempFileOnCancel: false,
        skipExisting: true,
        onProgress: ({ downloadedSize, totalSize }) => {
          stall.progress(downloadedSize);
          progress.update(downloadedSize, totalSize);
        },
      });
      // Resolving the URI cannot be aborted; if it loses the race, its downloader is closed when it arrives.
      downloader = await untilAborted(creating, abort.signal, (late) => void late.cancel({ deleteTempFile: false }));
      const totalBytes = downloader.totalSize;
      checkAnnouncedSize(target, totalBytes);
      const resumedFromBytes = downloader.downloadedSize;
      await checkDiskSpace(folder, totalBytes - resumedFromBytes);
      log(
        'info',
        `Downloading ${target.uri} (${formatBytes(totalBytes)}) into ${folder}${resumedFromBytes > 0 ? `, resuming at ${formatBytes(resumedFromBytes)}` : ''}`,
      );

      await downloader.download({ signal: abort.signal }).catch((error: unknown) => {
        throw abort.signal.aborted ? abort.signal.reason : error;
      });
      // ipull ends quietly when it is closed mid-way, so a resolved download may still be an aborted one.
      if (abort.signal.aborted) throw abort.signal.reason;
      finished = true;
      stall.stop();
      const model = await verify(runtime, downloader);
      progress.finish(totalBytes);
      log('info', `Downloaded ${model.fileName} (${formatBytes(model.sizeBytes)})`);
      return { path: downloader.entrypointFilePath, sizeBytes: model.sizeBytes, resumedFromBytes, model };
    } catch (error) {
      const failure = asDownloadError(target, error);
      log(failure.code === ErrorCodes.Cancelled ? 'info' : 'warn', failure.message);
      throw failure;
    } finally {
      stall.stop();
      progress.stop();
      signal.removeEventListener('abort', cancel);
      if (!finished) await downloader?.cancel({ deleteTempFile: false }).catch(() => undefined);
    }
  }
}

function checkAnnouncedSize(target: Target, totalBytes: number): void {
  const expected = target.expectedBytes;
  if (expected === undefined || totalBytes === 0 || Math.abs(totalBytes - expected) <= expected * sizeTolerance) return;
  throw new PylotError(
    ErrorCodes.ModelInvalid,
    `The server offers ${formatBytes(totalBytes)} for ${target.uri}, but that model should be about ${formatBytes(expected)}: it is not the expected file, so nothing was downloaded.`,
  );
}

async function checkDiskSpace(folder: string, needed: number): Promise<void> {
  const stats = await fs.statfs(folder).catch(() => undefined);
  if (!stats) return;
  const free = stats.bavail * stats.bsize;
  if (needed > free) {
    throw new PylotError(
      ErrorCodes.DownloadFailed,
      `Not enough disk space in ${folder}: the download needs ${formatBytes(needed)} more but ${formatBytes(free)} is free.`,
    );
  }
}

/** The files must be as large as the server said and start with a readable GGUF header; otherwise they are deleted. */
async function verify(runtime: Runtime, downloader: ModelDownloader) {
  const files = downloader.filesInfo;
  const remove = () => Promise.all(files.map((file) => fs.rm(file.filePath, { force: true })));
  for (const file of files) {
    const size = await fs.stat(file.filePath).then(
      (s) => s.size,
      () => -1,
    );
    if (file.totalSize > 0 && size !== file.totalSize) {
      await remove();
      throw new PylotError(
        ErrorCodes.ModelInvalid,
        `${file.fileName} is incomplete after downloading (${formatBytes(Math.max(0, size))} of ${formatBytes(file.totalSize)}); it was deleted. Download it again.`,
      );
    }
  }
  const { model, corrupt } = await readModelFile(runtime, downloader.entrypointFilePath);
  if (corrupt) {
    await remove();
    throw new PylotError(ErrorCodes.ModelInvalid, `The downloaded file is not a usable model, so it was deleted: ${model.error ?? 'unknown problem'}`);
  }
  return model;
}

function asDownloadError(target: Target, error: unknown): PylotError {
  if (error instanceof PylotError) return error;
  const status = (error as { statusCode?: unknown }).statusCode;
  const message = describeError(error);
  if (status === 404 || /does not exist/.test(message)) {
    return new PylotError(ErrorCodes.ModelNotFound, `${target.uri} was not found on the server: ${message}`);
  }
  if (status === 401 || status === 403) {
    return new PylotError(
      ErrorCodes.DownloadFailed,
      `The server refused ${target.uri} (HTTP ${status}): the model may be gated; accept its license on Hugging Face and set HF_TOKEN.`,
    );
  }
  if ((error as { code?: unknown }).code === 'ENOSPC') {
    return new PylotError(
      ErrorCodes.DownloadFailed,
      `The disk is full: ${target.uri} could not be saved. Free some space and download again; what was downloaded is kept.`,
    );
  }
  return new PylotError(ErrorCodes.DownloadFailed, `Downloading ${target.uri} failed: ${message}`);
}

/** Calls `onStall` once no new bytes have arrived for `timeoutMs` (including before the first). */
function stallGuard(timeoutMs: number, onStall: () => void) {
  let lastBytes = -1;
  let lastProgressAt = performance.now();
  const timer = setInterval(
    () => {
      if (performance.now() - lastProgressAt < timeoutMs) return;
      clearInterval(timer);
      onStall();
    },
    Math.min(1_000, timeoutMs / 4),
  );
  return {
    progress(bytes: number) {
      if (bytes <= lastBytes) return;
      lastBytes = bytes;
      lastProgressAt = performance.now();
    },
    stop: () => clearInterval(timer),
  };
}

/** Sends the latest progress at most every 250 ms, never going backwards (ipull restarts a failed range from its start). */
class ProgressReporter {
  private sent = -1;
  private latest = { transferred: 0, total: 0 };
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly send: (transferredBytes: number, totalBytes: number) => void) {}

  update(transferred: number, total: number): void {
    if (this.stopped) return; // a closing downloader still reports; the request has been answered
    this.latest = { transferred: Math.max(this.latest.transferred, transferred), total };
    this.timer ??= setTimeout(() => this.flush(), progressIntervalMs);
  }

  finish(total: number): void {
    this.latest = { transferred: total, total };
    this.flush();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.latest.transferred === this.sent) return;
    this.sent = this.latest.transferred;
    this.send(this.latest.transferred, this.latest.total);
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, discard: (late: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      void promise.then(discard, () => undefined);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
