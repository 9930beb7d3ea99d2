// A chat code block applied over a selection reads as a person would have pasted it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitCode } from '../../extension/chat/placeCode';

const lf = '\n' as const;

describe('fitting a code block to what it replaces', () => {
  it('takes the indentation and the line break of the whole lines it replaces', () => {
    // Ctrl+L on "  return a - b;": the selection starts at column 0 and ends after the line break.
    assert.equal(fitCode('return a + b;', { text: '  return a - b;\n', before: '', eol: lf }), '  return a + b;\n');
    assert.equal(fitCode('if (x) {\n  y();\n}', { text: '    old();\n', before: '', eol: lf }), '    if (x) {\n      y();\n    }\n');
  });

  it('counts indentation before the selection when it starts at the first character', () => {
    assert.equal(fitCode('a();\nb();', { text: 'old();', before: '\t\t', eol: lf }), 'a();\n\t\tb();');
  });

  it('keeps code that is already indented, and blank lines blank', () => {
    assert.equal(fitCode('  a();\n\n  b();', { text: '  x();\n  y();\n', before: '', eol: lf }), '  a();\n\n  b();\n');
    assert.equal(fitCode('a();\n\nb();', { text: '  x();\n', before: '', eol: lf }), '  a();\n\n  b();\n');
  });

  it('leaves a mid-line replacement and an insertion at the cursor as written', () => {
    assert.equal(fitCode('a + b', { text: 'a - b', before: '  return ', eol: lf }), 'a + b');
    assert.equal(fitCode('return a + b;', { text: '', before: '  ', eol: lf }), 'return a + b;');
  });

  it("writes the document's line breaks", () => {
    assert.equal(fitCode('a();\nb();', { text: '  x();\r\n', before: '', eol: '\r\n' }), '  a();\r\n  b();\r\n');
  });

  it('never doubles a line break the code already has', () => {
    assert.equal(fitCode('a();\n', { text: 'x();\n', before: '', eol: lf }), 'a();\n');
  });
});
