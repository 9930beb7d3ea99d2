// What encryption at rest costs the index: the same workspace (copies of Pylot's own sources)
// indexed once, its storage copied, one copy converted to encrypted (as turning the setting on
// does); then, alternating which goes first, each is opened by a fresh registry from its table
// snapshot, opened from its records alone (no snapshot: every record read and opened), and
// searched. Keyword search only (no embedding model): vectors are not encrypted, so they would
// only add the same time to both sides. Printed side by side with ratios, never asserted.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { AtRest } from '../../node/atRest';
import { IndexRegistry, type RegistryServices } from '../../sidecar/index/registry';
import { repoRoot } from '../sidecar/harness';
import { median, percentile, table } from './stats';

const copies = Number(process.env.PYLOT_BENCH_COPIES ?? 4);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 5);
const queries = [
  'scheduler run background',
  'atomic write rename',
  'fill in the middle template',
  'least busy server',
  'approval policy deny rule',
  'chunk table snapshot',
];

const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-at-rest-bench-'));
const root = path.join(scratch, 'workspace');
let bytes = 0;
for (const folder of ['sidecar', 'extension', 'protocol', 'webview-ui', 'test/unit', 'test/sidecar']) {
  for (const file of listTs(path.join(repoRoot, folder))) {
    const text = readFileSync(file, 'utf8');
    for (let copy = 0; copy < copies; copy++) {
      const target = path.join(root, `copy${copy}`, path.relative(repoRoot, file));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
      bytes += text.length;
    }
  }
}

const services: RegistryServices = {
  embedder: { model: () => undefined, embed: async () => [] },
  embedQuery: async () => new Float32Array(0),
  background: (signal, task) => task(signal),
  onStatus: () => undefined,
};
const key = randomBytes(32).toString('base64');
const modes = { plain: undefined, encrypted: new AtRest(key, true) } as const;
type Mode = keyof typeof modes;
const storage = (mode: Mode) => path.join(scratch, `storage-${mode}`);

try {
  const build = new IndexRegistry(services);
  const built = build.open({ root, storageDir: storage('plain') });
  await built.idle();
  const { chunks, filesIndexed: files } = built.status();
  await build.closeAll();
  cpSync(storage('plain'), storage('encrypted'), { recursive: true });
  const convertStart = performance.now();
  await open('encrypted', true); // turning the setting on: every record and the snapshot sealed
  const convertMs = performance.now() - convertStart;

  const results: Record<Mode, { snapshot: number[]; records: number[]; search: number[] }> = {
    plain: { snapshot: [], records: [], search: [] },
    encrypted: { snapshot: [], records: [], search: [] },
  };
  for (let round = 0; round < rounds; round++) {
    const order: Mode[] = round % 2 ? ['encrypted', 'plain'] : ['plain', 'encrypted'];
    for (const mode of order) {
      const fromSnapshot = await open(mode, true);
      results[mode].snapshot.push(fromSnapshot.loadMs);
      results[mode].search.push(...fromSnapshot.searchMs);
      // Without the snapshot (as a first open after an upgrade, or a damaged one): every record read.
      rmSync(path.join(storage(mode), 'table.bin'));
      results[mode].records.push((await open(mode, false)).loadMs);
    }
  }

  const sizes = (mode: Mode) => (duSync(storage(mode)) / 1024 / 1024).toFixed(1);
  console.log(
    `\nPylot index at rest bench — ${files} files, ${chunks} chunks (${(bytes / 1024 / 1024).toFixed(1)} MiB of TypeScript), ${rounds} rounds, load average ${loadavg()[0]!.toFixed(1)}\n`,
  );
  const row = (label: string, pick: (mode: Mode) => number[], p = 50) => {
    const [plain, encrypted] = [percentile(pick('plain'), p), percentile(pick('encrypted'), p)];
    return [label, plain.toFixed(1), encrypted.toFixed(1), `${(encrypted / plain).toFixed(2)}×`];
  };
  console.log(
    table([
      ['measure (ms)', 'plain', 'encrypted', 'ratio'],
      row('open from the table snapshot, median', (mode) => results[mode].snapshot),
      row('open from every record, median', (mode) => results[mode].records),
      row('keyword search, median', (mode) => results[mode].search),
      row('keyword search, p95', (mode) => results[mode].search, 95),
      ['storage size (MiB)', sizes('plain'), sizes('encrypted'), ''],
    ]),
  );
  console.log(
    `\nturning encryption on (sealing every record and the snapshot, then opening): ${convertMs.toFixed(0)} ms; search medians ${median(results.plain.search).toFixed(2)} vs ${median(results.encrypted.search).toFixed(2)} ms`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** A fresh registry opens the index (as a restarted sidecar does); with `search`, the queries run on it. */
async function open(mode: Mode, search: boolean): Promise<{ loadMs: number; searchMs: number[] }> {
  const registry = new IndexRegistry(services);
  const started = performance.now();
  const index = registry.open({ root, storageDir: storage(mode), ...(modes[mode] && { atRest: modes[mode] }) });
  await index.loaded;
  const loadMs = performance.now() - started;
  const searchMs: number[] = [];
  if (search)
    for (const query of queries) {
      const at = performance.now();
      await registry.search({ query, limit: 10 }, new AbortController().signal);
      searchMs.push(performance.now() - at);
    }
  await index.idle();
  await registry.closeAll();
  return { loadMs, searchMs };
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? listTs(file) : entry.name.endsWith('.ts') ? [file] : [];
  });
}

function duSync(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const file = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? duSync(file) : statSync(file).size);
  }, 0);
}
