// Checks a model file before llama.cpp sees it, so each way a file can be wrong gets its own clear
// message instead of llama.cpp's generic "failed to load model" (or a hang: see models/gguf), and
// a model that cannot fit is refused before anything is allocated.
import os from 'node:os';
import path from 'node:path';
import type { GgufFileInfo, GgufInsights, LlamaModel } from 'node-llama-cpp';
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import { formatBytes } from '../../../protocol/units';
import type { Runtime } from '../runtime';
import { describeError } from '../../log';
import { headerTimeoutMs, missingKeyProblem } from '../../models/gguf/modelFile';
import { readModelHeader } from '../../models/headerInsights';
import { guardTokenizer } from '../safeText';

export interface InspectedModel {
  readonly path: string;
  readonly name: string;
  readonly sizeBytes: number;
  readonly info: GgufFileInfo;
  readonly insights: GgufInsights;
}

// The vocabulary arrays are the bulk of a header and are not needed to judge the file.
const skippedKeys = ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'];

export async function inspectModel(runtime: Runtime, modelPath: string, signal?: AbortSignal): Promise<InspectedModel> {
  const name = path.basename(modelPath);
  if (!path.isAbsolute(modelPath)) {
    throw new PylotError(ErrorCodes.ModelNotFound, `The model path must be absolute: "${modelPath}".`);
  }
  const header = await readModelHeader(runtime, modelPath, skippedKeys, signal);
  const { checked } = header;
  if (!checked.ok) throw new PylotError(checked.code, checked.message);
  if (!header.ok) {
    if (header.why === 'cancelled') throw new PylotError(ErrorCodes.Cancelled, `Loading ${name} was cancelled.`);
    if (header.why === 'timeout')
      throw new PylotError(ErrorCodes.Timeout, `${name}'s header could not be read within ${headerTimeoutMs / 1000} s; is it on a slow or disconnected drive?`);
    throw new PylotError(ErrorCodes.ModelInvalid, `${name}'s GGUF header cannot be read (${describeError(header.error)}).`);
  }
  const { info, insights } = header;
  if (!insights.isSupportedByLlamaCpp) {
    const arch = info.metadata.general?.architecture ?? 'unknown';
    throw new PylotError(ErrorCodes.ModelInvalid, `${name} uses the "${arch}" architecture, which this llama.cpp build does not support.`);
  }
  const incomplete = missingKeyProblem(checked);
  if (incomplete) throw new PylotError(ErrorCodes.ModelInvalid, incomplete);
  return { path: modelPath, name, sizeBytes: checked.sizeBytes, info, insights };
}

export interface LoadPlan {
  readonly gpuLayers: number;
  readonly contextSize: number;
  /** Set when the requested context did not fit and a smaller one was chosen. */
  readonly shrunkFrom?: number;
}

/** The smallest context worth loading a model with for code. */
const minimumContext = 512;
/** Kept free for the editor, the OS and llama.cpp's own scratch buffers. */
const reserveBytes = 512 * 2 ** 20;

/**
 * Decides GPU layers and context size from the free memory the roles share, before anything is
 * allocated: a context that does not fit is halved down to 512 tokens; a model that does not fit
 * even then is refused with a message that says what would.
 */
export async function planLoad(
  runtime: Runtime,
  model: InspectedModel,
  requestedContext: number,
  weightsAlreadyLoaded: boolean,
  sequences = 1,
): Promise<LoadPlan> {
  const resolved = runtime.llama.gpu === false ? 0 : await model.insights.configurationResolver.resolveModelGpuLayersV2('auto');
  const gpuLayers = typeof resolved === 'number' ? resolved : resolved.gpuLayers;
  const weights = weightsAlreadyLoaded ? { cpuRam: 0, gpuVram: 0 } : await model.insights.estimateModelResourceRequirementsV2({ gpuLayers });
  const ramFree = os.freemem() - reserveBytes;
  // The header check made this a u32 if present; 0 would still make the halving below meaningless.
  const train = model.insights.trainContextSize;
  const trainContext = train !== undefined && Number.isInteger(train) && train > 0 ? train : requestedContext;
  const wanted = Math.min(requestedContext, trainContext);
  let contextSize = wanted;
  for (;;) {
    const context = await model.insights.estimateContextResourceRequirementsV2({
      contextSize,
      modelGpuLayers: gpuLayers,
      sequences,
      ...kvEstimate(runtime),
    });
    if (weights.cpuRam + context.cpuRam <= ramFree) break;
    if (contextSize <= minimumContext) {
      throw new PylotError(
        ErrorCodes.ModelTooLarge,
        `${model.name} needs about ${formatBytes(weights.cpuRam + context.cpuRam)} of memory for its weights and a ${contextSize.toLocaleString('en-US')}-token context, ` +
          `but only ${formatBytes(Math.max(0, ramFree))} is free. Choose a smaller model or quantization (weights up to about ${formatBytes(Math.max(0, ramFree - context.cpuRam))} would fit), ` +
          "or free memory by unloading another role's model.",
      );
    }
    contextSize = Math.max(minimumContext, Math.floor(contextSize / 2));
  }
  return { gpuLayers, contextSize, ...(contextSize < wanted ? { shrunkFrom: wanted } : {}) };
}

function kvEstimate(runtime: Runtime) {
  const { flashAttention, kvCacheType } = runtime.contextOptions;
  const type = kvCacheType ? runtime.lib.GgmlType[kvCacheType] : undefined;
  return { flashAttention: flashAttention === true, ...(type === undefined ? {} : { kvCacheKeyType: type, kvCacheValueType: type }) };
}

/** Loads the weights of a checked file, its tokenizer guarded before any text reaches it (a long run would crash llama.cpp). */
export async function loadGuardedModel(
  runtime: Runtime,
  modelPath: string,
  gpuLayers: number,
  signal: AbortSignal,
  onProgress?: (progress: number) => void,
): Promise<LlamaModel> {
  const loaded = await runtime.llama.loadModel({ modelPath, gpuLayers, loadSignal: signal, ...(onProgress && { onLoadProgress: onProgress }) });
  try {
    guardTokenizer(loaded);
  } catch (error) {
    await loaded.dispose();
    throw new PylotError(ErrorCodes.ModelLoadFailed, describeError(error));
  }
  return loaded;
}
