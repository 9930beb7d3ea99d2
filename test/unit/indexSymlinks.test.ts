// The index never follows a symlink, whether the scan meets it or a file event names it (a link to
// a file, a link to a folder, a link to a secret inside the workspace), and search results (what
// @codebase and search_code return) are judged again on the way out: a file ignored, or replaced by
// a link, since it was indexed is not shown.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync, appendFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { IndexRegistry, type RegistryServices } from '../../sidecar/index/registry';

const scratch = mkdtempSync(path.join(tmpdir(), 'pylot-index-links-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const services: RegistryServices = {
  embedder: { model: () => undefined, embed: async () => [] },
  embedQuery: async () => new Float32Array(0),
  background: (signal, task) => task(signal),
  onStatus: () => undefined,
};

function put(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** One searchable term per file: a lowercase identifier is not split into subwords. */
const words = (name: string) => `export function ${name.toLowerCase()}marker() {\n  return 1;\n}\n`;

async function search(registry: IndexRegistry, query: string, limit = 20): Promise<string[]> {
  const answer = await registry.search({ query, limit }, new AbortController().signal);
  return answer.results.map((result) => result.relativePath);
}

describe('the index and symlinks', () => {
  it('skips a symlink named by a file event, as the scan does: to a file, to a folder, to a secret', async () => {
    const base = path.join(scratch, 'events');
    const root = path.join(base, 'ws');
    const outside = path.join(base, 'outside');
    put(path.join(root, 'src/app.ts'), words('appOwn'));
    put(path.join(root, '.env'), 'TOKEN=envsecret\n');
    put(path.join(outside, 'secret.ts'), words('outsideFile'));
    put(path.join(outside, 'dir/inner.ts'), words('outsideDir'));
    const registry = new IndexRegistry(services);
    const index = registry.open({ root, storageDir: path.join(base, 'storage') });
    await index.idle();
    // Links made after the scan, announced by events the way the extension forwards them.
    const links: Array<[string, string]> = [
      [path.join(outside, 'secret.ts'), 'src/link.ts'],
      [path.join(outside, 'dir'), 'src/linkdir'],
      [path.join(root, '.env'), 'src/notes.ts'],
      [path.join(outside, 'secret.ts'), 'src/deep/er/link2.ts'],
    ];
    for (const [target, relative] of links) {
      mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      symlinkSync(target, path.join(root, relative));
    }
    const events = ['src/link.ts', 'src/linkdir/inner.ts', 'src/linkdir', 'src/notes.ts', 'src/deep/er/link2.ts', '.env', '../outside/secret.ts'];
    for (const event of events) {
      const located = registry.locate(path.join(root, event));
      for (const type of ['created', 'changed'] as const) located?.index.changed(located.relative, type);
    }
    await index.idle();
    assert.equal(index.status().filesIndexed, 1, 'only src/app.ts');
    for (const query of ['outsidefilemarker', 'outsidedirmarker', 'envsecret', 'TOKEN']) assert.deepEqual(await search(registry, query), [], query);
    assert.deepEqual(await search(registry, 'appownmarker'), ['src/app.ts']);
    // A rescan (a .gitignore changed) walks past the links too.
    index.changed('.gitignore', 'created');
    await index.idle();
    assert.equal(index.status().filesIndexed, 1);
    await registry.closeAll();
  });

  it('checks search results again: a file ignored, linked away or moved behind a link since is not returned', async () => {
    const base = path.join(scratch, 'results');
    const root = path.join(base, 'ws');
    const outside = path.join(base, 'outside');
    const storageDir = path.join(base, 'storage');
    const letters = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const fileOf = (letter: string) => `src/${letter}/shared${letter}.ts`;
    for (const letter of letters) put(path.join(root, fileOf(letter)), `${words(`shared${letter}`)}// sharedqueryword\n`);
    put(path.join(outside, 'other.ts'), '// sharedqueryword from outside\n');
    const writer = new IndexRegistry(services);
    await writer.open({ root, storageDir }).idle();
    // A second registry on the same storage is a reader: it loads the records and never rewrites them,
    // so what it holds goes stale as the folder changes (as a second window's index does).
    const reader = new IndexRegistry(services);
    const index = reader.open({ root, storageDir });
    await index.loaded;
    assert.equal(index.writer, false);
    await writer.closeAll();
    assert.equal((await search(reader, 'sharedqueryword')).length, letters.length);

    appendFileSync(path.join(root, '.pylotignore'), 'src/a/\n');
    put(path.join(root, 'src/b/.gitignore'), 'sharedb.ts\n');
    unlinkSync(path.join(root, fileOf('c')));
    symlinkSync(path.join(outside, 'other.ts'), path.join(root, fileOf('c')));
    renameSync(path.join(root, 'src/d'), path.join(outside, 'd'));
    symlinkSync(path.join(outside, 'd'), path.join(root, 'src/d'));
    for (const rules of ['.pylotignore', 'src/b/.gitignore']) index.changed(rules, 'changed');
    const left = await search(reader, 'sharedqueryword', 3);
    assert.equal(left.length, 3, 'the limit is filled from what may be shown');
    for (const file of left) assert.ok(['e', 'f', 'g', 'h'].map(fileOf).includes(file), `${file} was shown`);
    assert.deepEqual((await search(reader, 'sharedqueryword')).sort(), ['e', 'f', 'g', 'h'].map(fileOf));
    await reader.closeAll();
  });
});
