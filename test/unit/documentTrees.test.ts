// One tree per open document, reparsed incrementally from the text's changes, and freed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentTrees, editBetween } from '../../sidecar/context/documentTrees';
import { grammarFor } from '../../sidecar/context/grammars';

async function freshParse(languageId: string, text: string): Promise<string> {
  const parser = (await grammarFor(languageId))!.parser();
  const tree = parser.parse(text)!;
  const shape = tree.rootNode.toString();
  tree.delete();
  parser.delete();
  return shape;
}

describe('document trees', () => {
  it('an edit spans exactly what changed between two texts', () => {
    const edit = editBetween('const a = 1;\nconst b = 2;\n', 'const a = 1;\nconst bee = 2;\n');
    assert.deepEqual([edit.startIndex, edit.oldEndIndex, edit.newEndIndex], [20, 20, 22]);
    assert.deepEqual(edit.startPosition, { row: 1, column: 7 });
  });

  it('after many edits (non-ASCII too) the incremental tree equals a fresh parse', async () => {
    const trees = new DocumentTrees();
    let text = 'function greet(name: string) {\n  return `héllo ${name}`;\n}\n';
    const document = { uri: 'file:///greet.ts', languageId: 'typescript', text };
    await trees.treeFor(document);
    const edits: Array<(t: string) => string> = [
      (t) => t.replace('return', 'const ünïcode = "→";\n  return'),
      (t) => `${t}export class Greeter {\n  hi() { return greet('😀'); }\n}\n`,
      (t) => t.replace('name: string', 'name: string, times = 2'),
      (t) => t.slice(0, t.indexOf('export class')),
    ];
    for (const edit of edits) {
      text = edit(text);
      const tree = await trees.treeFor({ ...document, text });
      assert.equal(tree!.rootNode.toString(), await freshParse('typescript', text));
      assert.equal(tree!.rootNode.text, text);
    }
    trees.dispose();
  });

  it('frees the trees of closed documents and keeps at most sixteen', async () => {
    const trees = new DocumentTrees();
    for (let i = 0; i < 20; i++) await trees.treeFor({ uri: `file:///f${i}.py`, languageId: 'python', text: `def f${i}():\n    pass\n` });
    assert.equal(trees.size, 16);
    trees.retain((uri) => uri === 'file:///f19.py');
    assert.equal(trees.size, 1);
    assert.equal(await trees.treeFor({ uri: 'file:///notes.txt', languageId: 'plaintext', text: 'hi' }), undefined);
    trees.dispose();
    assert.equal(trees.size, 0);
  });
});
