// Text on its way to a tokenizer is cut so that no run (of whitespace, or of anything else) is
// longer than maxRunChars: every adversarial shape, at lengths around and far beyond llama.cpp's
// crash bound, comes out in pieces that join back to the text, with no character split in two.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breakLongRuns, cutPoints, maxRunChars, safePieces, tokenizeInPieces } from '../../sidecar/engine/safeText';
import { everyLongRun, longestRun, longRunShapes } from '../fixtures/longRuns';

const lengths = [maxRunChars + 1, 3 * maxRunChars + 17, 24_000, 100_000];

describe('safe text for tokenizers', () => {
  for (const [shape, make] of Object.entries(longRunShapes)) {
    it(`cuts a long run of ${shape} into short pieces that join back`, () => {
      for (const length of lengths) {
        const text = make(length);
        for (const special of [false, true]) {
          const pieces = safePieces(text, special);
          assert.equal(pieces.join(''), text, `${shape} at ${length}: the pieces are the text`);
          for (const piece of pieces) assert.ok(longestRun(piece) <= maxRunChars, `${shape} at ${length}: a piece holds a run of ${longestRun(piece)}`);
          for (const piece of pieces.slice(1)) {
            assert.ok(!/^[\udc00-\udfff]/.test(piece), `${shape}: a surrogate pair was split`);
            assert.equal([...piece].join(''), piece, `${shape}: every piece is well-formed UTF-16`);
          }
        }
      }
    });
  }

  it('leaves ordinary text whole, however long it is', () => {
    const code = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n'.repeat(2_000);
    assert.deepEqual(cutPoints(code), []);
    assert.deepEqual(safePieces(code), [code]);
    assert.equal(breakLongRuns(code), code);
    const exactlyAtTheBound = `${'a'.repeat(maxRunChars)} ${'9'.repeat(maxRunChars)}`;
    assert.deepEqual(cutPoints(exactlyAtTheBound), []);
  });

  it('never cuts inside special-token text when special tokens are parsed', () => {
    const markers = ['<|fim_prefix|>', '<｜fim▁hole｜>', '<|endoftext|>', '[INST]', '<start_of_turn>'];
    // Markers every few hundred characters of one unbroken run: some fall right at a hard limit.
    for (let offset = 0; offset < 40; offset += 7) {
      const text = Array.from({ length: 60 }, (_, i) => 'x'.repeat(offset + ((i * 97) % 400)) + markers[i % markers.length]).join('');
      const pieces = safePieces(text, true);
      assert.ok(pieces.length > 1);
      const count = (s: string, marker: string) => s.split(marker).length - 1;
      for (const marker of markers)
        assert.equal(
          pieces.reduce((sum, piece) => sum + count(piece, marker), 0),
          count(text, marker),
          `${marker} stays whole`,
        );
    }
  });

  it('keeps an emoji sequence or a letter with its marks together where it can', () => {
    for (const shape of ['emojiZwj', 'flags', 'accented'] as const) {
      const pieces = safePieces(longRunShapes[shape]!(10_000));
      for (const piece of pieces.slice(1)) assert.ok(!/^(\u200d|\ufe0f|\p{M})/u.test(piece), `${shape}: a piece starts with a joiner or mark`);
    }
  });

  it('breaks long runs with a line break for engines that tokenize elsewhere', () => {
    const text = everyLongRun(30_000);
    const broken = breakLongRuns(text);
    assert.ok(longestRun(broken, false) <= maxRunChars, `a run of ${longestRun(broken, false)} non-whitespace characters is left`);
    const blanks = Math.max(...(broken.match(/[ \t\v\f\r]+/g) ?? []).map((run) => run.length));
    assert.ok(blanks <= maxRunChars, `a run of ${blanks} spaces without a line break is left`);
    assert.equal(broken.length, text.length + cutPoints(text).length, 'one line break per cut, nothing else changed');
    assert.equal(broken.replace(/\n/g, ''), text.replace(/\n/g, ''));
  });

  it('tokenizes piece by piece and concatenates the tokens', () => {
    const seen: string[] = [];
    // A stand-in tokenizer: one token per UTF-16 unit, refusing any run beyond the bound.
    const native = (text: string) => {
      assert.ok(longestRun(text) <= maxRunChars, 'the tokenizer never sees a long run');
      seen.push(text);
      return Uint32Array.from([...text].map((c) => c.codePointAt(0)!));
    };
    const short = 'return a + b;';
    assert.deepEqual(
      [...tokenizeInPieces(native, short, false)],
      [...short].map((c) => c.codePointAt(0)),
    );
    assert.deepEqual(seen, [short], 'a text with no long run is one call, unchanged');
    seen.length = 0;
    const long = longRunShapes.cjk!(50_000);
    const tokens = tokenizeInPieces(native, long, false);
    assert.equal(String.fromCodePoint(...tokens.slice(0, 1000)), [...long].slice(0, 1000).join(''));
    assert.equal(tokens.length, [...long].length, 'no token lost or added');
  });
});
