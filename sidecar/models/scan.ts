// Finds .gguf files in folders and describes each from its header, never loading a model. The
// search is bounded (depth, entries, models, time) because a user may point it at a home folder or
// a slow network drive, and a bad file is listed with its problem instead of failing the search.
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GgufFileInfo } from 'node-llama-cpp';
import type { LocalModel } from '../../protocol/models';
import { ErrorCodes } from '../../protocol/rpc';
import type { Runtime } from '../engine/runtime';
import { checkFolder } from '../folders';
import { describeError } from '../log';
import { headerTimeoutMs, missingKeyProblem, splitName } from './gguf/modelFile';
import { readModelHeader } from './headerInsights';

const limits = {
  /** Subfolder levels below each folder. */
  maxDepth: 4,
  /** Folder entries looked at, in all. */
  maxEntries: 20_000,
  maxModels: 200,
  /** For the whole search, header reads included. */
  budgetMs: 20_000,
};

export interface ScanResult {
  models: LocalModel[];
  folders: string[];
  incomplete?: string;
}

/** Where node-llama-cpp's own CLI (`npx node-llama-cpp pull`) saves models; it has no setting for it. */
export function nodeLlamaCppModelsFolder(): string {
  return path.join(os.homedir(), '.node-llama-cpp', 'models');
}

export async function scanFolders(runtime: Runtime, folders: readonly string[], signal: AbortSignal): Promise<ScanResult> {
  const deadline = performance.now() + limits.budgetMs;
  const found = await findModelFiles(folders, deadline);
  const models: LocalModel[] = [];
  let incomplete = found.incomplete;
  for (const [index, file] of found.files.entries()) {
    if (signal.aborted) break;
    if (performance.now() > deadline) {
      incomplete = `The search stopped after ${limits.budgetMs / 1000} s; ${found.files.length - index} model files were not read.`;
      break;
    }
    models.push((await readModelFile(runtime, file, signal)).model);
  }
  return { models, folders: found.folders, ...(incomplete ? { incomplete } : {}) };
}

async function findModelFiles(roots: readonly string[], deadline: number) {
  const folders: string[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  let entries = 0;
  let incomplete: string | undefined;
  const stop = (why: string) => {
    incomplete ??= why;
    return true;
  };
  const visit = async (dir: string, depth: number): Promise<boolean> => {
    let list: Dirent[];
    try {
      list = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return false; // unreadable: skip it quietly, like any file browser
    }
    for (const entry of list) {
      if (++entries > limits.maxEntries) return stop(`The search stopped after looking at ${limits.maxEntries.toLocaleString('en-US')} folder entries.`);
      if (performance.now() > deadline) return stop(`The search stopped after ${limits.budgetMs / 1000} s.`);
      const full = path.join(dir, entry.name);
      // Hidden folders and dependency trees hold caches and copies, not the user's models; symlinked
      // folders are not followed, so a link cycle cannot trap the search.
      if (entry.isDirectory()) {
        if (depth < limits.maxDepth && !entry.name.startsWith('.') && entry.name !== 'node_modules' && (await visit(full, depth + 1))) return true;
        continue;
      }
      if (!entry.name.toLowerCase().endsWith('.gguf') || Number(splitName.exec(entry.name)?.[1] ?? 1) !== 1) continue;
      const real = await fs.realpath(full).catch(() => undefined);
      if (
        !real ||
        seen.has(real) ||
        !(await fs.stat(real).then(
          (s) => s.isFile(),
          () => false,
        ))
      )
        continue;
      seen.add(real);
      files.push(full);
      if (files.length >= limits.maxModels) return stop(`The search stopped at ${limits.maxModels} model files.`);
    }
    return false;
  };
  const visited = new Set<string>();
  for (const root of roots) {
    const real = await fs.realpath(root).catch(() => undefined);
    if (
      !real ||
      visited.has(real) ||
      !(await fs.stat(real).then(
        (s) => s.isDirectory(),
        () => false,
      )) ||
      !isDiskFolder(real)
    )
      continue;
    visited.add(real);
    folders.push(root);
    if (await visit(root, 0)) break;
  }
  return { folders, files, incomplete };
}

// The vocabulary's token strings are read (FIM tokens are found by name); its scores, types and
// merges are the bulk of a header and not needed.
const skippedKeys = ['tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'];

export interface ReadModel {
  model: LocalModel;
  /** Not a GGUF file, an unreadable header, or less data than the header describes. */
  corrupt: boolean;
}

/** Describes one model file; never throws: what is wrong with the file goes into `model.error`. */
export async function readModelFile(runtime: Runtime, file: string, signal?: AbortSignal): Promise<ReadModel> {
  const fileName = path.basename(file);
  const header = await readModelHeader(runtime, file, skippedKeys, signal);
  const { checked } = header;
  const { parts, sizeBytes } = checked;
  const base: LocalModel = {
    path: file,
    fileName,
    sizeBytes,
    ...(parts.length > 1 ? { parts: parts.length } : {}),
    fim: false,
    chatTemplate: false,
    embedding: false,
  };
  const fail = (error: string, corrupt = true): ReadModel => ({ model: { ...base, error }, corrupt });
  if (!checked.ok && !checked.headerIntact) return fail(checked.message, checked.code !== ErrorCodes.Timeout && checked.code !== ErrorCodes.Cancelled);
  if (!header.ok) {
    if (header.why === 'cancelled') return fail(`Reading ${fileName} was cancelled.`, false);
    if (header.why === 'timeout') return fail(`${fileName}'s header could not be read within ${headerTimeoutMs / 1000} s.`, false);
    return fail(`${fileName}'s GGUF header cannot be read (${describeError(header.error)}).`);
  }
  const { info, insights } = header;
  const architecture = info.metadata.general?.architecture;
  const model: LocalModel = {
    ...base,
    ...(info.metadata.general?.name ? { name: info.metadata.general.name } : {}),
    ...(architecture ? { architecture } : {}),
    parameters: insights.totalParameters,
    ...optional('quantization', quantizationName(runtime, info, insights.dominantTensorType)),
    ...optional('trainContextSize', insights.trainContextSize),
    fim: hasFimTokens(info),
    chatTemplate: typeof info.metadata.tokenizer?.chat_template === 'string' && info.metadata.tokenizer.chat_template.length > 0,
    embedding: isEmbeddingModel(info),
  };
  // A file cut short in its tensor data: what its header says is still shown, with the problem.
  if (!checked.ok) return { model: { ...model, error: checked.message }, corrupt: true };
  if (!insights.isSupportedByLlamaCpp) {
    return {
      model: { ...model, error: `${fileName} uses the "${architecture ?? 'unknown'}" architecture, which this llama.cpp build does not support.` },
      corrupt: false,
    };
  }
  const incomplete = missingKeyProblem(checked);
  if (incomplete) return { model: { ...model, error: incomplete }, corrupt: true };
  return { model, corrupt: false };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}

function quantizationName(runtime: Runtime, info: GgufFileInfo, dominant: number | undefined): string | undefined {
  const fileType = info.metadata.general?.file_type;
  const name = fileType === undefined ? undefined : runtime.lib.GgufFileType[fileType];
  if (name) return name.replace(/^(MOSTLY|ALL)_/, '');
  return dominant === undefined ? undefined : runtime.lib.GgmlType[dominant];
}

// Token names llama.cpp itself recognises as fill-in-the-middle markers (src/llama-vocab.cpp),
// for models whose header does not give the ids explicitly.
const fimPrefixes = new Set(['<|fim_prefix|>', '<fim-prefix>', '<fim_prefix>', '<｜fim▁begin｜>', '<PRE>', '▁<PRE>', '<|code_prefix|>', '<|prefix|>']);
const fimSuffixes = new Set(['<|fim_suffix|>', '<fim-suffix>', '<fim_suffix>', '<｜fim▁hole｜>', '<SUF>', '▁<SUF>', '<|code_suffix|>', '<|suffix|>']);
const fimMiddles = new Set(['<|fim_middle|>', '<fim-middle>', '<fim_middle>', '<｜fim▁end｜>', '<MID>', '▁<MID>', '<|code_middle|>', '<|middle|>']);

function hasFimTokens(info: GgufFileInfo): boolean {
  const ggml: Record<string, unknown> = info.metadata.tokenizer?.ggml ?? {};
  const id = (...keys: string[]) => keys.some((key) => typeof ggml[key] === 'number');
  if (id('fim_pre_token_id', 'prefix_token_id') && id('fim_suf_token_id', 'suffix_token_id') && id('fim_mid_token_id', 'middle_token_id')) return true;
  const tokens = Array.isArray(ggml.tokens) ? (ggml.tokens as unknown[]) : [];
  const has = (names: Set<string>) => tokens.some((token) => typeof token === 'string' && names.has(token));
  return has(fimPrefixes) && has(fimSuffixes) && has(fimMiddles);
}

/** Encoder architectures llama.cpp runs as embedding models (src/llama-arch.cpp). */
const encoderArchitectures = new Set(['bert', 'modern-bert', 'nomic-bert', 'nomic-bert-moe', 'neo-bert', 'jina-bert-v2', 'jina-bert-v3', 'eurobert']);
const rankPooling = 4; // a reranker: it scores pairs, it does not embed

function isEmbeddingModel(info: GgufFileInfo): boolean {
  const pooling = (info.architectureMetadata as { pooling_type?: unknown } | undefined)?.pooling_type;
  if (typeof pooling === 'number' && pooling > 0) return pooling !== rankPooling;
  return encoderArchitectures.has(info.metadata.general?.architecture ?? '');
}

/** A folder under /proc, /sys or /dev holds no models and would only spend the search's budget. */
function isDiskFolder(folder: string): boolean {
  try {
    checkFolder(folder, { what: 'the models folder', mustExist: true });
    return true;
  } catch {
    return false;
  }
}
