// Encryption at rest for what Pylot stores of the user's code: the index's records and table snapshot
// (sidecar/index/shardStore.ts) and the chat history (extension/chat/chatHistory.ts). AES-256-GCM
// from Node's crypto, a fresh 96-bit IV per file, the format's magic as associated data, and a key
// the extension keeps in VS Code's SecretStorage (handed to the sidecar in index/open: never on a
// command line, in the environment or in a log). Bytes without the magic are plain: reading takes
// both, so turning encryption on or off migrates what is there. node/ holds what both Node
// processes import: no vscode, no model code.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { ErrorCodes, PylotError } from '../protocol/rpc';

const magic = Buffer.from('PYLOT-AES256GCM1');
const ivBytes = 12;
const tagBytes = 16;
export const keyBytes = 32;

/** Why a sealed file could not be opened: no key (or another one), or its bytes were changed. */
export class AtRestError extends PylotError {
  constructor(
    readonly reason: 'noKey' | 'tampered',
    message: string,
  ) {
    super(ErrorCodes.InternalError, message);
  }
}

export class AtRest {
  private readonly key: Buffer | undefined;

  /** `key`: base64 of 32 bytes; `encrypt`: whether new files are sealed (with a key and off, sealed files still open). */
  constructor(
    key: string | undefined,
    readonly encrypt: boolean,
  ) {
    const bytes = key === undefined ? undefined : Buffer.from(key, 'base64');
    if (bytes && (bytes.length !== keyBytes || bytes.toString('base64') !== key)) {
      throw new PylotError(ErrorCodes.InvalidParams, `The encryption key must be ${keyBytes} bytes in base64.`);
    }
    if (encrypt && !bytes) throw new PylotError(ErrorCodes.InvalidParams, 'Encryption at rest is on but no key was given.');
    this.key = bytes;
  }

  static readonly plain = new AtRest(undefined, false);

  /** What goes to disk: sealed when encrypting, else the bytes themselves. */
  seal(plain: Uint8Array | string): Buffer {
    const bytes = typeof plain === 'string' ? Buffer.from(plain, 'utf8') : Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
    if (!this.encrypt) return bytes;
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.key!, iv, { authTagLength: tagBytes });
    cipher.setAAD(magic);
    const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
    return Buffer.concat([magic, iv, cipher.getAuthTag(), body]);
  }

  /** What a file holds: opened when sealed (throws AtRestError when it cannot be), else as it is. */
  open(stored: Buffer, what: string): Buffer {
    if (!isSealed(stored)) return stored;
    if (!this.key) throw new AtRestError('noKey', `${what} is encrypted and Pylot has no key for it (it is no longer in VS Code's secret storage).`);
    const at = magic.length;
    if (stored.length < at + ivBytes + tagBytes) throw tampered(what);
    const decipher = createDecipheriv('aes-256-gcm', this.key, stored.subarray(at, at + ivBytes), { authTagLength: tagBytes });
    decipher.setAAD(magic);
    decipher.setAuthTag(stored.subarray(at + ivBytes, at + ivBytes + tagBytes));
    try {
      return Buffer.concat([decipher.update(stored.subarray(at + ivBytes + tagBytes)), decipher.final()]);
    } catch {
      // GCM cannot tell a wrong key from changed bytes; the key check (fingerprint) tells them apart.
      throw tampered(what);
    }
  }

  /** A fingerprint of the key (HMAC, not the key): says whether files were sealed with this key. */
  fingerprint(): string | undefined {
    return this.key && createHmac('sha256', this.key).update('pylot index key check').digest('hex').slice(0, 32);
  }
}

export function isSealed(stored: Uint8Array): boolean {
  return stored.length >= magic.length && Buffer.from(stored.buffer, stored.byteOffset, magic.length).equals(magic);
}

function tampered(what: string): AtRestError {
  return new AtRestError('tampered', `${what} failed its integrity check: it was changed or damaged since Pylot wrote it (or sealed with another key).`);
}
