// Models on disk, the catalog of recommended models, and downloads: what the extension's model
// picker asks the sidecar. Pure contract, like sidecar.ts: the sidecar reads GGUF headers and talks
// to Hugging Face; the extension only shows and chooses.
import * as z from 'zod/mini';
import { notifyExtension, toSidecar } from './rpc';
import { Role } from './sidecar';

const bytes = z.number().check(z.nonnegative());
const count = z.int().check(z.nonnegative());
const absolutePath = z.string().check(z.minLength(1));

/** A .gguf file found on disk, described from its header without loading it. */
export const LocalModel = z.object({
  path: z.string(),
  fileName: z.string(),
  /** All parts together for a split model. */
  sizeBytes: bytes,
  /** For a split model (`name-00001-of-00003.gguf`): how many parts; only the first is listed. */
  parts: z.optional(count),
  /** `general.name` from the header. */
  name: z.optional(z.string()),
  architecture: z.optional(z.string()),
  parameters: z.optional(z.number()),
  /** The file type, e.g. "Q4_K_M", "Q8_0", "F16". */
  quantization: z.optional(z.string()),
  trainContextSize: z.optional(count),
  /** Fill-in-the-middle tokens are present: usable for inline completion. */
  fim: z.boolean(),
  chatTemplate: z.boolean(),
  /** An embedding model (pooling, encoder architecture), not a text generator. */
  embedding: z.boolean(),
  /** Why the file cannot be used (not GGUF, corrupt, truncated, unsupported); fields above are what could be read. */
  error: z.optional(z.string()),
});
export type LocalModel = z.infer<typeof LocalModel>;

export const ListModels = toSidecar(
  'models/list',
  z.object({
    /** Absolute folders to search (subfolders too, to a bounded depth); node-llama-cpp's models folder is always added. */
    folders: z.array(absolutePath),
  }),
  z.object({
    models: z.array(LocalModel),
    /** The folders that exist and were searched. */
    folders: z.array(z.string()),
    /** Set when a bound (file count, entries visited, time) stopped the search early: some models may be missing. */
    incomplete: z.optional(z.string()),
  }),
);

/**
 * How a model fits this machine with a 4k context: `gpu` entirely in free VRAM, `partial` some
 * layers on the GPU and the rest in RAM, `cpu` in RAM (no usable GPU), `too-large` not even in RAM.
 */
export const Fit = z.enum(['gpu', 'partial', 'cpu', 'too-large']);
export type Fit = z.infer<typeof Fit>;

export const CatalogQuant = z.object({
  quantization: z.string(),
  /** `hf:<user>/<repo>:<quant>`, resolved by Hugging Face's manifest API. */
  uri: z.string(),
  /** Estimated from the model's shape and llama.cpp's quantization rules; within a few percent. */
  sizeBytes: bytes,
  /** Estimated memory to run it: weights, KV cache and compute buffers for `contextSize` tokens. */
  memoryBytes: bytes,
  fit: Fit,
  /** Layers that would run on the GPU: all for `gpu`, some for `partial`, 0 otherwise. */
  gpuLayers: count,
  /** False when it fits this machine but not the memory that is free right now. */
  fitsFreeMemory: z.boolean(),
  /** Where it is already downloaded, if it is. */
  path: z.optional(z.string()),
});
export type CatalogQuant = z.infer<typeof CatalogQuant>;

export const CatalogEntry = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  description: z.string(),
  /** The model's license, by its usual name; some restrict commercial use. */
  license: z.string(),
  /** The original model's page. */
  homepage: z.string(),
  parameters: z.number(),
  layers: count,
  trainContextSize: count,
  fim: z.boolean(),
  /** In the catalog's order of preference. */
  quants: z.array(CatalogQuant),
  /** The quantization to offer first on this machine. */
  recommended: z.string(),
  /** The recommended quantization's fit. */
  fit: Fit,
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const ModelCatalog = toSidecar(
  'models/catalog',
  z.nullish(
    z.object({
      /** Folders where a downloaded catalog model is looked for (not recursively), besides node-llama-cpp's models folder. */
      folders: z.optional(z.array(absolutePath)),
    }),
  ),
  z.object({
    entries: z.array(CatalogEntry),
    /** The context size the memory estimates and verdicts assume. */
    contextSize: count,
  }),
);

export const DownloadSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('catalog'), id: z.string(), quantization: z.string() }),
  /** `hf:<user>/<repo>:<quant>` or `hf:<user>/<repo>/<file>.gguf`. */
  z.object({ kind: z.literal('uri'), uri: z.string().check(z.startsWith('hf:')) }),
]);
export type DownloadSource = z.infer<typeof DownloadSource>;

export const DownloadModel = toSidecar(
  'models/download',
  z.object({
    /** Chosen by the caller; progress notifications carry it. */
    downloadId: z.string().check(z.minLength(1)),
    source: DownloadSource,
    /** Absolute folder to save into; created if missing. A partial download left there is resumed. */
    folder: absolutePath,
    /** Fail when no bytes arrive for this long (default 30 s). */
    stallTimeoutMs: z.optional(z.int().check(z.minimum(500), z.maximum(600_000))),
    /** A Hugging Face mirror or proxy, e.g. "https://hf-mirror.example/"; default https://huggingface.co/. */
    huggingFaceEndpoint: z.optional(z.string().check(z.regex(/^https?:\/\//))),
  }),
  z.object({
    /** The file to load (the first part of a split model). */
    path: z.string(),
    sizeBytes: bytes,
    /** About how much was already on disk from an earlier, interrupted download (counted in the downloader's 5 MiB chunks). */
    resumedFromBytes: bytes,
    model: LocalModel,
  }),
);

/** Sent at most about four times a second while a download runs, and once at the end. */
export const DownloadProgress = notifyExtension('models/downloadProgress', z.object({ downloadId: z.string(), transferredBytes: bytes, totalBytes: bytes }));
