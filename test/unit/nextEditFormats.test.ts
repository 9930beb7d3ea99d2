// Golden vectors for the next-edit prompt formats: each file in golden/nextEdit/ gives a model (its
// GGUF name and special tokens), a document with the cursor, the recent edits, the exact prompt the
// family was trained on, a model output and the region read from it, and the edits that come of it.
// Also: the region cut around the cursor, the rewrite diffed back into edits, and detection.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { detectNextEditFormat, instructFormat, type EditEvent, type NextEditFormat } from '../../sidecar/nextEdit/formats';
import { regionAround, regionEdits, regionInput } from '../../sidecar/nextEdit/region';

interface GoldenNextEdit {
  description: string;
  model: { name: string; specialTokens: string[] };
  family: string;
  filename: string;
  /** The document, the cursor written as <CURSOR>. */
  document: string;
  events: EditEvent[];
  /** The region before the user's last edit (Sweep's original/ block). */
  original?: string;
  prompt: string;
  output: string;
  region: string;
  edits: Array<{ start: number; end: number; text: string }>;
}

const cursorMark = '<CURSOR>';
const folder = path.resolve(import.meta.dirname, '../../../test/unit/golden/nextEdit');
const goldens = readdirSync(folder)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ name: file.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as GoldenNextEdit) }));

function formatOf(golden: GoldenNextEdit): NextEditFormat | undefined {
  if (golden.family === 'instruct') return instructFormat;
  return detectNextEditFormat({ name: golden.model.name, has: (token) => golden.model.specialTokens.includes(token) });
}

describe('next-edit formats (golden vectors)', () => {
  it('covers every family', () => {
    assert.deepEqual([...new Set(goldens.map((g) => g.family))].sort(), ['instinct', 'instruct', 'sweep', 'zeta']);
  });

  for (const golden of goldens) {
    it(`${golden.name}: ${golden.description}`, () => {
      const format = formatOf(golden);
      assert.equal(format?.family, golden.family);
      const cursor = golden.document.indexOf(cursorMark);
      const text = golden.document.replace(cursorMark, '');
      const region = regionAround(text, cursor);
      const current = text.slice(region.start, region.end);
      const input = regionInput(text, region, cursor, { filename: golden.filename, events: golden.events, original: golden.original ?? current });
      const prompt = format!.build(input);
      assert.equal(prompt.head + prompt.tail, golden.prompt);
      assert.ok(prompt.head.endsWith(input.regionHead), 'the prompt splits at the cursor');
      const rewritten = format!.parse(golden.output);
      assert.equal(rewritten, golden.region);
      assert.deepEqual(regionEdits(current, rewritten!, region.start), golden.edits);
    });
  }
});

describe('next-edit format detection', () => {
  const none = () => false;
  it('by the GGUF name, whatever the case and separators', () => {
    assert.equal(detectNextEditFormat({ name: 'Zeta', has: none })?.family, 'zeta');
    assert.equal(detectNextEditFormat({ name: 'zed-industries zeta Q8_0', has: none })?.family, 'zeta');
    assert.equal(detectNextEditFormat({ name: 'Instinct', has: none })?.family, 'instinct');
    assert.equal(detectNextEditFormat({ name: 'continuedev_instinct-Q4_K_M', has: none })?.family, 'instinct');
    assert.equal(detectNextEditFormat({ name: 'Sweep Next Edit 1.5B', has: none })?.family, 'sweep');
    assert.equal(detectNextEditFormat({ name: 'sweep-next-edit-v2-7B', has: none })?.family, 'sweep');
  });
  it('by the region and cursor markers as special tokens', () => {
    const zetaTokens = (token: string) => token === '<|editable_region_start|>' || token === '<|user_cursor_is_here|>';
    assert.equal(detectNextEditFormat({ name: 'my-finetune', has: zetaTokens })?.family, 'zeta');
    assert.equal(detectNextEditFormat({ name: 'my-finetune', has: (token) => token === '<|editable_region_start|>' }), undefined);
  });
  it('not for FIM, chat or look-alike names', () => {
    for (const name of ['Qwen2.5 Coder 1.5B', 'Qwen2.5 Coder 7B Instruct', 'zetaclear', 'sweeper', 'Sweep Chat', 'instinctive-7b', 'deepseek-coder', ''])
      assert.equal(detectNextEditFormat({ name, has: none }), undefined, name);
  });
});

describe('the editable region', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
  it('is whole lines: 2 above the cursor, 5 below, 10 more of excerpt each side', () => {
    const cursor = lines.indexOf('line 15') + 3;
    const region = regionAround(lines, cursor);
    assert.equal(lines.slice(region.start, region.end), ['13', '14', '15', '16', '17', '18', '19', '20'].map((n) => `line ${n}`).join('\n'));
    assert.equal(lines.slice(region.excerptStart, region.excerptStart + 6), 'line 3');
    assert.ok(lines.slice(region.excerptStart, region.excerptEnd).endsWith('line 30'.slice(0, 0) + 'line 29'));
    assert.deepEqual([region.firstLine, region.lastLine], [14, 21]);
  });
  it('is cut at the file edges, and works on an empty file', () => {
    const first = regionAround(lines, 0);
    assert.equal(first.start, 0);
    assert.equal(lines.slice(first.start, first.end).split('\n').length, 6);
    const last = regionAround(lines, lines.length);
    assert.equal(last.end, lines.length);
    const empty = regionAround('', 0);
    assert.deepEqual([empty.start, empty.end, empty.excerptStart, empty.excerptEnd], [0, 0, 0, 0]);
  });
  it('keeps CRLF lines whole and the cursor inside', () => {
    const text = 'a\r\nb\r\nc';
    const region = regionAround(text, text.indexOf('b'));
    assert.equal(text.slice(region.start, region.end), 'a\r\nb\r\nc');
    const input = regionInput(text, region, 4, { filename: 'x', events: [], original: '' });
    assert.equal(input.regionHead + input.regionTail, 'a\r\nb\r\nc');
  });
});

describe('a rewritten region as edits', () => {
  it('one edit per changed run of lines, narrowed to what differs', () => {
    const current = 'let total = 0;\nfor (const x of xs) total += x;\nreturn sum;';
    const rewritten = 'let total = 0;\nfor (const x of xs) total += x;\nreturn total;';
    assert.deepEqual(regionEdits(current, rewritten, 100), [{ start: 100 + current.indexOf('sum'), end: 100 + current.indexOf('sum') + 3, text: 'total' }]);
  });
  it('several edits, an inserted line, a deleted line', () => {
    const current = 'a\nb\nc\nd\n';
    const rewritten = 'a\nB\nc\nnew\nd\n';
    assert.deepEqual(regionEdits(current, rewritten, 0), [
      { start: 2, end: 3, text: 'B' },
      { start: 6, end: 6, text: 'new\n' },
    ]);
    assert.deepEqual(regionEdits('a\nb\nc', 'a\nc', 0), [{ start: 2, end: 4, text: '' }]);
  });
  it('adjacent changed lines that keep their count: one edit per line', () => {
    assert.deepEqual(regionEdits('show(a);\nlog(a);\n', 'show(a, b);\nlog(a, b);\n', 10), [
      { start: 16, end: 16, text: ', b' },
      { start: 24, end: 24, text: ', b' },
    ]);
  });
  it('nothing for the same text, or text that differs only where nothing changed', () => {
    assert.deepEqual(regionEdits('same\ntext', 'same\ntext', 0), []);
    assert.deepEqual(regionEdits('', '', 0), []);
  });
  it('never splits a surrogate pair', () => {
    const [edit] = regionEdits('x = "😀";', 'x = "😃";', 0);
    const applied = 'x = "😀";'.slice(0, edit!.start) + edit!.text + 'x = "😀";'.slice(edit!.end);
    assert.equal(applied, 'x = "😃";');
    assert.equal(edit!.text.length % 2, 0);
  });
  it('an output that is no region is refused, not shown', () => {
    assert.equal(instructFormat.parse('not json'), undefined);
    assert.equal(instructFormat.parse('{"other": 1}'), undefined);
    assert.equal(instructFormat.parse('{"region": 3}'), undefined);
    assert.equal(instructFormat.parse('{"region": "a\\n<|user_cursor_is_here|>b"}'), 'a\nb');
  });
});
