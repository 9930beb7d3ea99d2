// Runs every benchmark in this folder, one after another (they would disturb each other in parallel).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const only = process.argv[2];
const benches = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.bench.mjs') && (!only || f.includes(only)));
let failed = false;
for (const bench of benches) {
  const result = spawnSync(process.execPath, [path.join(import.meta.dirname, bench)], { stdio: 'inherit' });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
