// What the index may read: .gitignore at any depth, .pylotignore, user patterns, secrets always out.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { walkWorkspace, type WalkNote } from '../../sidecar/index/walk';
import { looksBinary, WorkspaceFilter } from '../../sidecar/index/workspaceFilter';

const root = mkdtempSync(path.join(tmpdir(), 'pylot-index-filter-'));
after(() => rmSync(root, { recursive: true, force: true }));

function put(relative: string, text = 'export const x = 1;\n'): void {
  mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  writeFileSync(path.join(root, relative), text);
}

put('.gitignore', 'build/\n*.log\n');
put('.pylotignore', 'private/\n');
put('src/app.ts');
put('src/.gitignore', 'generated.ts\n');
put('src/generated.ts');
put('src/deep/util.py', 'def f():\n    return 1\n');
put('build/out.js');
put('debug.log', 'log');
put('private/notes.md', 'notes');
put('.env', 'TOKEN=secret');
put('config/.env.production', 'TOKEN=secret');
put('keys/server.pem', '-----BEGIN PRIVATE KEY-----');
put('node_modules/lib/index.js');
put('vendor/skip.ts');
put('big.ts', 'x'.repeat(5000));

test('the walk yields only what the rules allow', async () => {
  const filter = new WorkspaceFilter(root, ['vendor/'], 4096);
  const found: string[] = [];
  for await (const file of walkWorkspace(filter)) found.push(file.relative);
  assert.deepEqual(found.sort(), ['.gitignore', '.pylotignore', 'src/.gitignore', 'src/app.ts', 'src/deep/util.py']);
});

test('the walk is bounded in entries and depth, and says where it stopped', async () => {
  const filter = new WorkspaceFilter(root, ['vendor/'], 4096);
  const few: WalkNote = {};
  const found: string[] = [];
  for await (const file of walkWorkspace(filter, undefined, few, { maxEntries: 3, maxDepth: 64 })) found.push(file.relative);
  assert.ok(found.length <= 3);
  assert.match(few.stoppedEarly ?? '', /stopped after looking at 3 folder entries/);
  const shallow: WalkNote = {};
  found.length = 0;
  for await (const file of walkWorkspace(filter, undefined, shallow, { maxEntries: 1000, maxDepth: 2 })) found.push(file.relative);
  assert.deepEqual(found.sort(), ['.gitignore', '.pylotignore', 'src/.gitignore', 'src/app.ts']);
  assert.match(shallow.stoppedEarly ?? '', /deeper than 2 levels.*src\/deep/);
});

test('single paths from file events are judged by every rule above them', () => {
  const filter = new WorkspaceFilter(root);
  assert.equal(filter.ignoresPath('src/app.ts'), false);
  assert.equal(filter.ignoresPath('src/generated.ts'), true, 'nested .gitignore');
  assert.equal(filter.ignoresPath('build/nested/file.ts'), true, 'ignored folder');
  assert.equal(filter.ignoresPath('private/notes.md'), true, '.pylotignore');
  assert.equal(filter.ignoresPath('config/.env.production'), true, 'secrets at any depth');
  assert.equal(filter.ignoresPath('id_rsa'), true);
  assert.equal(filter.ignoresPath('node_modules/lib/index.js'), true);
});

test('binary content is recognised by a NUL byte', () => {
  assert.equal(looksBinary(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1])), true);
  assert.equal(looksBinary(new TextEncoder().encode('plain text')), false);
});
