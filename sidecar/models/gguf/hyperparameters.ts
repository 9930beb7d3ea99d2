// The model-wide hyperparameters that llama.cpp asserts on and node-llama-cpp computes with, checked
// from the header alone. A failed GGML_ASSERT in llama.cpp's load_hparams (src/llama-model.cpp)
// aborts the whole sidecar process, and node-llama-cpp's memory estimates loop once per layer, so a
// header claiming 4 billion layers or a string for a context length must be refused here, with a
// sentence, before either sees it. Per-architecture rules (load_arch_hparams) are left to llama.cpp.

/** A key/value the header check kept because it is one of the keys below. */
export type KeptValue =
  | { readonly kind: 'u32'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  /** Per-layer values, from an array of u32, i32 or bool: an i32 may be negative. */
  | { readonly kind: 'u32 array'; readonly values: readonly number[] }
  | { readonly kind: 'other'; readonly typeName: string };

/** Keys after the architecture's prefix (`llama.block_count`) whose values are kept and checked. */
const numeric = new Set([
  'context_length',
  'embedding_length',
  'block_count',
  'nextn_predict_layers',
  'expert_count',
  'expert_used_count',
  'expert_group_count',
  'expert_group_used_count',
  'feed_forward_length',
  'attention.head_count',
  'attention.head_count_kv',
  'attention.key_length',
  'attention.value_length',
]);
/** llama.cpp reads these as one value or one per layer (get_key_or_arr). */
const perLayer = new Set(['expert_used_count', 'feed_forward_length', 'attention.head_count', 'attention.head_count_kv']);
const ropeScalingTypes = ['none', 'linear', 'yarn', 'longrope'];

/** LLAMA_MAX_LAYERS and LLAMA_MAX_EXPERTS (src/llama-hparams.h). */
const maxLayers = 512;
const maxExperts = 1024;

/** Whether the header check should keep this key's value (it does not know the architecture yet). */
export function isCheckedKey(key: string): boolean {
  if (key === 'general.type') return true;
  const dot = key.indexOf('.');
  if (dot <= 0) return false;
  const rest = key.slice(dot + 1);
  return numeric.has(rest) || rest === 'rope.scaling.type';
}

/** Values of a per-layer array worth keeping: no more than there can be layers. */
export const maxKeptArrayItems = maxLayers;

/** load_hparams reads these with get_key(…, required); CLIP projectors skip them. */
const required = ['context_length', 'embedding_length', 'block_count'];

/**
 * The first key llama.cpp requires that the header lacks. Not a hazard (llama.cpp refuses the file
 * cleanly), only a clearer message, and only worth giving for an architecture llama.cpp knows.
 */
export function missingHyperparameter(architecture: string, kept: ReadonlyMap<string, KeptValue>): string | undefined {
  if (architecture === 'clip') return undefined;
  const missing = required.find((name) => !kept.has(`${architecture}.${name}`));
  return missing && `${architecture}.${missing}`;
}

/** Returns why the hyperparameters cannot be loaded, or undefined when llama.cpp can take them. */
export function hyperparameterProblem(architecture: string, kept: ReadonlyMap<string, KeptValue>): string | undefined {
  const get = (name: string) => kept.get(`${architecture}.${name}`);
  const type = kept.get('general.type');
  if (type?.kind === 'string' && type.value === 'adapter') return 'it is a LoRA adapter ("general.type" is "adapter"), not a model; load the model it adapts';
  for (const name of numeric) {
    const value = get(name);
    if (!value || value.kind === 'u32' || (value.kind === 'u32 array' && perLayer.has(name))) continue;
    const what = value.kind === 'other' ? value.typeName : value.kind;
    return `"${architecture}.${name}" must be a u32${perLayer.has(name) ? ' or an array of u32, i32 or bool' : ''} but is ${what.startsWith('array') ? 'an' : 'a'} ${what}`;
  }
  const rope = get('rope.scaling.type');
  if (rope && (rope.kind !== 'string' || !ropeScalingTypes.includes(rope.value))) {
    return `"${architecture}.rope.scaling.type" is ${rope.kind === 'string' ? `"${rope.value}"` : 'not a string'}; llama.cpp knows ${ropeScalingTypes.join(', ')}`;
  }

  const scalar = (name: string): number | undefined => {
    const value = get(name);
    return value?.kind === 'u32' ? value.value : undefined;
  };
  const layers = scalar('block_count');
  if (layers !== undefined && (layers < 1 || layers > maxLayers)) {
    return `it claims ${layers.toLocaleString('en-US')} layers ("${architecture}.block_count"); llama.cpp loads 1 to ${maxLayers}`;
  }
  for (const name of perLayer) {
    const value = get(name);
    if (value?.kind === 'u32 array' && value.values.some((v) => v < 0)) return `"${architecture}.${name}" holds a negative value`;
    if (value?.kind === 'u32 array' && value.values.length !== layers) {
      const of = layers === undefined ? `but "${architecture}.block_count" is missing` : `for ${layers.toLocaleString('en-US')} layers`;
      return `"${architecture}.${name}" has ${value.values.length.toLocaleString('en-US')} values ${of}`;
    }
  }
  const nextn = scalar('nextn_predict_layers') ?? 0;
  if (nextn > (layers ?? 0)) return `"${architecture}.nextn_predict_layers" is ${nextn.toLocaleString('en-US')}, more than its ${layers ?? 0} layers`;

  // The expert checks of load_hparams, in its order; Hunyuan's dense models say 1 expert and mean none.
  let experts = scalar('expert_count') ?? 0;
  const usedValue = get('expert_used_count');
  let used = usedValue?.kind === 'u32' ? usedValue.value : usedValue?.kind === 'u32 array' ? Math.max(0, ...usedValue.values) : 0;
  if ((architecture === 'hunyuan-vl' || architecture === 'hunyuan-dense') && experts <= 1) [experts, used] = [0, 0];
  const groups = scalar('expert_group_count') ?? 0;
  const groupsUsed = scalar('expert_group_used_count') ?? 0;
  if (experts > maxExperts) return `it claims ${experts.toLocaleString('en-US')} experts; llama.cpp loads at most ${maxExperts}`;
  if (used > experts) return `it uses ${used.toLocaleString('en-US')} experts per token but has ${experts.toLocaleString('en-US')}`;
  if (experts > 0) {
    if (used === 0) return `it has ${experts} experts but uses none per token`;
    if (groups >= experts) return `it has ${groups.toLocaleString('en-US')} expert groups for ${experts} experts`;
    if (groups > 1 && (experts % groups !== 0 || groupsUsed === 0 || groupsUsed >= groups)) {
      return `its ${experts} experts in ${groups} groups (${groupsUsed} used) do not divide as llama.cpp requires`;
    }
  } else if (used > 0 || groups > 0) {
    return 'it uses experts but has none';
  }
  return undefined;
}
