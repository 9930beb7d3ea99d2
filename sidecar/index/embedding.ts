// What the index needs from the engine layer: the embedding model's identity and vectors for texts.
// Texts are cut to what a small embedding model's context holds, and sent in small batches so a
// completion waits for at most one batch.
export interface Embedder {
  /** The embedding model's identity, or undefined when none is loaded (then the index is keyword-only). */
  model(): string | undefined;
  embed(texts: readonly string[], signal: AbortSignal): Promise<Float32Array[]>;
}

/** ~300 tokens of code: inside a 512-token BERT-style context with room for its special tokens. */
export const maxEmbeddedChars = 1200;
const batchSize = 8;

export async function embedAll(embedder: Embedder, texts: readonly string[], signal: AbortSignal): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += batchSize) {
    const batch = texts.slice(i, i + batchSize).map((text) => text.slice(0, maxEmbeddedChars));
    vectors.push(...(await embedder.embed(batch, signal)));
  }
  return vectors;
}

/** Unit length, so cosine similarity is a dot product whatever the model returns. */
export function normalized(values: ArrayLike<number>): Float32Array {
  const vector = Float32Array.from(values);
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
