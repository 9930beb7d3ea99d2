// The key that encrypts what Pylot stores of the user's code at rest (pylot.privacy.encryptAtRest),
// kept in VS Code's SecretStorage: never in settings, a log, a command line or the environment; the
// sidecar gets it inside the index/open request. Created on first need; kept when encryption is
// turned off, so what was encrypted can be read once more and stored plain. Secret storage is not
// touched at all until encryption is first turned on (a flag in global state says it was): in a
// browser workbench its first use waits on the sign-in providers.
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

const secretName = 'pylot.privacy.atRestKey';
const createdFlag = 'pylot.privacy.atRestKeyCreated';

/** What index/open carries and the chat history uses: undefined when there is nothing to encrypt or decrypt. */
export async function atRestEncryption(
  context: Pick<vscode.ExtensionContext, 'secrets' | 'globalState'>,
  encrypt: boolean,
): Promise<{ encrypt: boolean; key: string } | undefined> {
  if (!encrypt && !context.globalState.get<boolean>(createdFlag)) return undefined;
  let key = await context.secrets.get(secretName);
  if (!key && encrypt) {
    key = randomBytes(32).toString('base64');
    await context.secrets.store(secretName, key);
    await context.globalState.update(createdFlag, true);
  }
  return key ? { encrypt, key } : undefined;
}
