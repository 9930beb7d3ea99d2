// Every shipped grammar loads, parses, and its tags query finds a definition.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grammarFor, supportedLanguages } from '../../sidecar/context/grammars';

const samples: Record<string, [string, string]> = {
  typescript: ['export function greet(name: string): string { return name; }', 'greet'],
  typescriptreact: ['export function Card() { return <div />; }', 'Card'],
  javascript: ['function greet(name) { return name; }', 'greet'],
  javascriptreact: ['function Card() { return <div />; }', 'Card'],
  python: ['def greet(name):\n    return name\n', 'greet'],
  go: ['package main\nfunc Greet(name string) string { return name }\n', 'Greet'],
  rust: ['fn greet(name: &str) -> &str { name }', 'greet'],
  java: ['class Greeter { String greet(String name) { return name; } }', 'greet'],
  c: ['int greet(int x) { return x; }', 'greet'],
  cpp: ['int greet(int x) { return x; }', 'greet'],
  csharp: ['class Greeter { string Greet(string name) { return name; } }', 'Greet'],
  ruby: ['def greet(name)\n  name\nend\n', 'greet'],
  php: ['<?php function greet($name) { return $name; }', 'greet'],
};

test('twelve languages (plus their JSX variants) have a grammar', () => {
  assert.deepEqual(supportedLanguages().sort(), Object.keys(samples).sort());
});

for (const [languageId, [source, name]] of Object.entries(samples)) {
  test(`${languageId}: parses and tags the definition of ${name}`, async () => {
    const grammar = await grammarFor(languageId);
    assert.ok(grammar);
    const parser = grammar.parser();
    const tree = parser.parse(source)!;
    try {
      assert.equal(tree.rootNode.hasError, false);
      const definitions = grammar.tags.captures(tree.rootNode).filter((c) => c.name.startsWith('name') || c.name === 'name');
      assert.ok(
        definitions.some((c) => c.node.text === name),
        `${languageId}: ${grammar.tags
          .captures(tree.rootNode)
          .map((c) => `${c.name}=${c.node.text}`)
          .join(', ')}`,
      );
    } finally {
      tree.delete();
      parser.delete();
    }
  });
}

test('a language without a grammar has none', async () => {
  assert.equal(await grammarFor('plaintext'), undefined);
});
