// edit_file's matching: exact and unique, then whitespace-tolerant, or a line range; a missing or
// ambiguous match is an error that says what to do, never a guess.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeEdit } from '../../extension/agent/edits/editText';

const file = 'function add(a, b) {\n    return a - b;\n}\n\nfunction sub(a, b) {\n    return a - b;\n}\n';

describe('computing an edit', () => {
  it('replaces a unique exact match', () => {
    assert.deepEqual(computeEdit(file, { oldText: 'function add(a, b) {\n    return a - b;', newText: 'function add(a, b) {\n    return a + b;' }), {
      ok: true,
      how: 'exact',
      text: file.replace('return a - b', 'return a + b'),
    });
  });

  it('refuses an ambiguous match and a missing one', () => {
    const ambiguous = computeEdit(file, { oldText: 'return a - b;', newText: 'return 0;' });
    assert.equal(ambiguous.ok, false);
    assert.match(!ambiguous.ok ? ambiguous.error : '', /appears 2 times/);
    assert.match((computeEdit(file, { oldText: 'return a * b;', newText: 'x' }) as { error: string }).error, /not found/);
    assert.match((computeEdit(file, { oldText: 'a', newText: 'a' }) as { error: string }).error, /appears|changes nothing/);
  });

  it('falls back to matching lines whatever their indentation', () => {
    const result = computeEdit(file, { oldText: 'function sub(a, b) {\n  return a - b;  \n', newText: 'function sub(a, b) {\n    return a - b - 0;' });
    assert.equal(result.ok && result.how, 'fuzzy');
    assert.equal(result.ok && result.text, file.replace('sub(a, b) {\n    return a - b;', 'sub(a, b) {\n    return a - b - 0;'));
  });

  it('replaces, inserts and appends by line numbers', () => {
    assert.equal((computeEdit('a\nb\nc', { startLine: 2, endLine: 2, newText: 'B' }) as { text: string }).text, 'a\nB\nc');
    assert.equal((computeEdit('a\nb\nc', { startLine: 2, endLine: 1, newText: 'x' }) as { text: string }).text, 'a\nx\nb\nc');
    assert.equal((computeEdit('a\nb', { startLine: 3, endLine: 2, newText: 'c' }) as { text: string }).text, 'a\nb\nc');
    assert.equal(computeEdit('a\nb', { startLine: 5, newText: 'x' }).ok, false);
    assert.equal(computeEdit('a\nb', { newText: 'x' }).ok, false);
  });

  it('keeps CRLF files CRLF', () => {
    assert.equal((computeEdit('a\r\nb\r\n', { oldText: 'b', newText: 'c\nd' }) as { text: string }).text, 'a\r\nc\r\nd\r\n');
  });
});
