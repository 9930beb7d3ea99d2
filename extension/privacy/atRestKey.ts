// The key that encrypts what Pylot stores of the user's code at rest (pylot.privacy.encryptAtRest),
// kept in VS Code's SecretStorage: never in settings, a log, a command line or the environment; the
// sidecar gets it inside the index/open request. Created on first need; kept when encryption is
// turned off, so what was encrypted can be read once more and stored plain.
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

const secretName = 'pylot.privacy.atRestKey';

/** What index/open carries: undefined when there is nothing to encrypt or decrypt. */
export async function atRestEncryption(secrets: vscode.SecretStorage, encrypt: boolean): Promise<{ encrypt: boolean; key: string } | undefined> {
  let key = await secrets.get(secretName);
  if (!key && encrypt) {
    key = randomBytes(32).toString('base64');
    await secrets.store(secretName, key);
  }
  return key ? { encrypt, key } : undefined;
}
