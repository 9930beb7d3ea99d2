// Pylot's own check of one GGUF file's header, run before node-llama-cpp or llama.cpp reads it.
// Their readers trust the counts a header states: a 60-byte file claiming 2^40 tensors made them
// loop and allocate for minutes. Here every count and length is checked against the bytes the file
// really has (and against sane maxima) before it is used, nothing is kept but a few small facts,
// the bytes read are capped, and the rules are llama.cpp's own (ggml/src/gguf.cpp), so a file that
// passes here is one llama.cpp can parse. Each failure is a sentence a user can act on.
import { ggmlType, ggmlTypeCount } from './ggmlTypes';
import { count, HeaderProblem, Reader, sizeText, type ByteSource } from './headerReader';
import { hyperparameterProblem, isCheckedKey, maxKeptArrayItems, missingHyperparameter, type KeptValue } from './hyperparameters';
import { fixedSize, ValueType, valueTypeName } from './valueTypes';

export interface HeaderLimits {
  /** Where the header (key/values and tensor infos) must end: bounds the bytes read and the time. */
  readonly maxHeaderBytes: number;
  /** Strings in all the header's arrays together. */
  readonly maxArrayStrings: number;
  /** Other values in all the header's arrays together. */
  readonly maxArrayValues: number;
}

/**
 * A real header is at most ~12 MB, and its arrays (a vocabulary's tokens, scores, types and merges)
 * hold at most ~500,000 strings and as many numbers (Command-R: 256k tokens, 253k merges). The
 * array caps matter because node-llama-cpp turns every array item into a JS value: measured, a
 * million strings cost it ~60 MB and 0.45 s, two million numbers ~50 MB.
 */
export const defaultHeaderLimits: HeaderLimits = { maxHeaderBytes: 64 * 2 ** 20, maxArrayStrings: 2 ** 20, maxArrayValues: 2 ** 21 };

export interface HeaderFacts {
  readonly version: number;
  readonly tensorCount: number;
  /** general.architecture, when it is a string. */
  readonly architecture?: string;
  /** A key llama.cpp requires for this architecture that the header lacks. */
  readonly missingKey?: string;
  /** split.count, when present: how many files the model says it has. */
  readonly splitCount?: number;
  /** Where the tensor data ends: the bytes the header accounts for. */
  readonly describedBytes: number;
}

// Sane maxima, far above any real model: the largest GGUFs have ~14,000 tensors (128 experts per
// layer, unmerged) and a few hundred key/values; above these, node-llama-cpp's own parse of a
// header that is consistent but huge would take more memory than the sidecar can spare.
const maxTensors = 65_536;
const maxKeyValues = 65_536;
/** GGUF's own limit for a key (the spec), and llama.cpp's for arrays (GGUF_MAX_ARRAY_ELEMENTS). */
const maxKeyBytes = 65_535;
const maxArrayItems = 2 ** 30;
/** GGML_MAX_NAME - 1 and GGML_MAX_DIMS. */
const maxTensorNameBytes = 63;
const maxDims = 4;
const int64Max = 2n ** 63n - 1n;

/** The fewest bytes one item of a type can take: what a claimed count is checked against. */
const minItemBytes = (type: ValueType): number => fixedSize[type] ?? 8;
/** A key/value is at least a 1-byte key, its length, a type and a 1-byte value. */
const minKeyValueBytes = 8 + 1 + 4 + 1;
/** A tensor info is at least a name length, n_dims, a type and an offset. */
const minTensorInfoBytes = 8 + 4 + 4 + 8;
/** Validates the header of `source` (a file called `name`); throws a HeaderProblem. */
export async function checkGgufHeader(source: ByteSource, name: string, limits: HeaderLimits = defaultHeaderLimits): Promise<HeaderFacts> {
  const r = new Reader(source, name, limits.maxHeaderBytes);
  const corrupt = (why: string) => new HeaderProblem(`${name} is corrupt: ${why}.`);

  if (source.size === 0) throw new HeaderProblem(`${name} is empty (0 bytes), not a GGUF model file. Pylot runs llama.cpp models in GGUF format.`);
  await r.need(Math.min(4, source.size), 'its first bytes');
  if (source.size < 4 || r.latin1(4) !== 'GGUF') {
    throw new HeaderProblem(`${name} is not a GGUF model file (it does not start with "GGUF"). Pylot runs llama.cpp models in GGUF format.`);
  }
  await r.need(4, 'its GGUF version');
  const version = r.u32();
  checkVersion(name, version);
  await r.need(16, 'its tensor and key/value counts');
  const tensorCount = r.u64();
  const kvCount = r.u64();
  checkCount(name, 'tensors', tensorCount, minTensorInfoBytes, maxTensors, r.remaining, source.size);
  checkCount(name, 'key/values', kvCount, minKeyValueBytes, maxKeyValues, r.remaining, source.size);
  if (tensorCount * BigInt(minTensorInfoBytes) + kvCount * BigInt(minKeyValueBytes) > BigInt(r.remaining)) {
    throw new HeaderProblem(
      `${name} claims ${count(tensorCount)} tensors and ${count(kvCount)} key/values but is only ${sizeText(source.size)}: it is corrupt or not a real model.`,
    );
  }

  const keys = new Set<string>();
  let alignment = 32;
  let architecture: string | undefined;
  let splitCount: number | undefined;
  let arrayStrings = 0;
  let arrayValues = 0;
  const kept = new Map<string, KeptValue>();
  for (let i = 1; i <= Number(kvCount); i++) {
    const key = await r.string(`key #${i}'s name`, maxKeyBytes, `GGUF keys are at most ${count(maxKeyBytes)} bytes`);
    if (key === '') throw corrupt(`key #${i} has an empty name`);
    if (keys.has(key)) throw corrupt(`the key "${key}" appears twice`);
    keys.add(key);
    await r.need(4, `the type of "${key}"`);
    const type = r.u32();
    if (key === 'general.alignment' && type !== ValueType.U32) {
      throw corrupt(`"general.alignment" must be a u32 but is ${type <= ValueType.F64 ? `a ${valueTypeName[type]}` : `of unknown type ${type}`}`);
    }
    if (type === ValueType.Array) {
      await r.need(12, `the array "${key}"`);
      const itemType = r.u32();
      const items = r.u64();
      if (itemType === ValueType.Array) throw corrupt(`"${key}" is an array of arrays, which llama.cpp does not read`);
      if (itemType > ValueType.F64) throw corrupt(`"${key}" is an array of unknown value type ${itemType}`);
      if (items * BigInt(minItemBytes(itemType)) > BigInt(r.remaining)) {
        throw new HeaderProblem(
          `${name} is corrupt or truncated: "${key}" claims ${count(items)} ${valueTypeName[itemType]} values but only ${sizeText(r.remaining)} follow.`,
        );
      }
      if (items > BigInt(maxArrayItems)) throw corrupt(`"${key}" claims ${count(items)} values; llama.cpp reads at most ${count(maxArrayItems)}`);
      const strings = itemType === ValueType.String;
      if (strings) arrayStrings += Number(items);
      else arrayValues += Number(items);
      if (arrayStrings > limits.maxArrayStrings || arrayValues > limits.maxArrayValues) {
        const [total, cap] = strings ? [arrayStrings, limits.maxArrayStrings] : [arrayValues, limits.maxArrayValues];
        throw new HeaderProblem(
          `${name}'s header arrays hold ${count(total)} ${strings ? 'strings' : 'numbers'} in all (at "${key}"); Pylot reads at most ${count(cap)}, ` +
            'about twice what the largest real vocabularies need, so it is not read.',
        );
      }
      const checked = isCheckedKey(key);
      // llama.cpp reads a per-layer u32 from an array of u32, i32 or bool (get_arr).
      const read = { [ValueType.U32]: () => r.u32(), [ValueType.I32]: () => r.i32(), [ValueType.Bool]: () => r.u8() }[itemType as number];
      if (checked && read && items <= BigInt(maxKeptArrayItems)) {
        await r.need(Number(items) * fixedSize[itemType as ValueType]!, `the array "${key}"`);
        kept.set(key, { kind: 'u32 array', values: Array.from({ length: Number(items) }, read) });
        continue;
      }
      if (checked) kept.set(key, { kind: 'other', typeName: `array of ${count(items)} ${valueTypeName[itemType]} values` });
      if (itemType === ValueType.String) await r.skipStrings(Number(items), key);
      else r.skip(Number(items) * fixedSize[itemType as ValueType]!, `the array "${key}"`);
      continue;
    }
    if (type > ValueType.F64) throw corrupt(`"${key}" has unknown value type ${type}`);
    if (type === ValueType.String) {
      // Only a few short strings are kept; every other string is checked and skipped.
      const wanted = key === 'general.architecture' || isCheckedKey(key);
      const value = await r.string(`the value of "${key}"`, wanted ? 256 : undefined);
      if (key === 'general.architecture') architecture = value;
      else if (wanted) kept.set(key, { kind: 'string', value });
      continue;
    }
    const size = fixedSize[type as ValueType]!;
    await r.need(size, `the value of "${key}"`);
    if (key === 'general.alignment') {
      alignment = r.u32();
      if (alignment === 0 || (alignment & (alignment - 1)) !== 0) throw corrupt(`its alignment, ${count(alignment)}, is not a power of 2`);
    } else if (key === 'split.count' && type === ValueType.U16) {
      splitCount = r.u16();
    } else if (isCheckedKey(key)) {
      kept.set(key, type === ValueType.U32 ? { kind: 'u32', value: r.u32() } : { kind: 'other', typeName: valueTypeName[type]! });
      if (type !== ValueType.U32) r.skip(size, `the value of "${key}"`);
    } else {
      r.skip(size, `the value of "${key}"`);
    }
  }

  const hyperparameters = architecture ? hyperparameterProblem(architecture, kept) : undefined;
  if (hyperparameters) throw new HeaderProblem(`${name} cannot be loaded: ${hyperparameters}.`);

  const names = new Set<string>();
  let expectedOffset = 0n;
  const align = (n: bigint) => ((n + BigInt(alignment) - 1n) / BigInt(alignment)) * BigInt(alignment);
  for (let i = 1; i <= Number(tensorCount); i++) {
    const tensor = await r.string(`tensor #${i}'s name`, maxTensorNameBytes, `llama.cpp allows at most ${maxTensorNameBytes} bytes`);
    if (names.has(tensor)) throw corrupt(`two tensors are named "${tensor}"`);
    names.add(tensor);
    await r.need(4, `the shape of "${tensor}"`);
    const nDims = r.u32();
    if (nDims > maxDims) throw corrupt(`tensor "${tensor}" claims ${count(nDims)} dimensions; GGUF allows at most ${maxDims}`);
    await r.need(nDims * 8 + 4 + 8, `the shape of "${tensor}"`);
    const dims: bigint[] = [];
    for (let d = 0; d < nDims; d++) dims.push(r.i64());
    const negative = dims.find((n) => n < 0n);
    if (negative !== undefined) throw corrupt(`tensor "${tensor}" has a negative dimension (${count(negative)})`);
    const elements = dims.reduce((a, b) => a * b, 1n);
    if (elements > int64Max) throw corrupt(`tensor "${tensor}" claims ${dims.map(count).join(' × ')} values, more than llama.cpp can address`);
    const typeId = r.i32();
    const type = ggmlType(typeId);
    if (!type) {
      throw corrupt(
        `tensor "${tensor}" has tensor type ${typeId}, which this llama.cpp build does not know${typeId >= ggmlTypeCount ? ' (a newer format?)' : ''}`,
      );
    }
    const rowLength = dims[0] ?? 1n;
    if (rowLength % BigInt(type.blockSize) !== 0n) {
      throw corrupt(`tensor "${tensor}" has rows of ${count(rowLength)} values, not a whole number of ${type.name} blocks (${type.blockSize} values each)`);
    }
    const offset = r.u64();
    if (offset % BigInt(alignment) !== 0n)
      throw corrupt(`tensor "${tensor}" starts at data offset ${count(offset)}, which is not aligned to ${alignment} bytes`);
    if (offset !== expectedOffset) {
      throw corrupt(
        `tensor "${tensor}" is placed at data offset ${count(offset)}, where llama.cpp expects ${count(expectedOffset)} (tensors follow each other in order)`,
      );
    }
    expectedOffset += align((elements / BigInt(type.blockSize)) * BigInt(type.typeSize));
  }

  const dataStart = tensorCount > 0n ? align(BigInt(r.position)) : BigInt(r.position);
  const described = dataStart + expectedOffset;
  if (described > BigInt(source.size)) {
    throw new HeaderProblem(
      `${name} is truncated: its header describes ${sizeText(described)} but the file has ${sizeText(source.size)}. Download it again.`,
      true,
    );
  }
  return {
    version,
    tensorCount: Number(tensorCount),
    ...(architecture === undefined ? {} : { architecture }),
    ...optionalKey(architecture && missingHyperparameter(architecture, kept)),
    ...(splitCount === undefined ? {} : { splitCount }),
    describedBytes: Number(described),
  };
}

const optionalKey = (missingKey: string | undefined) => (missingKey ? { missingKey } : {});

function checkVersion(name: string, version: number): void {
  if (version === 2 || version === 3) return;
  // A big-endian file (from an s390x conversion) reads as a version with its low 16 bits clear.
  if ((version & 0xffff) === 0 && [1, 2, 3].includes(version >>> 24)) {
    throw new HeaderProblem(`${name} is a big-endian GGUF file; llama.cpp on this machine reads little-endian files only.`);
  }
  const why = version === 1 ? 'version 1 files are no longer read by llama.cpp; convert the model again' : 'llama.cpp reads versions 2 and 3';
  throw new HeaderProblem(`${name} uses unsupported GGUF version ${count(version)}: ${why}.`);
}

function checkCount(name: string, what: string, claimed: bigint, minBytes: number, max: number, remaining: number, size: number): void {
  if (claimed * BigInt(minBytes) > BigInt(remaining)) {
    throw new HeaderProblem(`${name} claims ${count(claimed)} ${what} but is only ${sizeText(size)}: it is corrupt or not a real model.`);
  }
  if (claimed > BigInt(max))
    throw new HeaderProblem(`${name} claims ${count(claimed)} ${what}; Pylot reads at most ${count(max)}, far more than any real model has.`);
}
