// How big a model file is and how much memory it needs, from its architecture alone: the catalog
// cannot download a model to measure it. The file size follows the rules llama.cpp's quantizer
// (src/llama-quant.cpp) uses to pick each tensor's type for a file type, so small models whose
// rows do not fit K-quant blocks come out right too; cross-checked in test/unit/fit.test.ts against
// file sizes published for three models (within 2 %). Everything here is an estimate.

/** What the model's config.json says, in llama.cpp's terms. */
export interface ModelShape {
  layers: number;
  hidden: number;
  /** Feed-forward width. */
  ffn: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  trainContext: number;
  /** No separate output matrix: the token embeddings are reused (also true of encoders, which have none). */
  tiedEmbeddings: boolean;
  /** Gate + up + down (SwiGLU); false for a plain up + down MLP (StarCoder2). */
  gatedFfn: boolean;
  /** Q, K and V in one tensor (nomic-bert). */
  fusedQkv?: boolean;
  /** An encoder that pools embeddings: no KV cache, no logits. */
  embedding?: boolean;
}

export const quantizations = ['Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q8_0', 'F16'] as const;
export type Quantization = (typeof quantizations)[number];

type TensorType = 'F16' | 'Q8_0' | 'Q6_K' | 'Q5_K' | 'Q5_1' | 'Q5_0' | 'Q4_K';

/** Bits per weight including each block's scales (ggml's block sizes). */
const bits: Record<TensorType, number> = { F16: 16, Q8_0: 8.5, Q6_K: 6.5625, Q5_K: 5.5, Q5_1: 6, Q5_0: 5.5, Q4_K: 4.5 };
const baseType: Record<Quantization, TensorType> = { Q4_K_M: 'Q4_K', Q5_K_M: 'Q5_K', Q6_K: 'Q6_K', Q8_0: 'Q8_0', F16: 'F16' };
/** K-quants pack 256 weights per block; a row of another length falls back to a 32-block type. */
const kFallback: Partial<Record<TensorType, TensorType>> = { Q4_K: 'Q5_0', Q5_K: 'Q5_1', Q6_K: 'Q8_0' };
/** Tokenizer arrays (tokens, scores, types, merges) take roughly this much per vocabulary entry. */
const metadataBytesPerToken = 40;

type Category = 'embed' | 'output' | 'q' | 'k' | 'v' | 'qkv' | 'o' | 'gate' | 'up' | 'down';

interface Tensor {
  category: Category;
  /** Length of a row (ggml's ne[0]): what block sizes must divide. */
  rowLength: number;
  weights: number;
  layer?: number;
}

function tensors(s: ModelShape): Tensor[] {
  const kvWidth = (s.hidden / s.heads) * s.kvHeads;
  const list: Tensor[] = [{ category: 'embed', rowLength: s.hidden, weights: s.vocab * s.hidden }];
  if (!s.tiedEmbeddings) list.push({ category: 'output', rowLength: s.hidden, weights: s.vocab * s.hidden });
  for (let layer = 0; layer < s.layers; layer++) {
    const attention: Tensor[] = s.fusedQkv
      ? [{ category: 'qkv', rowLength: s.hidden, weights: s.hidden * (s.hidden + 2 * kvWidth), layer }]
      : [
          { category: 'q', rowLength: s.hidden, weights: s.hidden * s.hidden, layer },
          { category: 'k', rowLength: s.hidden, weights: s.hidden * kvWidth, layer },
          { category: 'v', rowLength: s.hidden, weights: s.hidden * kvWidth, layer },
        ];
    list.push(
      ...attention,
      { category: 'o', rowLength: s.hidden, weights: s.hidden * s.hidden, layer },
      ...(s.gatedFfn ? [{ category: 'gate' as const, rowLength: s.hidden, weights: s.hidden * s.ffn, layer }] : []),
      { category: 'up', rowLength: s.hidden, weights: s.hidden * s.ffn, layer },
      { category: 'down', rowLength: s.ffn, weights: s.ffn * s.hidden, layer },
    );
  }
  return list;
}

/** llama.cpp's choice for the first and last eighth of the layers and every third between. */
function moreBits(layer: number, layers: number): boolean {
  const eighth = Math.floor(layers / 8);
  return layer < eighth || layer >= Math.floor((7 * layers) / 8) || (layer - eighth) % 3 === 2;
}

function tensorType(t: Tensor, s: ModelShape, quant: Quantization): TensorType {
  const base = baseType[quant];
  if (base === 'F16') return 'F16';
  const mixed = quant === 'Q4_K_M' || quant === 'Q5_K_M';
  let type = base;
  if (t.category === 'output' || (t.category === 'embed' && s.tiedEmbeddings)) {
    type = t.rowLength % 256 !== 0 ? 'Q8_0' : base === 'Q8_0' ? 'Q8_0' : 'Q6_K';
  } else if ((t.category === 'v' || t.category === 'down') && mixed && moreBits(t.layer ?? 0, s.layers)) {
    type = 'Q6_K';
  } else if (t.category === 'qkv' && mixed) {
    type = quant === 'Q4_K_M' ? 'Q5_K' : 'Q6_K';
  }
  return t.rowLength % 256 !== 0 ? (kFallback[type] ?? type) : type;
}

export interface SizeEstimate {
  fileBytes: number;
  /** Bytes of one repeating layer, on average: what offloading one layer to the GPU moves. */
  layerBytes: number;
  parameters: number;
}

export function estimateSize(shape: ModelShape, quant: Quantization): SizeEstimate {
  let fileBytes = shape.vocab * metadataBytesPerToken;
  let layerBytes = 0;
  let parameters = 0;
  for (const t of tensors(shape)) {
    const size = (t.weights * bits[tensorType(t, shape, quant)]) / 8;
    fileBytes += size;
    parameters += t.weights;
    if (t.layer !== undefined) layerBytes += size;
  }
  return { fileBytes: Math.round(fileBytes), layerBytes: Math.round(layerBytes / shape.layers), parameters };
}

export interface MemoryEstimate {
  /** Everything together. */
  totalBytes: number;
  weightsBytes: number;
  /** F16 keys and values for every layer at the context size. */
  kvCacheBytes: number;
  /** Worst-case scratch for one 512-token batch: logits and attention scores. */
  computeBytes: number;
  layers: number;
  layerBytes: number;
}

const batch = 512;

export function estimateMemory(shape: ModelShape, size: SizeEstimate, contextSize: number): MemoryEstimate {
  const context = Math.min(contextSize, shape.trainContext);
  const kvWidth = (shape.hidden / shape.heads) * shape.kvHeads;
  const kvCacheBytes = shape.embedding ? 0 : 2 * shape.layers * context * kvWidth * 2;
  const computeBytes = batch * 4 * ((shape.embedding ? shape.hidden : shape.vocab) + context * shape.heads);
  return {
    totalBytes: size.fileBytes + kvCacheBytes + computeBytes,
    weightsBytes: size.fileBytes,
    kvCacheBytes,
    computeBytes,
    layers: shape.layers,
    layerBytes: size.layerBytes,
  };
}
