// Encryption at rest through the real sidecar process and its contract: the key reaches the sidecar
// inside index/open only (not in its command line, environment or logs), no stored file holds the
// workspace's marker strings, search answers with the text, turning it off over the contract
// converts the store back, a lost key is said in the index's status, and a malformed key is refused
// with the sidecar still serving.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloseIndex, IndexStatusChanged, OpenIndex, SearchIndex, type IndexStatus } from '../../protocol/index';
import { ErrorCodes } from '../../protocol/rpc';
import { rejectsWithCode, startHarness, type Harness } from './harness';

const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-at-rest-sidecar-'));
const root = path.join(scratch, 'workspace');
const storageDir = path.join(scratch, 'storage');
const markers = ['quokkazebramarker', 'saffronlanternmarker'];
after(() => rmSync(scratch, { recursive: true, force: true }));

markers.forEach((marker, i) => {
  mkdirSync(path.join(root, 'src'), { recursive: true });
  writeFileSync(path.join(root, `src/file${i}.ts`), `export function ${marker}(items: number[]) {\n  return items.length * ${i + 2};\n}\n`);
});

function leaks(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (markers.some((marker) => readFileSync(file).includes(marker))) found.push(path.relative(storageDir, file));
    }
  };
  walk(storageDir);
  return found;
}

describe('the index encrypted at rest in the sidecar', () => {
  let harness: Harness;
  const statuses = new Map<string, IndexStatus>();
  const key = randomBytes(32).toString('base64');
  const idle = async () => {
    for (let i = 0; i < 600; i++) {
      const status = statuses.get(root);
      if (status?.state === 'idle' && status.chunks >= markers.length) return status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`the index never became idle: ${JSON.stringify(statuses.get(root))}`);
  };
  const open = async (encryption?: { encrypt: boolean; key: string }) => {
    await harness.sidecar.request(CloseIndex, { root });
    statuses.delete(root);
    await harness.sidecar.request(OpenIndex, { root, storageDir, ...(encryption && { encryption }) });
    return idle();
  };
  const search = async (marker: string) => (await harness.sidecar.request(SearchIndex, { query: marker, limit: 1 })).results[0];

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.ensureStarted();
    harness.sidecar.onNotification(IndexStatusChanged, (status) => statuses.set(status.root, status));
  });
  after(() => harness.sidecar.dispose());

  it('stores no code when on; the key is in no command line, environment or log', async () => {
    await open({ encrypt: true, key });
    for (const [i, marker] of markers.entries()) {
      const found = await search(marker);
      assert.equal(found?.relativePath, `src/file${i}.ts`);
      assert.ok(found?.text.includes(marker));
    }
    await harness.sidecar.request(CloseIndex, { root }); // the table snapshot is written at close
    assert.ok(readdirSync(storageDir).includes('table.bin'));
    assert.deepEqual(leaks(), []);
    const pid = harness.sidecar.info!.server.pid;
    for (const view of ['cmdline', 'environ']) {
      const text = readFileSync(`/proc/${pid}/${view}`, 'latin1');
      assert.ok(!text.includes(key) && !text.includes(Buffer.from(key, 'base64').toString('hex')), `the key is not in the sidecar's ${view}`);
    }
    assert.ok(!harness.logs.some((line) => line.includes(key)), 'the key is never logged');
  });

  it('turned off over the contract, converts the store to plain files with the same answers', async () => {
    await open({ encrypt: false, key });
    assert.equal((await search(markers[1]!))?.relativePath, 'src/file1.ts');
    assert.ok(leaks().length > 0);
  });

  it('with the key lost, says so in the index status and builds it again', async () => {
    await open({ encrypt: true, key });
    const status = await open({ encrypt: true, key: randomBytes(32).toString('base64') });
    assert.match(status.message ?? '', /encrypted with a key Pylot no longer has/);
    assert.equal((await search(markers[0]!))?.relativePath, 'src/file0.ts');
  });

  for (const bad of ['', 'not-base64-at-all', Buffer.alloc(31).toString('base64'), `${'A'.repeat(43)}!`]) {
    it(`refuses the key ${JSON.stringify(bad)} and keeps serving`, async () => {
      await harness.sidecar.request(CloseIndex, { root });
      await rejectsWithCode(harness.sidecar.request(OpenIndex, { root, storageDir, encryption: { encrypt: true, key: bad } }), ErrorCodes.InvalidParams);
      assert.equal(harness.sidecar.status.status, 'ready');
    });
  }
});
