// Encryption at rest of the workspace index: AES-256-GCM round trips; changed bytes, a wrong key and
// no key each give a clear error; an index opened with encryption holds none of the workspace's
// marker strings in any stored file; turning it off and on again converts what is stored with the
// same answers; a lost key means a clear message and a fresh index; a tampered record is set aside
// and indexed again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { AtRest, AtRestError } from '../../node/atRest';
import { IndexRegistry, type RegistryServices } from '../../sidecar/index/registry';

const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-at-rest-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const key = () => randomBytes(32).toString('base64');
const markers = ['quokkazebramarker', 'saffronlanternmarker', 'tangerinevaultmarker'];

describe('AES-256-GCM at rest', () => {
  const atRest = new AtRest(key(), true);

  it('round-trips text and bytes, and never stores the plain text', () => {
    const sealed = atRest.seal(`const ${markers[0]} = 1;`);
    assert.ok(!sealed.includes(markers[0]!));
    assert.equal(atRest.open(sealed, 'A record').toString('utf8'), `const ${markers[0]} = 1;`);
    const bytes = new Uint8Array(randomBytes(4096));
    assert.deepEqual(new Uint8Array(atRest.open(atRest.seal(bytes), 'A table')), bytes);
    assert.equal(atRest.open(atRest.seal(''), 'Nothing').length, 0);
    assert.notDeepEqual(atRest.seal('same'), atRest.seal('same'), 'a fresh IV each time');
  });

  it('reads plain files as they are (what is migrated), and writes plain when off', () => {
    assert.equal(atRest.open(Buffer.from('{"plain":true}'), 'A record').toString(), '{"plain":true}');
    assert.equal(AtRest.plain.seal('text').toString(), 'text');
    assert.equal(new AtRest(key(), false).seal('text').toString(), 'text');
  });

  const sealed = atRest.seal(`export function ${markers[1]}() {}`);
  const magicLength = 16;
  for (const [what, at] of [
    ['the IV', magicLength + 3],
    ['the tag', magicLength + 12 + 5],
    ['the ciphertext', sealed.length - 1],
  ] as const) {
    it(`refuses a file whose ${what} was changed, saying so`, () => {
      const changed = Buffer.from(sealed);
      changed[at]! ^= 0x01;
      assert.throws(
        () => atRest.open(changed, 'The index record 1a2b.json'),
        (error: unknown) =>
          error instanceof AtRestError &&
          error.reason === 'tampered' &&
          error.message.startsWith('The index record 1a2b.json failed its integrity check: it was changed or damaged'),
      );
    });
  }

  for (const length of [magicLength, magicLength + 12, magicLength + 27, sealed.length - 1]) {
    it(`refuses a sealed file cut to ${length} bytes`, () => {
      assert.throws(
        () => atRest.open(sealed.subarray(0, length), 'A record'),
        (error: unknown) => error instanceof AtRestError && error.reason === 'tampered',
      );
    });
  }

  it('refuses another key, and says when there is no key at all', () => {
    assert.throws(
      () => new AtRest(key(), true).open(sealed, 'A record'),
      (error: unknown) => error instanceof AtRestError && error.reason === 'tampered',
    );
    assert.throws(
      () => AtRest.plain.open(sealed, 'A record'),
      (error: unknown) => error instanceof AtRestError && error.reason === 'noKey' && /no key for it/.test(error.message),
    );
  });

  for (const bad of ['', 'c2hvcnQ=', Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64'), `${key().slice(0, 43)}!`]) {
    it(`refuses the key ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => new AtRest(bad, true),
        (error: unknown) => error instanceof PylotError && error.code === ErrorCodes.InvalidParams,
      );
    });
  }

  it('refuses to encrypt without a key', () => {
    assert.throws(() => new AtRest(undefined, true), /no key was given/);
  });
});

describe('the index encrypted at rest', () => {
  const root = path.join(scratch, 'workspace');
  mkdirSync(path.join(root, 'src'), { recursive: true });
  markers.forEach((marker, i) =>
    writeFileSync(
      path.join(root, `src/file${i}.ts`),
      `export function ${marker}(items: number[]) {\n  return items.length * ${i + 2};\n}\n// ${marker} keeps its secret ${i}\n`,
    ),
  );
  let run = 0;
  const services = (): RegistryServices => {
    // Keyword search alone: each marker is one word of one file.
    const none = async () => [] as Float32Array[];
    return {
      embedder: { model: () => undefined, embed: none },
      embedQuery: async () => new Float32Array(0),
      background: (s, t) => t(s),
      onStatus: () => undefined,
    };
  };
  const storageDir = path.join(scratch, 'storage');

  /** Opens the index as the sidecar does for index/open, waits for it to be idle, and returns what searches for each marker find. */
  async function open(atRest?: AtRest) {
    run++;
    const registry = new IndexRegistry(services());
    const index = registry.open({ root, storageDir, ...(atRest && { atRest }) });
    await index.idle();
    const found: string[] = [];
    for (const marker of markers) {
      const { results } = await registry.search({ query: marker, limit: 1 }, new AbortController().signal);
      found.push(`${results[0]?.relativePath}: ${results[0]?.text.includes(marker)}`);
    }
    // Without an embedding model the index says so; only other messages matter here.
    const message = index.status().message?.replace(/^No embedding model is loaded.*$/, '') || undefined;
    await registry.closeAll();
    return { found, message };
  }
  const expected = markers.map((_, i) => `src/file${i}.ts: true`);

  /** Every stored file that holds a marker string. */
  function leaks(): string[] {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (markers.some((marker) => readFileSync(file).includes(marker))) files.push(path.relative(storageDir, file));
      }
    };
    walk(storageDir);
    return files;
  }
  const storedMode = () => JSON.parse(readFileSync(path.join(storageDir, 'atrest.json'), 'utf8')) as { encrypted: boolean };
  const first = key();

  it('stores none of the code when on, and finds it all', async () => {
    assert.deepEqual(await open(new AtRest(first, true)), { found: expected, message: undefined });
    assert.deepEqual(leaks(), []);
    assert.ok(
      readdirSync(path.join(storageDir, 'files')).some((name) => name.endsWith('.json')),
      'the records are there, sealed',
    );
    assert.ok(readdirSync(storageDir).includes('table.bin'));
    assert.deepEqual((await open(new AtRest(first, true))).found, expected, 'reopened from the sealed table snapshot');
    assert.deepEqual(leaks(), []);
  });

  it('turned off, converts the stored index to plain files with the same answers', async () => {
    assert.deepEqual(await open(new AtRest(first, false)), { found: expected, message: undefined });
    assert.equal(storedMode().encrypted, false);
    assert.ok(leaks().length > 0, 'plain records hold the code, as before encryption existed');
    assert.deepEqual((await open()).found, expected, 'and without any key');
  });

  it('turned on again, converts it back', async () => {
    assert.deepEqual(await open(new AtRest(first, true)), { found: expected, message: undefined });
    assert.equal(storedMode().encrypted, true);
    assert.deepEqual(leaks(), []);
  });

  it('with the key lost, says so and builds a fresh index', async () => {
    const second = key();
    const { found, message } = await open(new AtRest(second, true));
    assert.match(message ?? '', /^The index was encrypted with a key Pylot no longer has .*, so it is being built again from your files\.$/);
    assert.deepEqual(found, expected, 'the fresh index answers');
    assert.deepEqual(leaks(), []);
    // Lost with encryption off: the same, into plain files.
    const plain = await open();
    assert.match(plain.message ?? '', /key Pylot no longer has/);
    assert.deepEqual(plain.found, expected);
    assert.equal(storedMode().encrypted, false);
  });

  it('sets a tampered record aside and indexes its file again', async () => {
    const third = key();
    await open(new AtRest(third, true));
    const records = readdirSync(path.join(storageDir, 'files')).filter((name) => name.endsWith('.json'));
    for (const name of records) {
      const file = path.join(storageDir, 'files', name);
      const bytes = readFileSync(file);
      bytes[bytes.length - 2]! ^= 0xff;
      writeFileSync(file, bytes);
    }
    rmSync(path.join(storageDir, 'table.bin'));
    const { found, message } = await open(new AtRest(third, true));
    assert.deepEqual(found, expected);
    assert.equal(message, undefined, 'the key is right: nothing to tell but the log');
    assert.deepEqual(leaks(), []);
    assert.equal(run, 9);
  });
});
