// Where the tools that test/tools/install-test-tools.sh installed live: Node 24 and code-server's entry.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface TestTools {
  node24: string;
  codeServerEntry: string;
}

/** PYLOT_NODE24 / PYLOT_CODE_SERVER from the environment win over the installer's env file in the cache. */
export function findTestTools(): TestTools {
  const cache = process.env.PYLOT_CACHE || join(homedir(), '.cache', 'pylot');
  const envFile = join(cache, 'test-tools.env');
  const fromFile: Record<string, string> = {};
  if (existsSync(envFile)) {
    for (const line of readFileSync(envFile, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) fromFile[line.slice(0, eq)] = line.slice(eq + 1).trim();
    }
  }
  const node24 = process.env.PYLOT_NODE24 || fromFile.PYLOT_NODE24;
  const codeServerEntry = process.env.PYLOT_CODE_SERVER || fromFile.PYLOT_CODE_SERVER;
  if (!node24 || !codeServerEntry || !existsSync(node24) || !existsSync(codeServerEntry)) {
    throw new Error(`Node 24 / code-server not found (looked in ${envFile}): run test/tools/install-test-tools.sh`);
  }
  return { node24, codeServerEntry };
}
