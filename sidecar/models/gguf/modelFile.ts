// The one gate a model file passes before node-llama-cpp or llama.cpp opens it, for loading and for
// the folder scan alike: every part of a split model must exist and be a regular file (a named pipe
// blocks whoever opens it, a device never ends), and every part's header must pass checkGgufHeader.
// The whole check is bounded in time as well as bytes, so a file on a stalled drive answers too.
import { constants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, type ErrorCode } from '../../../protocol/rpc';
import { checkGgufHeader, defaultHeaderLimits, type HeaderFacts, type HeaderLimits } from './header';
import { count, HeaderProblem, type ByteSource } from './headerReader';

/** `name-00002-of-00003.gguf`: llama.cpp's split-model naming. */
export const splitName = /-(\d{5})-of-(\d{5})\.gguf$/i;

/** Every part of a split model, in order; just the file otherwise. */
export function splitParts(file: string): string[] {
  const match = splitName.exec(file);
  if (!match) return [file];
  const total = Number(match[2]);
  const stem = file.slice(0, match.index);
  return Array.from({ length: total }, (_, i) => `${stem}-${String(i + 1).padStart(5, '0')}-of-${match[2]}.gguf`);
}

/** How long one model's checks may take, all parts together: a local disk needs milliseconds. */
export const headerTimeoutMs = 5_000;

export interface CheckOptions {
  /** Aborts the check (a superseded load, a cancelled scan). */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly limits?: HeaderLimits;
}

export interface CheckedModelFile {
  readonly ok: true;
  readonly parts: readonly string[];
  /** All parts together. */
  readonly sizeBytes: number;
  /** The first part's header: the model's metadata lives there. */
  readonly header: HeaderFacts;
}

export interface RefusedModelFile {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  readonly parts: readonly string[];
  /** What the parts that could be looked at measure. */
  readonly sizeBytes: number;
  /** Every part's header passed and only tensor data is missing: the metadata is safe to read and show. */
  readonly headerIntact: boolean;
}

export type ModelFileCheck = CheckedModelFile | RefusedModelFile;

/** The file system calls the check makes; tests stand in a drive that stops answering. */
export interface ModelFileIo {
  stat(file: string): Promise<Stats>;
  readlink(file: string): Promise<string>;
  open(file: string, flags: number): Promise<ModelFileHandle>;
}

export interface ModelFileHandle {
  stat(): Promise<Stats>;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export const nodeIo: ModelFileIo = { stat: (file) => fs.stat(file), readlink: (file) => fs.readlink(file), open: (file, flags) => fs.open(file, flags) };

/** A refusal decided here (not by the header walk), with the code the caller sees. */
class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An fs call given up on at the deadline or on cancel; the call itself may still finish later. */
class Abandoned extends Error {}

/** Checks `file` (and the other parts of a split model) without trusting anything in it. Never throws. */
export async function checkModelFile(file: string, options: CheckOptions = {}, io: ModelFileIo = nodeIo): Promise<ModelFileCheck> {
  const name = path.basename(file);
  const parts = splitParts(file);
  const timeoutMs = options.timeoutMs ?? headerTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const label = (i: number) => (parts.length === 1 ? name : `Part ${i + 1} of ${parts.length} (${path.basename(parts[i]!)})`);
  const sizes: number[] = [];
  const refuse = (code: ErrorCode, message: string, headerIntact = false): RefusedModelFile => ({
    ok: false,
    code,
    message,
    parts,
    sizeBytes: sizes.reduce((a, b) => a + b, 0),
    headerIntact,
  });
  try {
    // Every part is looked at before any is read: "part 3 is missing" is the useful news.
    for (const [i, part] of parts.entries()) sizes.push(await statPart(io, part, label(i), parts.length, signal));
    const headers: HeaderFacts[] = [];
    let shortData: HeaderProblem | undefined;
    for (const [i, part] of parts.entries()) {
      try {
        headers.push(await readHeader(io, part, label(i), signal, options.limits ?? defaultHeaderLimits));
      } catch (error) {
        // Short tensor data leaves a header worth reading; the other parts' headers must pass too.
        if (!(error instanceof HeaderProblem && error.headerIntact)) throw error;
        shortData ??= error;
      }
    }
    if (shortData) return refuse(ErrorCodes.ModelInvalid, shortData.message, true);
    const header = headers[0]!;
    if (header.architecture === undefined || header.architecture === '') {
      throw new Refusal(
        ErrorCodes.ModelInvalid,
        `${label(0)} has no "general.architecture" key, so llama.cpp cannot tell what kind of model it is; it is not a usable model file.`,
      );
    }
    if (headers.every((h) => h.tensorCount === 0)) {
      throw new Refusal(ErrorCodes.ModelInvalid, `${name} holds no tensors (weights): it is a vocabulary or metadata-only file, not a model.`);
    }
    if (parts.length === 1 && header.splitCount !== undefined && header.splitCount > 1) {
      throw new Refusal(
        ErrorCodes.ModelInvalid,
        `${name} is part of a model split into ${header.splitCount} files, but its name does not end in -00001-of-${String(header.splitCount).padStart(5, '0')}.gguf, so its other parts cannot be found. Rename the parts as they were downloaded.`,
      );
    }
    return { ok: true, parts, sizeBytes: sizes.reduce((a, b) => a + b, 0), header };
  } catch (error) {
    if (error instanceof Refusal) return refuse(error.code, error.message);
    if (error instanceof HeaderProblem) return refuse(ErrorCodes.ModelInvalid, error.message);
    if (error instanceof Abandoned || signal.aborted) {
      if (options.signal?.aborted) return refuse(ErrorCodes.Cancelled, `Reading ${name} was cancelled.`);
      return refuse(ErrorCodes.Timeout, `${name} could not be read within ${count(timeoutMs / 1000)} s; is it on a slow or disconnected drive?`);
    }
    return refuse(ErrorCodes.ModelInvalid, `${name} cannot be read: ${describeFsError(error)}.`);
  }
}

/**
 * Why a checked file still cannot load: a hyperparameter llama.cpp requires is missing. Asked only
 * once node-llama-cpp has said the architecture is one llama.cpp knows; for an unknown one, that
 * is the better message.
 */
export function missingKeyProblem(file: CheckedModelFile): string | undefined {
  const { missingKey, architecture } = file.header;
  return missingKey && `${path.basename(file.parts[0]!)} cannot be loaded: "${missingKey}" is missing, and llama.cpp needs it to load a ${architecture} model.`;
}

async function statPart(io: ModelFileIo, part: string, label: string, parts: number, signal: AbortSignal): Promise<number> {
  let stats: Stats;
  try {
    stats = await bounded(io.stat(part), signal);
  } catch (error) {
    if (error instanceof Abandoned) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const link = await bounded(io.readlink(part), signal).catch(() => undefined);
      if (link !== undefined) throw new Refusal(ErrorCodes.ModelNotFound, `${label} is a link to ${link}, which does not exist.`);
      throw new Refusal(ErrorCodes.ModelNotFound, parts === 1 ? `Model file not found: ${part}` : `${label} is missing.`);
    }
    if (code === 'ELOOP') throw new Refusal(ErrorCodes.ModelInvalid, `${label} is a symbolic link that leads back to itself, not a file.`);
    throw new Refusal(ErrorCodes.ModelInvalid, `${label} cannot be read: ${describeFsError(error)}.`);
  }
  const kind = notAFile(stats);
  if (kind) throw new Refusal(ErrorCodes.ModelInvalid, `${label} is ${kind}, not a file.`);
  return stats.size;
}

/** What a non-regular file is, in words; undefined for a regular file. */
function notAFile(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'something other than a regular file';
}

async function readHeader(io: ModelFileIo, part: string, label: string, signal: AbortSignal, limits: HeaderLimits): Promise<HeaderFacts> {
  // O_NONBLOCK: a part swapped for a named pipe since it was looked at must not block the open.
  const handle = await bounded(io.open(part, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)), signal);
  let abandoned = false;
  try {
    const stats = await bounded(handle.stat(), signal);
    const kind = notAFile(stats);
    if (kind) throw new Refusal(ErrorCodes.ModelInvalid, `${label} is ${kind}, not a file.`);
    const source: ByteSource = {
      size: stats.size,
      read: async (buffer, position) => (await bounded(handle.read(buffer, 0, buffer.length, position), signal)).bytesRead,
    };
    return await checkGgufHeader(source, label, limits);
  } catch (error) {
    abandoned = error instanceof Abandoned;
    throw error;
  } finally {
    // A read still hanging on a stalled drive would hold up the close: let it finish on its own.
    if (abandoned) void handle.close().catch(() => undefined);
    else await handle.close();
  }
}

/** `promise`, or an Abandoned rejection as soon as `signal` aborts (the work itself cannot be stopped). */
export function bounded<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new Abandoned());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Abandoned());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? message;
}
