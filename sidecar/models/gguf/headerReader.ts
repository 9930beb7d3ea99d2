// The byte-level side of the GGUF header check: a forward-only window over a file that reads the
// bytes a header's structure needs and skips everything else by arithmetic, so a stated length is
// checked against the file's size and never read. Every way it can fail is a HeaderProblem whose
// message names the file and the place.

/** Reads up to `buffer.length` bytes at `position`; resolves how many it got. */
export interface ByteSource {
  readonly size: number;
  read(buffer: Buffer, position: number): Promise<number>;
}

/**
 * A file that must not be loaded. `headerIntact`: the header itself passed every check and only
 * the tensor data is short, so its metadata is still safe to read and show.
 */
export class HeaderProblem extends Error {
  constructor(
    message: string,
    readonly headerIntact = false,
  ) {
    super(message);
    this.name = 'HeaderProblem';
  }
}

/** Bytes read at a time: a 256k-token vocabulary is read in a few dozen reads. */
const chunkBytes = 2 ** 20;

/** A count as a person reads it in a message: "1,099,511,627,776". */
export const count = (n: number | bigint): string => n.toLocaleString('en-US');
/** A size for messages: "60 bytes" for a tiny file, up to "16.0 EiB" for a lie (formatBytes stops at TiB). */
export const sizeText = (n: number | bigint): string => {
  const bytes = Number(n);
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
};

/** A forward-only window over the file: structure bytes are read, skipped values never are. */
export class Reader {
  private window = Buffer.alloc(0);
  /** File offset of window[0]. */
  private windowStart = 0;
  /** File offset of the next byte to parse. */
  position = 0;

  constructor(
    private readonly source: ByteSource,
    private readonly name: string,
    private readonly maxHeaderBytes: number,
  ) {}

  get remaining(): number {
    return this.source.size - this.position;
  }

  /** Makes `n` bytes from the current position available, or says why they cannot be. */
  async need(n: number, what: string): Promise<void> {
    this.ensureWithin(n, what);
    if (this.position + n <= this.windowStart + this.window.length) return;
    const length = Math.min(Math.max(n, chunkBytes), this.source.size - this.position);
    const window = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const got = await this.source.read(window.subarray(filled), this.position + filled);
      if (got === 0)
        throw new HeaderProblem(
          `${this.name} ended while it was being read (it is ${sizeText(this.source.size)} but stopped at byte ${count(this.position + filled)}); was it being written?`,
        );
      filled += got;
    }
    this.window = window;
    this.windowStart = this.position;
  }

  /** Moves past `n` bytes without reading them: the file's size says whether they exist. */
  skip(n: number, what: string): void {
    this.ensureWithin(n, what);
    this.position += n;
  }

  private ensureWithin(n: number, what: string): void {
    if (n > this.remaining) {
      throw new HeaderProblem(`${this.name} is truncated: it ends at byte ${count(this.source.size)}, inside its GGUF header (${what}). Download it again.`);
    }
    if (this.position + n > this.maxHeaderBytes) {
      throw new HeaderProblem(
        `${this.name}'s GGUF header is larger than ${sizeText(this.maxHeaderBytes)} (at ${what}); real models' headers are far smaller, so it is not read.`,
      );
    }
  }

  /** A length-prefixed string: returned when at most `keepBytes` long, else checked and skipped. */
  async string(what: string, keepBytes?: number, limitWhy?: string): Promise<string> {
    await this.need(8, what);
    const length = this.u64();
    if (length > BigInt(this.remaining)) {
      throw new HeaderProblem(`${this.name} is corrupt or truncated: ${what} claims ${count(length)} bytes but only ${sizeText(this.remaining)} follow.`);
    }
    if (limitWhy !== undefined && keepBytes !== undefined && length > BigInt(keepBytes)) {
      throw new HeaderProblem(`${this.name} is corrupt: ${what} is ${count(length)} bytes long; ${limitWhy}.`);
    }
    const n = Number(length);
    if (keepBytes === undefined || n > keepBytes) {
      this.skip(n, what);
      return '';
    }
    await this.need(n, what);
    const at = this.position - this.windowStart;
    this.position += n;
    return this.window.toString('utf8', at, at + n);
  }

  /**
   * The strings of an array, lengths checked, contents skipped: a vocabulary is most of a header, so
   * this loop avoids BigInts and builds no text unless something is wrong (it ran 1.1 s on
   * Command-R's 256k tokens when it did; 0.1 s now).
   */
  async skipStrings(items: number, key: string): Promise<void> {
    const what = (i: number) => `item ${count(i)} of "${key}"`;
    for (let i = 0; i < items; i++) {
      if (this.position + 8 > this.windowStart + this.window.length) await this.need(8, what(i));
      const at = this.position - this.windowStart;
      const low = this.window.readUInt32LE(at);
      const high = this.window.readUInt32LE(at + 4);
      this.position += 8;
      if (high !== 0 || low > this.remaining) {
        const length = (BigInt(high) << 32n) | BigInt(low);
        throw new HeaderProblem(`${this.name} is corrupt or truncated: ${what(i)} claims ${count(length)} bytes but only ${sizeText(this.remaining)} follow.`);
      }
      if (this.position + low > this.maxHeaderBytes) this.ensureWithin(low, what(i));
      this.position += low;
    }
  }

  latin1(n: number): string {
    return this.window.toString('latin1', this.take(n), this.position);
  }

  u8(): number {
    return this.window.readUInt8(this.take(1));
  }

  u16(): number {
    return this.window.readUInt16LE(this.take(2));
  }

  u32(): number {
    return this.window.readUInt32LE(this.take(4));
  }

  i32(): number {
    return this.window.readInt32LE(this.take(4));
  }

  u64(): bigint {
    return this.window.readBigUInt64LE(this.take(8));
  }

  i64(): bigint {
    return this.window.readBigInt64LE(this.take(8));
  }

  /** The window offset of the next `n` bytes, which `need` made available. */
  private take(n: number): number {
    const at = this.position - this.windowStart;
    this.position += n;
    return at;
  }
}
