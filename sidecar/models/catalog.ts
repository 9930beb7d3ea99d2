// The recommended models, per role. Data only: shapes are the models' own config.json values
// (layers, widths, heads, vocabulary, training context), from which estimate.ts derives file sizes
// and memory; nothing here was measured by downloading. URIs use Hugging Face's manifest form
// (`hf:<user>/<repo>:<quant>`), which resolves the repo's file for that quantization, split or not.
// Repos were chosen where public sources show them in use: llama.cpp's own presets (the ggml-org
// repos, in common/arg.cpp of the llama.cpp node-llama-cpp bundles), node-llama-cpp's recommended
// models (mradermacher), the model authors' own GGUF repos (Qwen, nomic-ai), and widely used
// quantizers (QuantFactory, lmstudio-community, bartowski, second-state, TheBloke).
// No checksums: none could be verified here. Downloads are checked by size and by their GGUF header.
import type { Role } from '../../protocol/sidecar';
import type { ModelShape, Quantization } from './estimate';

export interface CatalogModel {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly description: string;
  readonly license: string;
  readonly homepage: string;
  readonly fim: boolean;
  readonly shape: ModelShape;
  /** In order of preference: the first that fits is recommended. */
  readonly quants: ReadonlyArray<{ readonly quantization: Quantization; readonly uri: string }>;
}

const qwenCoder = (size: '0.5B' | '1.5B' | '3B' | '7B'): ModelShape =>
  ({
    '0.5B': { layers: 24, hidden: 896, ffn: 4864, heads: 14, kvHeads: 2, vocab: 151936, trainContext: 32768, tiedEmbeddings: true, gatedFfn: true },
    '1.5B': { layers: 28, hidden: 1536, ffn: 8960, heads: 12, kvHeads: 2, vocab: 151936, trainContext: 32768, tiedEmbeddings: true, gatedFfn: true },
    '3B': { layers: 36, hidden: 2048, ffn: 11008, heads: 16, kvHeads: 2, vocab: 151936, trainContext: 32768, tiedEmbeddings: true, gatedFfn: true },
    '7B': { layers: 28, hidden: 3584, ffn: 18944, heads: 28, kvHeads: 4, vocab: 152064, trainContext: 32768, tiedEmbeddings: false, gatedFfn: true },
  })[size];

const qwenLicense = (size: string) => (size === '3B' ? 'Qwen Research (non-commercial)' : 'Apache-2.0');

const completion = (size: '0.5B' | '1.5B' | '3B' | '7B', q4: string, description: string): CatalogModel => {
  const q8 = { quantization: 'Q8_0' as const, uri: `hf:ggml-org/Qwen2.5-Coder-${size}-Q8_0-GGUF:Q8_0` };
  const q4m = { quantization: 'Q4_K_M' as const, uri: `hf:${q4}:Q4_K_M` };
  return {
    id: `qwen2.5-coder-${size.toLowerCase()}`,
    name: `Qwen2.5-Coder ${size}`,
    role: 'completion',
    description,
    license: qwenLicense(size),
    homepage: `https://huggingface.co/Qwen/Qwen2.5-Coder-${size}`,
    fim: true,
    shape: qwenCoder(size),
    // Small models lose more to 4-bit quantization, and at 8 bits they are still fast.
    quants: size === '0.5B' || size === '1.5B' ? [q8, q4m] : [q4m, q8],
  };
};

const qwenInstruct = (size: '1.5B' | '3B' | '7B', description: string): CatalogModel => ({
  id: `qwen2.5-coder-${size.toLowerCase()}-instruct`,
  name: `Qwen2.5-Coder ${size} Instruct`,
  role: 'chat',
  description,
  license: qwenLicense(size),
  homepage: `https://huggingface.co/Qwen/Qwen2.5-Coder-${size}-Instruct`,
  fim: true,
  shape: qwenCoder(size),
  quants: [
    { quantization: 'Q4_K_M', uri: `hf:Qwen/Qwen2.5-Coder-${size}-Instruct-GGUF:Q4_K_M` },
    { quantization: 'Q8_0', uri: `hf:Qwen/Qwen2.5-Coder-${size}-Instruct-GGUF:Q8_0` },
  ],
});

const starCoder2 = (size: '3B' | '7B', shape: ModelShape, description: string): CatalogModel => ({
  id: `starcoder2-${size.toLowerCase()}`,
  name: `StarCoder2 ${size}`,
  role: 'completion',
  description,
  license: 'BigCode OpenRAIL-M',
  homepage: `https://huggingface.co/bigcode/starcoder2-${size.toLowerCase()}`,
  fim: true,
  shape,
  quants: [
    { quantization: 'Q4_K_M', uri: `hf:second-state/StarCoder2-${size}-GGUF:Q4_K_M` },
    { quantization: 'Q8_0', uri: `hf:second-state/StarCoder2-${size}-GGUF:Q8_0` },
  ],
});

const deepSeekCoder = (size: '1.3b' | '6.7B', shape: ModelShape, description: string): CatalogModel => ({
  id: `deepseek-coder-${size.toLowerCase()}-base`,
  name: `DeepSeek-Coder ${size.toUpperCase()} Base`,
  role: 'completion',
  description,
  license: 'DeepSeek License',
  homepage: `https://huggingface.co/deepseek-ai/deepseek-coder-${size.toLowerCase()}-base`,
  fim: true,
  shape,
  quants: [
    { quantization: 'Q4_K_M', uri: `hf:TheBloke/deepseek-coder-${size}-base-GGUF:Q4_K_M` },
    { quantization: 'Q8_0', uri: `hf:TheBloke/deepseek-coder-${size}-base-GGUF:Q8_0` },
  ],
});

export const catalog: readonly CatalogModel[] = [
  completion('0.5B', 'lmstudio-community/Qwen2.5-Coder-0.5B-GGUF', 'The smallest code model with fill-in-the-middle: fast on any CPU, short suggestions.'),
  completion('1.5B', 'QuantFactory/Qwen2.5-Coder-1.5B-GGUF', "Good completions at CPU speed; llama.cpp's default FIM model."),
  completion('3B', 'bartowski/Qwen2.5-Coder-3B-GGUF', 'Better completions; wants a GPU or a fast CPU.'),
  completion('7B', 'QuantFactory/Qwen2.5-Coder-7B-GGUF', 'The best completions here; needs a GPU with about 6 GB free.'),
  starCoder2(
    '3B',
    { layers: 30, hidden: 3072, ffn: 12288, heads: 24, kvHeads: 2, vocab: 49152, trainContext: 16384, tiedEmbeddings: true, gatedFfn: false },
    'Trained on 600+ programming languages; fill-in-the-middle.',
  ),
  starCoder2(
    '7B',
    { layers: 32, hidden: 4608, ffn: 18432, heads: 36, kvHeads: 4, vocab: 49152, trainContext: 16384, tiedEmbeddings: true, gatedFfn: false },
    'The larger StarCoder2; needs a GPU.',
  ),
  deepSeekCoder(
    '1.3b',
    { layers: 24, hidden: 2048, ffn: 5504, heads: 16, kvHeads: 16, vocab: 32256, trainContext: 16384, tiedEmbeddings: false, gatedFfn: true },
    'Small and quick fill-in-the-middle model.',
  ),
  deepSeekCoder(
    '6.7B',
    { layers: 32, hidden: 4096, ffn: 11008, heads: 32, kvHeads: 32, vocab: 32256, trainContext: 16384, tiedEmbeddings: false, gatedFfn: true },
    'Strong fill-in-the-middle; its full multi-head attention makes the context cache large.',
  ),
  qwenInstruct('1.5B', 'A small chat model for code questions; runs on a CPU.'),
  qwenInstruct('3B', 'Chat, refactors and simple agent work at a reasonable speed.'),
  qwenInstruct('7B', 'The most capable chat and agent model here; wants a GPU.'),
  {
    id: 'llama-3.2-3b-instruct',
    name: 'Llama 3.2 3B Instruct',
    role: 'chat',
    description: 'A general assistant with native tool calls.',
    license: 'Llama 3.2 Community License',
    homepage: 'https://huggingface.co/meta-llama/Llama-3.2-3B-Instruct',
    fim: false,
    shape: { layers: 28, hidden: 3072, ffn: 8192, heads: 24, kvHeads: 8, vocab: 128256, trainContext: 131072, tiedEmbeddings: true, gatedFfn: true },
    quants: [
      { quantization: 'Q4_K_M', uri: 'hf:mradermacher/Llama-3.2-3B-Instruct-GGUF:Q4_K_M' },
      { quantization: 'Q8_0', uri: 'hf:mradermacher/Llama-3.2-3B-Instruct-GGUF:Q8_0' },
    ],
  },
  {
    id: 'nomic-embed-text-v1.5',
    name: 'nomic-embed-text v1.5',
    role: 'embeddings',
    description: 'Embeddings for the workspace index (768 dimensions, 2k-token chunks).',
    license: 'Apache-2.0',
    homepage: 'https://huggingface.co/nomic-ai/nomic-embed-text-v1.5',
    fim: false,
    shape: {
      layers: 12,
      hidden: 768,
      ffn: 3072,
      heads: 12,
      kvHeads: 12,
      vocab: 30528,
      trainContext: 2048,
      tiedEmbeddings: true,
      gatedFfn: true,
      fusedQkv: true,
      embedding: true,
    },
    quants: [
      { quantization: 'Q8_0', uri: 'hf:nomic-ai/nomic-embed-text-v1.5-GGUF:Q8_0' },
      { quantization: 'Q4_K_M', uri: 'hf:nomic-ai/nomic-embed-text-v1.5-GGUF:Q4_K_M' },
    ],
  },
];

/** The name a catalog download is saved under: `<id>.<QUANT>.gguf` (split parts add `-0000N-of-0000M`). */
export function catalogFileName(model: CatalogModel, quantization: string): string {
  return `${model.id}.${quantization}.gguf`;
}
