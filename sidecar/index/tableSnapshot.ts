// The in-memory tables written to one file, so a restart loads them in one read instead of parsing
// every record and re-tokenizing every chunk (docs/decisions.md: ~28 s at 100k chunks). The file is
// a cache, like the vector snapshot: written atomically (temp + rename) when the index is idle, and
// a record written after it was taken is replayed on open (records stay the truth). Layout: "PYLT",
// a format version, the header's length, the header (JSON: every plain value of the state, with each
// typed array or string list replaced by a reference to its section), then the sections, each 8-byte
// aligned.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomicFile';

const magic = 0x544c5950; // "PYLT"
export const tableFormatVersion = 1;

type Typed = Float64Array | Uint32Array | Int32Array | Uint8Array;
const constructors = { Float64Array, Uint32Array, Int32Array, Uint8Array } as const;
type TypedName = keyof typeof constructors;

/** A state tree: plain JSON values, typed arrays, and string lists (tagged with `strings`). */
export type State = null | boolean | number | string | Typed | StringList | State[] | { [key: string]: State | undefined };

/** A long list of strings, stored as one NUL-separated UTF-8 section (no string may hold a NUL). */
export class StringList {
  constructor(readonly items: readonly string[]) {}
}

interface SectionRef {
  readonly $section: number;
  readonly type: TypedName | 'strings';
  /** How many strings a string list holds (one empty string and none look alike joined). */
  readonly count?: number;
}

/** The snapshot file's bytes for a state (every typed array copied in: later changes do not reach them). */
export function encodeTableSnapshot(state: State): Uint8Array {
  const sections: Uint8Array[] = [];
  const encoder = new TextEncoder();
  const header = JSON.stringify(state, function (this: unknown, _key, value: unknown) {
    if (value instanceof StringList) {
      sections.push(encoder.encode(value.items.join('\0')));
      return { $section: sections.length - 1, type: 'strings', count: value.items.length } satisfies SectionRef;
    }
    for (const [name, constructor] of Object.entries(constructors)) {
      if (value instanceof constructor) {
        sections.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        return { $section: sections.length - 1, type: name as TypedName } satisfies SectionRef;
      }
    }
    return value;
  });
  const headerBytes = encoder.encode(JSON.stringify({ header, lengths: sections.map((s) => s.byteLength) }));
  const align = (n: number) => (n + 7) & ~7;
  let size = align(12 + headerBytes.byteLength);
  for (const section of sections) size += align(section.byteLength);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, true);
  view.setUint32(4, tableFormatVersion, true);
  view.setUint32(8, headerBytes.byteLength, true);
  bytes.set(headerBytes, 12);
  let at = align(12 + headerBytes.byteLength);
  for (const section of sections) {
    bytes.set(section, at);
    at += align(section.byteLength);
  }
  return bytes;
}

/** Writes a state to `file` atomically; returns its size in bytes. */
export function writeTableSnapshot(file: string, state: State): number {
  const bytes = encodeTableSnapshot(state);
  writeFileAtomic(file, bytes);
  return bytes.byteLength;
}

/**
 * The state written by writeTableSnapshot, each typed array copied out of the file's buffer (so the
 * buffer can be collected); undefined when the file is missing, of another format, or damaged.
 */
export function readTableSnapshot(file: string): State | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  return decodeTableSnapshot(bytes);
}

/** readTableSnapshot on bytes already read (and opened, when sealed at rest). */
export function decodeTableSnapshot(bytes: Buffer): State | undefined {
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.byteLength < 12 || view.getUint32(0, true) !== magic || view.getUint32(4, true) !== tableFormatVersion) return undefined;
    const headerLength = view.getUint32(8, true);
    const { header, lengths } = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as { header: string; lengths: number[] };
    const align = (n: number) => (n + 7) & ~7;
    const offsets: number[] = [];
    let at = align(12 + headerLength);
    for (const length of lengths) {
      offsets.push(at);
      at += align(length);
    }
    if (at > bytes.byteLength) return undefined; // truncated
    const decoder = new TextDecoder();
    return JSON.parse(header, (_key, value: unknown) => {
      if (!value || typeof value !== 'object' || !('$section' in value)) return value;
      const { $section, type, count } = value as SectionRef;
      const start = offsets[$section]!;
      const length = lengths[$section]!;
      if (type === 'strings') return count ? decoder.decode(bytes.subarray(start, start + length)).split('\0') : [];
      const constructor = constructors[type];
      const copy = new constructor(length / constructor.BYTES_PER_ELEMENT);
      new Uint8Array(copy.buffer).set(bytes.subarray(start, start + length));
      return copy;
    }) as State;
  } catch {
    return undefined;
  }
}
