// Reads which OS and CPU a native file is built for from its header (ELF, PE, Mach-O and universal
// Mach-O), without loading it: how a package for another platform is checked on this one.
import { openSync, readSync, closeSync } from 'node:fs';

export interface NativeTarget {
  readonly os: 'linux' | 'win32' | 'darwin';
  /** One CPU, or several for a universal Mach-O. */
  readonly cpus: readonly string[];
}

const elfMachines: Record<number, string> = { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm', 0x03: 'ia32', 0xf3: 'riscv64' };
const peMachines: Record<number, string> = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32', 0x1c4: 'arm' };
const machoCpus: Record<number, string> = { 0x01000007: 'x64', 0x0100000c: 'arm64', 7: 'ia32', 12: 'arm' };

/** The platform a native binary is built for, or undefined for anything else (scripts, data, WASM). */
export function nativeTarget(file: string): NativeTarget | undefined {
  const header = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  let length: number;
  try {
    length = readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  const bytes = header.subarray(0, length);
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    const littleEndian = bytes[5] === 1;
    const machine = littleEndian ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18);
    return { os: 'linux', cpus: [elfMachines[machine] ?? `elf-${machine}`] };
  }
  if (bytes.length >= 64 && bytes.readUInt16LE(0) === 0x5a4d) {
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 6 <= bytes.length && bytes.readUInt32LE(pe) === 0x00004550) {
      const machine = bytes.readUInt16LE(pe + 4);
      return { os: 'win32', cpus: [peMachines[machine] ?? `pe-${machine}`] };
    }
  }
  if (bytes.length >= 8 && (bytes.readUInt32LE(0) === 0xfeedfacf || bytes.readUInt32LE(0) === 0xfeedface)) {
    const cpu = bytes.readInt32LE(4) >>> 0;
    return { os: 'darwin', cpus: [machoCpus[cpu] ?? `macho-${cpu}`] };
  }
  // Universal binaries share their magic with Java class files; a Mach-O one lists a few archs.
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0xcafebabe && bytes.readUInt32BE(4) > 0 && bytes.readUInt32BE(4) < 20) {
    const count = bytes.readUInt32BE(4);
    const cpus = Array.from({ length: count }, (_, i) => bytes.readUInt32BE(8 + i * 20)).map((cpu) => machoCpus[cpu] ?? `macho-${cpu}`);
    return { os: 'darwin', cpus };
  }
  return undefined;
}
