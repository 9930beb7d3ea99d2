// Chunking: whole definitions where they fit, split-then-merge where they do not, each chunk named
// by its enclosing symbols, and line windows for files without a grammar.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkSource } from '../../sidecar/index/chunker';

const method = (name: string, lines: number) =>
  `  ${name}(x: number): number {\n${Array.from({ length: lines }, (_, i) => `    const v${i} = x * ${i} + ${name.length};`).join('\n')}\n    return x;\n  }\n`;

test('a small file is one chunk covering every line', async () => {
  const source = 'import { a } from "./a";\n\nexport function add(x: number, y: number) {\n  return x + y;\n}\n';
  const chunks = await chunkSource(source, 'typescript');
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0]!.startLine, 1);
  assert.equal(chunks[0]!.endLine, 5);
});

test('a class too big for one chunk is split at its methods, each chunk under the cap and named Class.method', async () => {
  const source = `export class Stack {\n${method('push', 40)}${method('pop', 40)}${method('peek', 40)}}\n`;
  const chunks = await chunkSource(source, 'typescript', 1500);
  assert.ok(chunks.length >= 3, `got ${chunks.length} chunks`);
  for (const chunk of chunks) assert.ok(chunk.text.length <= 1500, `a chunk of ${chunk.text.length} chars`);
  assert.deepEqual(
    chunks.map((c) => c.symbol),
    ['Stack.push', 'Stack.pop', 'Stack.peek'],
  );
  assert.ok(chunks[1]!.text.trimStart().startsWith('pop('));
  // Lines are contiguous and cover the file.
  assert.equal(chunks[0]!.startLine, 1);
  for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i]!.startLine, chunks[i - 1]!.endLine + 1);
  assert.equal(chunks.at(-1)!.endLine, source.split('\n').length - 1);
});

test('small neighbours are merged instead of becoming one chunk each', async () => {
  const source = Array.from({ length: 30 }, (_, i) => `def f${i}(x):\n    return x + ${i}\n`).join('\n');
  const chunks = await chunkSource(source, 'python', 400);
  assert.ok(chunks.length < 30 && chunks.length > 1, `got ${chunks.length}`);
  assert.equal(chunks[0]!.symbol, 'f0');
});

test('python methods carry their class', async () => {
  const body = Array.from({ length: 30 }, (_, i) => `        total += ${i}`).join('\n');
  const source = `class Ledger:\n    def credit(self, total):\n${body}\n        return total\n\n    def debit(self, total):\n${body}\n        return total\n`;
  const chunks = await chunkSource(source, 'python', 700);
  assert.deepEqual(
    chunks.map((c) => c.symbol),
    ['Ledger.credit', 'Ledger.debit'],
  );
});

test('without a grammar, line windows break at blank lines and respect the cap', async () => {
  const paragraph = (n: number) => Array.from({ length: 8 }, (_, i) => `line ${n}.${i} of some prose that has no grammar`).join('\n');
  const source = Array.from({ length: 10 }, (_, i) => paragraph(i)).join('\n\n');
  const chunks = await chunkSource(source, undefined, 1000);
  assert.ok(chunks.length > 1);
  for (const chunk of chunks) {
    assert.ok(chunk.text.length <= 1000);
    assert.equal(chunk.symbol, '');
  }
  assert.ok(
    chunks.slice(0, -1).every((c) => source.split('\n')[c.endLine - 1] === ''),
    'windows close at a blank line',
  );
});

test('a go method and a C function are named', async () => {
  const go = await chunkSource('package main\n\nfunc (s *Server) Serve(port int) error {\n\treturn nil\n}\n', 'go', 40);
  assert.ok(
    go.some((c) => c.symbol === 'Serve'),
    JSON.stringify(go),
  );
  const c = await chunkSource('int add(int a, int b) {\n  return a + b;\n}\nint sub(int a, int b) {\n  return a - b;\n}\n', 'c', 60);
  assert.deepEqual(
    c.map((chunk) => chunk.symbol),
    ['add', 'sub'],
  );
});
