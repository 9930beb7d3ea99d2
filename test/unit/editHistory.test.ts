// The edit history next-edit suggestions read: keystrokes coalesced per place and file, printed as
// unified diffs with file names under a token cap; secret files never recorded, ignored ones never
// printed; a file reloaded whole or a burst of files (a checkout) resets it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentStore } from '../../sidecar/documents/store';
import { changeOf, EditHistory, maxGroups } from '../../sidecar/nextEdit/editHistory';
import { historyDiffs } from '../../sidecar/nextEdit/historyDiffs';

interface Rig {
  readonly documents: DocumentStore;
  readonly history: EditHistory;
  clock: number;
  open(name: string, text: string): void;
  /** Replaces the first `find` after `from` with `replace`, one character at a time as typing would. */
  type(name: string, find: string, replace: string, from?: number): void;
  edit(name: string, start: number, end: number, text: string): void;
  diffs(maxTokens?: number, allows?: (uri: string) => boolean): string[];
}

function rig(): Rig {
  const documents = new DocumentStore();
  const versions = new Map<string, number>();
  const r: Rig = {
    documents,
    history: undefined as unknown as EditHistory,
    clock: 1_000,
    open(name, text) {
      versions.set(name, 1);
      documents.open({ uri: uriOf(name), languageId: 'typescript', version: 1, text });
    },
    edit(name, start, end, text) {
      const document = documents.peek(uriOf(name))!;
      const version = versions.get(name)! + 1;
      versions.set(name, version);
      documents.change({
        uri: uriOf(name),
        version,
        changes: [{ range: { start: positionAt(document.text, start), end: positionAt(document.text, end) }, text }],
      });
      r.clock += 50;
    },
    type(name, find, replace, from = 0) {
      const start = documents.peek(uriOf(name))!.text.indexOf(find, from);
      assert.ok(start >= 0, `${find} is in ${name}`);
      r.edit(name, start, start + find.length, '');
      for (let i = 0; i < replace.length; i++) r.edit(name, start + i, start + i, replace[i]!);
    },
    diffs(maxTokens = 2_000, allows = () => true) {
      return historyDiffs(r.history, { maxTokens, allows, filenameOf: (uri) => uri.slice('file:///ws/'.length) }).map((d) => d.diff);
    },
  };
  (r as { history: EditHistory }).history = new EditHistory({ textOf: (uri) => documents.peek(uri)?.text, now: () => r.clock });
  documents.onEdit((uri, edit) => r.history.record(uri, edit));
  return r;
}

const uriOf = (name: string) => `file:///ws/${name}`;

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

const source = [
  'function total(items) {',
  '  let sum = 0;',
  '  for (const item of items) sum += item.price;',
  '  // Prices are in cents,',
  '  // so the sum is exact.',
  '  return sum;',
  '}',
  '',
].join('\n');

describe('edit history', () => {
  it('coalesces the keystrokes of one change into one diff, named by the file', () => {
    const r = rig();
    r.open('cart.ts', source);
    r.type('cart.ts', 'sum', 'subtotal');
    assert.equal(r.history.groups.length, 1);
    assert.equal(r.history.groups[0]!.edits, 9);
    assert.deepEqual(r.diffs(), [
      [
        '--- a/cart.ts',
        '+++ b/cart.ts',
        '@@ -1,4 +1,4 @@',
        ' function total(items) {',
        '-  let sum = 0;',
        '+  let subtotal = 0;',
        '   for (const item of items) sum += item.price;',
        '   // Prices are in cents,',
      ].join('\n'),
    ]);
  });

  it('starts a new group at a place further away, and numbers its lines as in the file', () => {
    const r = rig();
    r.open('cart.ts', source);
    r.type('cart.ts', 'sum', 'subtotal');
    r.type('cart.ts', 'return sum', 'return subtotal');
    const diffs = r.diffs();
    assert.equal(diffs.length, 2);
    assert.match(diffs[1]!, /^@@ -4,4 \+4,4 @@$/m);
    assert.match(diffs[1]!, /^- {2}return sum;\n\+ {2}return subtotal;$/m);
    // The first diff is frozen with the text as it was when the second began.
    assert.match(diffs[0]!, /^\+ {2}let subtotal = 0;\n {3}for/m);
    assert.match(diffs[0]!, /^ {3}\/\/ Prices are in cents,$/m);
    assert.doesNotMatch(diffs[0]!, /return/);
  });

  it('keeps edits in other files apart, in order, each with its name', () => {
    const r = rig();
    r.open('a.ts', 'export const a = 1;\n');
    r.open('b.py', 'def b():\n    return 2\n');
    r.type('a.ts', '1', '10');
    r.type('b.py', '2', '20');
    r.type('a.ts', '10', '100');
    const diffs = r.diffs();
    assert.deepEqual(
      diffs.map((d) => d.split('\n')[0]),
      ['--- a/a.ts', '--- a/b.py', '--- a/a.ts'],
    );
    assert.match(diffs[2]!, /^-export const a = 10;\n\+export const a = 100;$/m);
  });

  it('forgets a change the user undid by typing it back', () => {
    const r = rig();
    r.open('cart.ts', source);
    r.type('cart.ts', 'sum', 'total');
    r.type('cart.ts', 'total = 0', 'sum = 0');
    assert.deepEqual(r.diffs(), []);
    assert.equal(changeOf(r.history, r.history.groups[0]!), undefined);
  });

  it('does not join a change made after a long pause', () => {
    const r = rig();
    r.open('cart.ts', source);
    r.type('cart.ts', 'sum', 'acc');
    r.clock += 120_000;
    r.type('cart.ts', 'acc', 'accumulator');
    assert.equal(r.history.groups.length, 2);
  });

  it('keeps the newest diffs that fit the token cap', () => {
    const r = rig();
    r.open('cart.ts', source);
    r.type('cart.ts', 'sum', 'subtotal');
    r.type('cart.ts', 'return sum', 'return subtotal');
    const both = r.diffs();
    const newest = r.diffs(Math.ceil(both[1]!.length / 3) + 1);
    assert.deepEqual(newest, [both[1]]);
    assert.deepEqual(r.diffs(3), []);
  });

  it('keeps at most its cap of groups, dropping the oldest', () => {
    const r = rig();
    const lines = Array.from({ length: 100 }, (_, i) => `const v${i} = ${i};`);
    r.open('many.ts', lines.join('\n'));
    for (let i = 0; i < 30; i++) r.type('many.ts', `v${i * 3} =`, `w${i * 3} =`);
    assert.equal(r.history.groups.length, maxGroups);
    assert.ok(r.diffs().every((d) => !d.includes('+const w0 =')));
    assert.match(r.diffs().at(-1)!, /\+const w87 = 87;/);
  });

  for (const name of ['.env', '.env.local', 'config/app.env', 'secrets/token.txt', 'id_rsa', 'deploy.pem', '.npmrc', 'CREDENTIALS.JSON']) {
    it(`never records an edit to the secret file ${name}`, () => {
      const r = rig();
      r.open(name, 'API_KEY=abc\n');
      r.type(name, 'abc', 'xyz');
      assert.equal(r.history.groups.length, 0);
    });
  }

  it('leaves out of the diffs the files the boundary refuses, but keeps the others', () => {
    const r = rig();
    r.open('dist/bundle.js', 'var a = 1;\n');
    r.open('src/a.ts', 'const a = 1;\n');
    r.type('dist/bundle.js', '1', '2');
    r.type('src/a.ts', '1', '2');
    const diffs = r.diffs(2_000, (uri) => !uri.includes('/dist/'));
    assert.deepEqual(
      diffs.map((d) => d.split('\n')[0]),
      ['--- a/src/a.ts'],
    );
  });

  it('resets a file reloaded whole (as a checkout or a revert does), with or without a range', () => {
    for (const ranged of [true, false]) {
      const r = rig();
      r.open('cart.ts', source);
      r.open('other.ts', 'let x = 1;\n');
      r.type('other.ts', '1', '2');
      r.type('cart.ts', 'sum', 'subtotal');
      const text = r.documents.peek(uriOf('cart.ts'))!.text;
      if (ranged) r.edit('cart.ts', 0, text.length, 'export {};\n');
      else r.documents.change({ uri: uriOf('cart.ts'), version: 99, changes: [{ text: 'export {};\n' }] });
      assert.deepEqual(
        r.history.groups.map((g) => g.uri),
        [uriOf('other.ts')],
      );
    }
  });

  it('resets everything when many files change at once (a branch switch)', () => {
    const r = rig();
    for (const name of ['a.ts', 'b.ts', 'c.ts', 'd.ts']) r.open(name, 'let x = 1;\n');
    r.type('a.ts', '1', '2');
    r.clock += 5_000;
    for (const name of ['a.ts', 'b.ts', 'c.ts', 'd.ts']) {
      r.edit(name, 4, 5, 'y');
      r.clock -= 49; // all within a few milliseconds
    }
    assert.equal(r.history.groups.length, 0);
  });

  it('does not reset when the user types into an empty file or deletes everything', () => {
    const r = rig();
    r.open('new.ts', '');
    r.edit('new.ts', 0, 0, 'const x = 1;\n');
    r.edit('new.ts', 0, 13, '');
    r.edit('new.ts', 0, 0, 'let y;\n');
    assert.deepEqual(r.diffs().length, 1);
    assert.match(r.diffs()[0]!, /^\+let y;$/m);
  });

  it('prints an edit that spans lines and one at the end of a file without a final newline', () => {
    const r = rig();
    r.open('end.py', 'def f():\n    return 1');
    r.type('end.py', 'return 1', 'x = 1\n    return x');
    const [diff] = r.diffs();
    assert.equal(
      diff,
      [
        '--- a/end.py',
        '+++ b/end.py',
        '@@ -1,2 +1,3 @@',
        ' def f():',
        '-    return 1',
        '\\ No newline at end of file',
        '+    x = 1',
        '+    return x',
        '\\ No newline at end of file',
      ].join('\n'),
    );
  });

  it('handles surrogate pairs and CRLF text', () => {
    const r = rig();
    r.open('emoji.ts', 'const a = "😀";\r\nconst b = a;\r\n');
    r.type('emoji.ts', '😀', '🎉');
    const change = changeOf(r.history, r.history.groups[0]!)!;
    assert.equal(r.documents.peek(uriOf('emoji.ts'))!.text, 'const a = "🎉";\r\nconst b = a;\r\n');
    assert.deepEqual([change.removed, change.inserted], ['😀', '🎉']);
    assert.match(r.diffs()[0]!, /^\+const a = "🎉";\r$/m);
  });
});
