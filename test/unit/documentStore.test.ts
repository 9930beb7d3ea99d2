// The sidecar's document mirror: the line table moved across each edit (not rebuilt) must always
// equal one rebuilt from the text, and positions must land where a freshly opened copy puts them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentStore, lineStartsOf, updateLineStarts } from '../../sidecar/documents/store';

let seed = 11;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pieces = ['', 'a', 'xy', '\n', '\r\n', 'line\n', '\n\n', 'é🙂', 'two\nlines\n', '\nlead'];
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

describe('document store line table', () => {
  it('moves across 5,000 random edits exactly as a rebuild would', () => {
    let text = 'first\nsecond\r\nthird\n\nfifth';
    const starts = lineStartsOf(text);
    for (let round = 0; round < 5_000; round++) {
      const start = Math.floor(random() * (text.length + 1));
      const end = Math.min(text.length, start + pick([0, 0, 1, 2, 5, 20]));
      const inserted = pick(pieces);
      text = text.slice(0, start) + inserted + text.slice(end);
      updateLineStarts(starts, start, end, inserted);
      assert.deepEqual(starts, lineStartsOf(text), `after edit ${round} at ${start}..${end} inserting ${JSON.stringify(inserted)}`);
    }
  });

  it('puts positions where a freshly opened copy does, after edits given as line/character ranges', () => {
    const documents = new DocumentStore();
    const uri = 'file:///ws/a.ts';
    documents.open({ uri, languageId: 'typescript', version: 1, text: 'alpha\nbeta\ngamma\n' });
    for (let version = 2; version < 2_000; version++) {
      const document = documents.peek(uri)!;
      const lines = document.text.split('\n');
      const line = Math.floor(random() * (lines.length + 1));
      const character = Math.floor(random() * 8);
      const endLine = line + pick([0, 0, 0, 1, 2]);
      const range = { start: { line, character }, end: { line: endLine, character: pick([0, 3, 9]) } };
      documents.change({ uri, version, changes: [{ range, text: pick(pieces) }] });
      const fresh = new DocumentStore();
      fresh.open({ uri, languageId: 'typescript', version, text: document.text });
      for (let probe = 0; probe < 5; probe++) {
        const position = { line: Math.floor(random() * (lines.length + 2)), character: Math.floor(random() * 12) };
        assert.equal(document.offsetAt(position), fresh.peek(uri)!.offsetAt(position), `version ${version} ${JSON.stringify(position)}`);
      }
    }
  });

  it('a whole-document replace rebuilds the table', () => {
    const documents = new DocumentStore();
    const uri = 'file:///ws/b.ts';
    documents.open({ uri, languageId: 'typescript', version: 1, text: 'a\nb\nc' });
    assert.equal(documents.peek(uri)!.offsetAt({ line: 2, character: 0 }), 4);
    documents.change({ uri, version: 2, changes: [{ text: 'one line only' }] });
    assert.equal(documents.peek(uri)!.offsetAt({ line: 2, character: 0 }), 'one line only'.length);
    assert.equal(documents.peek(uri)!.offsetAt({ line: 0, character: 4 }), 4);
  });
});
