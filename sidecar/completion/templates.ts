// Fill-in-the-middle prompt formats, one per model family, chosen from the FIM tokens the GGUF
// declares — never from the model's name. Each says how to lay out prefix, suffix and other files'
// snippets, and which tokens end a completion.

export type FimFamily = 'qwen' | 'starcoder' | 'codellama' | 'deepseek' | 'codestral' | 'codegemma';

export interface Snippet {
  readonly filename: string;
  readonly text: string;
}

export interface FimTemplate {
  readonly family: FimFamily;
  /** Builds the prompt: snippets (most relevant last) as the template's file context, then the FIM part. */
  build(input: { prefix: string; suffix: string; filename?: string; snippets?: readonly Snippet[] }): string;
  /** Text that ends a completion when the model emits it. */
  readonly stop: readonly string[];
  /** The template has repo-level tokens (file separators), so snippets go in as real files. */
  readonly repoLevel: boolean;
}

/** The FIM marker tokens as text (detokenized with special tokens), plus what else the vocabulary has. */
export interface FimTokens {
  readonly prefix: string;
  readonly suffix: string;
  readonly middle: string;
  /** Whether the vocabulary has this special token (e.g. '<|file_sep|>'). */
  has(token: string): boolean;
}

export function detectTemplate(tokens: FimTokens): FimTemplate | undefined {
  const prefix = tokens.prefix.trim();
  if (prefix === '<|fim_prefix|>') return tokens.has('<|file_separator|>') ? codegemma(tokens) : qwen(tokens);
  if (prefix === '<fim_prefix>') return starcoder(tokens);
  if (prefix === '<｜fim▁begin｜>') return deepseek();
  if (/^▁?<PRE>$/.test(prefix)) return codellama();
  if (prefix === '[PREFIX]' && tokens.suffix.trim() === '[SUFFIX]') return codestral();
  return undefined;
}

/** Comment-style file headers for templates without repo-level tokens. */
function commentedSnippets(snippets: readonly Snippet[] | undefined): string {
  return (snippets ?? []).map((s) => `${commentFor(s.filename)} ${s.filename}\n${s.text.trimEnd()}\n\n`).join('');
}

function commentFor(filename: string): string {
  return /\.(py|rb|sh|ya?ml|toml|r|pl|ex|exs|jl|nim|cr)$/i.test(filename) ? '#' : /\.(lua|sql|hs|elm)$/i.test(filename) ? '--' : '//';
}

function qwen(tokens: FimTokens): FimTemplate {
  const repoLevel = tokens.has('<|file_sep|>') && tokens.has('<|repo_name|>');
  return {
    family: 'qwen',
    repoLevel,
    stop: ['<|endoftext|>', '<|file_sep|>', '<|fim_pad|>', '<|fim_prefix|>', '<|im_start|>'],
    build: ({ prefix, suffix, filename, snippets }) =>
      repoLevel && snippets?.length
        ? `<|repo_name|>workspace\n${snippets.map((s) => `<|file_sep|>${s.filename}\n${s.text.trimEnd()}\n`).join('')}<|file_sep|>${filename ?? 'current'}\n<|fim_prefix|>${prefix}<|fim_suffix|>${suffix}<|fim_middle|>`
        : `${commentedSnippets(snippets)}<|fim_prefix|>${prefix}<|fim_suffix|>${suffix}<|fim_middle|>`,
  };
}

function starcoder(tokens: FimTokens): FimTemplate {
  const repoLevel = tokens.has('<file_sep>') && tokens.has('<repo_name>');
  return {
    family: 'starcoder',
    repoLevel,
    stop: ['<|endoftext|>', '<file_sep>', '<fim_prefix>', '<fim_pad>'],
    build: ({ prefix, suffix, filename, snippets }) =>
      repoLevel && snippets?.length
        ? `<repo_name>workspace${snippets.map((s) => `<file_sep>${s.filename}\n${s.text.trimEnd()}\n`).join('')}<file_sep>${filename ?? 'current'}\n<fim_prefix>${prefix}<fim_suffix>${suffix}<fim_middle>`
        : `${commentedSnippets(snippets)}<fim_prefix>${prefix}<fim_suffix>${suffix}<fim_middle>`,
  };
}

function codegemma(tokens: FimTokens): FimTemplate {
  return {
    family: 'codegemma',
    repoLevel: tokens.has('<|file_separator|>'),
    stop: ['<|file_separator|>', '<eos>', '<|fim_prefix|>', '<end_of_turn>'],
    build: ({ prefix, suffix, filename, snippets }) =>
      `${(snippets ?? []).map((s) => `<|file_separator|>${s.filename}\n${s.text.trimEnd()}\n`).join('')}${snippets?.length ? `<|file_separator|>${filename ?? 'current'}\n` : ''}<|fim_prefix|>${prefix}<|fim_suffix|>${suffix}<|fim_middle|>`,
  };
}

function deepseek(): FimTemplate {
  return {
    family: 'deepseek',
    repoLevel: false,
    stop: ['<|EOT|>', '<｜end▁of▁sentence｜>', '<｜fim▁begin｜>'],
    build: ({ prefix, suffix, snippets }) => `${commentedSnippets(snippets)}<｜fim▁begin｜>${prefix}<｜fim▁hole｜>${suffix}<｜fim▁end｜>`,
  };
}

function codellama(): FimTemplate {
  // The spaces are part of the trained format: "<PRE> {prefix} <SUF>{suffix} <MID>".
  return {
    family: 'codellama',
    repoLevel: false,
    stop: ['<EOT>', '▁<EOT>', '</s>'],
    build: ({ prefix, suffix, snippets }) => `<PRE> ${commentedSnippets(snippets)}${prefix} <SUF>${suffix} <MID>`,
  };
}

function codestral(): FimTemplate {
  // Suffix first (SPM): the prefix, where typing happens, stays at the end of the prompt.
  return {
    family: 'codestral',
    repoLevel: false,
    stop: ['</s>', '[PREFIX]', '[SUFFIX]'],
    build: ({ prefix, suffix, snippets }) => `[SUFFIX]${suffix}[PREFIX]${commentedSnippets(snippets)}${prefix}`,
  };
}
