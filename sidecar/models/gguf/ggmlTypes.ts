// The byte size of each ggml tensor type, so a header's tensor shapes can be turned into the bytes
// of data they claim before anything trusts them. Copied from the llama.cpp that node-llama-cpp
// bundles (ggml/include/ggml.h's enum, ggml/src/ggml-common.h's block structs); a unit test checks
// that every type node-llama-cpp knows is here, so an upgrade that adds one cannot go unnoticed.

export interface GgmlType {
  readonly name: string;
  /** Values per block: a row's length must be a multiple of it. */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly typeSize: number;
}

const qk = 256; // QK_K, the super-block of the K-quants and most i-quants

/** Indexed by ggml type id; a hole is an id llama.cpp removed or never used. */
const types: ReadonlyArray<GgmlType | undefined> = [
  { name: 'F32', blockSize: 1, typeSize: 4 },
  { name: 'F16', blockSize: 1, typeSize: 2 },
  { name: 'Q4_0', blockSize: 32, typeSize: 18 },
  { name: 'Q4_1', blockSize: 32, typeSize: 20 },
  undefined, // Q4_2, removed
  undefined, // Q4_3, removed
  { name: 'Q5_0', blockSize: 32, typeSize: 22 },
  { name: 'Q5_1', blockSize: 32, typeSize: 24 },
  { name: 'Q8_0', blockSize: 32, typeSize: 34 },
  { name: 'Q8_1', blockSize: 32, typeSize: 36 },
  { name: 'Q2_K', blockSize: qk, typeSize: 84 },
  { name: 'Q3_K', blockSize: qk, typeSize: 110 },
  { name: 'Q4_K', blockSize: qk, typeSize: 144 },
  { name: 'Q5_K', blockSize: qk, typeSize: 176 },
  { name: 'Q6_K', blockSize: qk, typeSize: 210 },
  { name: 'Q8_K', blockSize: qk, typeSize: 292 },
  { name: 'IQ2_XXS', blockSize: qk, typeSize: 66 },
  { name: 'IQ2_XS', blockSize: qk, typeSize: 74 },
  { name: 'IQ3_XXS', blockSize: qk, typeSize: 98 },
  { name: 'IQ1_S', blockSize: qk, typeSize: 50 },
  { name: 'IQ4_NL', blockSize: 32, typeSize: 18 },
  { name: 'IQ3_S', blockSize: qk, typeSize: 110 },
  { name: 'IQ2_S', blockSize: qk, typeSize: 82 },
  { name: 'IQ4_XS', blockSize: qk, typeSize: 136 },
  { name: 'I8', blockSize: 1, typeSize: 1 },
  { name: 'I16', blockSize: 1, typeSize: 2 },
  { name: 'I32', blockSize: 1, typeSize: 4 },
  { name: 'I64', blockSize: 1, typeSize: 8 },
  { name: 'F64', blockSize: 1, typeSize: 8 },
  { name: 'IQ1_M', blockSize: qk, typeSize: 56 },
  { name: 'BF16', blockSize: 1, typeSize: 2 },
  undefined, // Q4_0_4_4, no longer in GGUF files
  undefined, // Q4_0_4_8
  undefined, // Q4_0_8_8
  { name: 'TQ1_0', blockSize: qk, typeSize: 54 },
  { name: 'TQ2_0', blockSize: qk, typeSize: 66 },
  undefined, // IQ4_NL_4_4
  undefined, // IQ4_NL_4_8
  undefined, // IQ4_NL_8_8
  { name: 'MXFP4', blockSize: 32, typeSize: 17 },
  { name: 'NVFP4', blockSize: 64, typeSize: 36 },
  { name: 'Q1_0', blockSize: 128, typeSize: 18 },
  { name: 'Q2_0', blockSize: 64, typeSize: 18 },
];

/** GGML_TYPE_COUNT of the bundled llama.cpp: ids from here on are refused by llama.cpp itself. */
export const ggmlTypeCount = types.length;

export function ggmlType(id: number): GgmlType | undefined {
  return types[id];
}
