// Ranking, deduplication and budget of context snippets, the editor-signal sources, and snippets
// that stay put while the same ones are chosen (so the engine's KV cache survives).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fitBudget, rankCandidates } from '../../sidecar/context/assemble';
import type { Candidate } from '../../sidecar/context/candidate';
import { StableSnippets } from '../../sidecar/context/handlers';
import { usageScore } from '../../sidecar/context/importedDefinitions';
import { cutWindow } from '../../sidecar/completion/window';
import { TextDocument } from '../../sidecar/documents/store';
import { cursor, Workspace } from './contextFixture';

const candidate = (file: string, startLine: number, endLine: number, score: number, text = `${file}:${startLine}`): Candidate => ({
  source: 'imported',
  file,
  filename: file,
  text,
  score,
  startLine,
  endLine,
});

describe('ranking and budget', () => {
  it('ranks best first and drops what the window shows, repeats and overlapping ranges', () => {
    const ranked = rankCandidates(
      [
        candidate('a.ts', 0, 5, 0.5),
        candidate('a.ts', 3, 8, 0.9),
        candidate('b.ts', 0, 2, 0.7, 'function shown() {}'),
        candidate('c.ts', 0, 2, 0.6, 'same text'),
        candidate('d.ts', 0, 2, 0.4, 'same text'),
        candidate('e.ts', 0, 2, 0.1),
      ],
      'const x = 1;\nfunction shown() {}\n',
    );
    assert.deepEqual(
      ranked.map((c) => `${c.file}:${c.startLine}`),
      ['a.ts:3', 'c.ts:0', 'e.ts:0'],
    );
  });

  it("fits the shorter core of a candidate too big for what is left, with the core's lines", () => {
    const joined: Candidate = { ...candidate('n.ts', 0, 9, 0.9, 'n'.repeat(90)), core: { text: 'core', startLine: 4, endLine: 5 } };
    const fitted = fitBudget([candidate('a.ts', 0, 1, 1, 'a'.repeat(50)), joined], 100);
    assert.deepEqual(
      fitted.map((c) => [c.file, c.text, c.startLine, c.endLine]),
      [
        ['a.ts', 'a'.repeat(50), 0, 1],
        ['n.ts', 'core', 4, 5],
      ],
    );
  });

  it('fits the budget in rank order, skipping one that is too big for what is left', () => {
    const big = candidate('big.ts', 0, 9, 0.9, 'x'.repeat(80));
    const fitted = fitBudget([candidate('a.ts', 0, 1, 1, 'a'.repeat(50)), big, candidate('c.ts', 0, 1, 0.5, 'c'.repeat(30))], 100);
    assert.deepEqual(
      fitted.map((c) => c.file),
      ['a.ts', 'c.ts'],
    );
  });

  it('scores an unused import over any use, and a use near the cursor over a use far away', () => {
    const site = { cursorLine: 100, scopes: { fn: { startLine: 95, endLine: 110 } }, nearbyWords: new Set<string>() };
    const inScope = usageScore(site, 'parse', [98, 99, 97, 96, 95, 94, 93, 92]);
    const unused = usageScore(site, 'parse', []);
    const far = usageScore(site, 'parse', [10]);
    assert.ok(unused > inScope && inScope > far, `${unused} > ${inScope} > ${far}`);
    const similar = usageScore({ ...site, nearbyWords: new Set(['parse', 'url']) }, 'parseUrl', [10]);
    assert.ok(similar > far, 'a name that shares words with the cursor’s surroundings ranks higher');
  });

  it('scores a use in a function like the one at the cursor over a use in an unlike one', () => {
    const headers: Record<number, Set<string>> = { 10: new Set(['render', 'invoice', 'row']), 40: new Set(['parse', 'config']) };
    const site = { cursorLine: 100, scopes: {}, nearbyWords: new Set(['render', 'invoice', 'total']), wordsOfFunctionAt: (line: number) => headers[line] };
    assert.ok(usageScore(site, 'formatMoney', [10]) > usageScore(site, 'formatMoney', [40]));
  });
});

describe('assembled snippets', () => {
  const w = new Workspace({ 'package.json': '{}' });
  after(() => w.dispose());

  it('puts the most relevant last, within the budget, with the enclosing header when the window starts below it', async () => {
    w.write(
      'util.ts',
      `export function helper(a: number): number {\n  return a * 2;\n}\n${Array.from({ length: 40 }, (_, i) => `export const filler${i} = ${i};`).join('\n')}\n`,
    );
    const body = Array.from({ length: 400 }, (_, i) => `  const step${i} = helper(${i});`).join('\n');
    const main = `import { helper } from './util';\n\nexport function longRunningComputation(input: number[]): number {\n${body}\n  ${cursor}\n}\n`;
    const { snippets } = await w.assembleAt('main.ts', main, { budgetChars: 600, timeBoxMs: 10_000 });
    const total = snippets.reduce((sum, s) => sum + s.text.length + s.filename.length + 2, 0);
    assert.ok(total <= 600, `within the budget (${total})`);
    assert.equal(snippets.at(-1)?.source, 'enclosing', JSON.stringify(snippets));
    assert.match(snippets.at(-1)!.text, /^export function longRunningComputation/);
    assert.ok(snippets.some((s) => s.source === 'imported' && s.filename === 'util.ts'));
    const scores = snippets.map((s) => s.score);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => a - b),
      'ascending: most relevant last',
    );
  });

  it('uses recent edits in other files, the clipboard and similar windows of open tabs; not edits the window shows', async () => {
    const other = w.openDocument(
      'other.ts',
      `${Array.from({ length: 30 }, (_, i) => `// line ${i}`).join('\n')}\nexport function computeInvoiceTotal(invoice) {\n  return invoice.lines.reduce((sum, line) => sum + line.amount, 0);\n}\n`,
    );
    const tab = w.openDocument(
      'tab.ts',
      `${Array.from({ length: 40 }, (_, i) => `const unrelated${i} = ${i};`).join('\n')}\nfunction invoiceLines(invoice) {\n  return invoice.lines.filter((line) => line.amount > 0);\n}\n`,
    );
    const main = `function summarize(invoice) {\n  const lines = invoice.lines;\n  ${cursor}\n}\n`;
    const now = Date.now();
    w.service.signals.update({
      openTabs: [w.uri('main.ts'), tab.uri],
      edited: [
        { uri: w.uri('main.ts'), startLine: 1, endLine: 1, at: now },
        { uri: other.uri, startLine: 31, endLine: 32, at: now - 1000 },
      ],
      clipboard: { text: 'invoice.currency.toUpperCase()', at: now - 5000 },
    });
    const { snippets } = await w.assembleAt('main.ts', main);
    const bySource = (source: string) => snippets.filter((s) => s.source === source);
    assert.deepEqual(
      bySource('edited').map((s) => s.filename),
      ['other.ts'],
      'the edit inside the window is left out',
    );
    assert.match(bySource('edited')[0]!.text, /computeInvoiceTotal/);
    assert.equal(bySource('clipboard')[0]?.text, 'invoice.currency.toUpperCase()');
    assert.match(bySource('openTab')[0]?.text ?? '', /invoiceLines/);
    w.service.signals.update({ openTabs: [], edited: [], visited: [], clipboard: { text: '', at: 0 } });
  });

  it('keeps the same snippets in the same order while the same ones are chosen', async () => {
    const lists = [
      [
        { filename: 'a', text: 'A', source: 'imported' as const, score: 1 },
        { filename: 'b', text: 'B', source: 'imported' as const, score: 2 },
      ],
      [
        { filename: 'b', text: 'B', source: 'imported' as const, score: 1 },
        { filename: 'a', text: 'A', source: 'imported' as const, score: 2 },
      ],
      [{ filename: 'c', text: 'C', source: 'imported' as const, score: 1 }],
    ];
    let call = 0;
    const stable = new StableSnippets({ assemble: async () => ({ snippets: lists[call++]!, elapsedMs: 0, timedOut: false }) });
    const document = new TextDocument('file:///x.ts', 'typescript', 1, 'x');
    const first = await stable.snippetsFor(document, cutWindow('x', 1));
    const second = await stable.snippetsFor(document, cutWindow('x', 1));
    const third = await stable.snippetsFor(document, cutWindow('x', 1));
    assert.deepEqual(
      first.map((s) => s.filename),
      ['a', 'b'],
    );
    assert.equal(second, first, 'same set, reordered by score: the previous list is kept');
    assert.deepEqual(
      third.map((s) => s.filename),
      ['c'],
    );
  });
});
