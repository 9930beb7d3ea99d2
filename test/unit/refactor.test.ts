// The refactor commands' pure logic: splitting a rewrite into hunks and applying only some, prompt
// files' front matter, where a project keeps its tests, doc comments per language.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { declarationEnd, existingCommentLines, formatDocComment, withDocComment } from '../../extension/refactor/docComment';
import { applyChanges, diffHunks, hunkChanges } from '../../extension/review/hunks';
import { fillPrompt, parsePromptFile } from '../../extension/refactor/promptFile';
import { detectTestStyle, frameworkOf } from '../../extension/refactor/testStyle';

describe('hunks', () => {
  const before = ['function add(a, b) {', '  var sum = a + b;', '  log(sum);', '  return sum;', '}'].join('\n');
  const after = ['function add(a, b) {', '  const sum = a + b;', '  log(sum);', '  return sum;', '}', '', 'export default add;'].join('\n');

  it('finds each run of changed lines', () => {
    const hunks = diffHunks(before, after);
    assert.deepEqual(
      hunks.map((h) => [h.oldStart, h.oldLines, h.newLines]),
      [
        [1, ['  var sum = a + b;'], ['  const sum = a + b;']],
        [5, [], ['', 'export default add;']],
      ],
    );
  });

  it('applying every hunk gives the new text exactly', () => {
    const cases: Array<[string, string]> = [
      [before, after],
      ['a\nb\nc', 'a\nc'], // delete in the middle
      ['a\nb\nc', 'a\nb'], // delete at the end: the line break before goes too
      ['a\nb', 'b'], // delete at the start
      ['a\nb', 'x\na\nb'], // insert at the start
      ['a\nb', 'a\nb\nc'], // append
      ['only', ''], // everything removed
      ['', 'new'], // into an empty range
      ['a\nb\nc\nd', 'A\nb\nC\nd\ne'],
    ];
    for (const [oldText, newText] of cases) {
      const changes = hunkChanges(oldText, diffHunks(oldText, newText));
      assert.equal(applyChanges(oldText, changes), newText, `${JSON.stringify(oldText)} → ${JSON.stringify(newText)}`);
    }
  });

  it('applies only the hunks kept, leaving the others as they were', () => {
    const [first] = diffHunks(before, after);
    assert.equal(applyChanges(before, hunkChanges(before, [first!])), before.replace('var sum', 'const sum'));
  });

  it('keeps CRLF line breaks', () => {
    const oldText = 'a\r\nb\r\nc';
    const hunks = diffHunks(oldText, 'a\nB\nc\nd');
    assert.equal(applyChanges(oldText, hunkChanges(oldText, hunks, '\r\n')), 'a\r\nB\r\nc\r\nd');
  });

  it('splits a large change into its own hunks, however long the text', () => {
    const lines = Array.from({ length: 5_000 }, (_, i) => `line ${i}`);
    const changed = [...lines];
    changed[100] = 'line 100, changed';
    changed.splice(4_900, 1);
    const oldText = lines.join('\n');
    const newText = changed.join('\n');
    const hunks = diffHunks(oldText, newText);
    assert.deepEqual(
      hunks.map((h) => [h.oldStart, h.oldLines, h.newLines]),
      [
        [100, ['line 100'], ['line 100, changed']],
        [4_900, ['line 4900'], []],
      ],
    );
    assert.equal(applyChanges(oldText, hunkChanges(oldText, hunks)), newText);
  });

  it('makes a rewrite of more than a thousand lines one hunk, which still applies exactly', () => {
    const oldText = Array.from({ length: 1_500 }, (_, i) => `old ${i}`).join('\n');
    const newText = `same\n${Array.from({ length: 1_500 }, (_, i) => `new ${i}`).join('\n')}`;
    const hunks = diffHunks(`same\n${oldText}`, newText);
    assert.equal(hunks.length, 1);
    assert.equal(hunks[0]!.oldStart, 1);
    assert.equal(applyChanges(`same\n${oldText}`, hunkChanges(`same\n${oldText}`, hunks)), newText);
  });

  it('has no hunk when nothing changed', () => {
    assert.deepEqual(diffHunks(before, before), []);
  });
});

describe('prompt files', () => {
  it('reads the front matter and the instruction', () => {
    const parsed = parsePromptFile(
      '.pylot/prompts/to-async.md',
      '---\nname: To async/await\ndescription: "Replace callbacks"\nselection: required\n---\nRewrite {{language}} code with async/await.\n',
    );
    assert.deepEqual(parsed, {
      ok: true,
      prompt: {
        id: 'to-async',
        name: 'To async/await',
        description: 'Replace callbacks',
        selection: 'required',
        body: 'Rewrite {{language}} code with async/await.',
      },
    });
  });

  it('needs no front matter: the file name names it, a selection is optional', () => {
    const parsed = parsePromptFile('shorten.md', 'Make it shorter.');
    assert.ok(parsed.ok);
    assert.equal(parsed.prompt.name, 'shorten');
    assert.equal(parsed.prompt.selection, 'optional');
  });

  it('says what is wrong with a malformed file', () => {
    const bad = parsePromptFile('x.md', '---\nselection: always\n---\nDo it.');
    assert.deepEqual(bad, { ok: false, error: 'x.md: "selection" must be required, optional or none, not "always".' });
    const empty = parsePromptFile('y.md', '---\nname: Y\n---\n\n');
    assert.equal(empty.ok, false);
    const noColon = parsePromptFile('z.md', '---\nname Y\n---\nDo it.');
    assert.match(noColon.ok ? '' : noColon.error, /line 2 is not "key: value"/);
  });

  it('fills known placeholders and leaves unknown ones visible', () => {
    assert.equal(fillPrompt('{{ language }} in {{fileName}}, {{nope}}', { language: 'Go', fileName: 'a.go' }), 'Go in a.go, {{nope}}');
  });
});

describe('test style', () => {
  it('follows the naming and folder of the nearest existing test', () => {
    const style = detectTestStyle('src/math/add.ts', ['test/unit/sub.test.ts', 'src/other/mul.spec.ts', 'scripts/x.test.js']);
    assert.equal(style.example, 'src/other/mul.spec.ts');
    assert.equal(style.testPath, 'src/math/add.spec.ts');
  });

  it('puts tests in the tests folder when the project keeps them there', () => {
    assert.equal(detectTestStyle('pkg/calc.py', ['tests/test_io.py']).testPath, 'tests/test_calc.py');
    assert.equal(detectTestStyle('src/lib.ts', ['test/unit/fit.test.ts']).testPath, 'test/unit/lib.test.ts');
  });

  it("uses the language's convention when the project has no test yet", () => {
    assert.equal(detectTestStyle('pkg/calc.py', []).testPath, 'pkg/test_calc.py');
    assert.equal(detectTestStyle('server/handler.go', ['web/a.test.ts']).testPath, 'server/handler_test.go');
    assert.equal(detectTestStyle('src/Main.java', []).testPath, 'src/MainTest.java');
    assert.equal(detectTestStyle('lib/util.ts', []).testPath, 'lib/util.test.ts');
  });

  it('names the framework the example imports', () => {
    assert.equal(frameworkOf("import { describe, it, expect } from 'vitest';"), 'vitest');
    assert.equal(frameworkOf("import { it } from 'node:test';\nimport assert from 'node:assert';"), 'node:test');
    assert.equal(frameworkOf('import pytest\n\ndef test_x(): pass'), 'pytest');
    assert.equal(frameworkOf('package calc\n\nimport "testing"'), 'go testing');
    assert.equal(frameworkOf('const x = 1;'), undefined);
  });
});

describe('doc comments', () => {
  it('writes JSDoc above a TypeScript declaration, at its indentation', () => {
    const lines = withDocComment(
      'typescript',
      ['  add(a: number, b: number) {', '    return a + b;', '  }'],
      'Adds two numbers.\n@param a first\n@returns the sum',
    );
    assert.deepEqual(lines.slice(0, 5), ['  /**', '   * Adds two numbers.', '   * @param a first', '   * @returns the sum', '   */']);
    assert.equal(lines[5], '  add(a: number, b: number) {');
  });

  it('writes a Python docstring inside the function, after a signature over several lines', () => {
    const lines = withDocComment('python', ['def add(', '    a, b', '):', '    return a + b'], 'Add two numbers.');
    assert.deepEqual(lines, ['def add(', '    a, b', '):', '    """Add two numbers."""', '    return a + b']);
  });

  it('replaces a Python docstring that is already there', () => {
    const lines = withDocComment('python', ['def f():', '    """Old', '    text."""', '    pass'], 'New.\n\nMore.');
    assert.deepEqual(lines, ['def f():', '    """New.', '', '    More.', '    """', '    pass']);
  });

  it('uses Go, Rust and C# conventions, and strips markers the model added anyway', () => {
    assert.deepEqual(formatDocComment('go', 'Add adds.', ''), ['// Add adds.']);
    assert.deepEqual(formatDocComment('rust', '/// Adds.\n///\n/// # Panics', ''), ['/// Adds.', '///', '/// # Panics']);
    assert.deepEqual(formatDocComment('csharp', 'Adds a < b.', '    '), ['    /// <summary>', '    /// Adds a &lt; b.', '    /// </summary>']);
    assert.deepEqual(formatDocComment('typescript', '/** Adds. */', ''), ['/**', ' * Adds.', ' */']);
  });

  it('finds where a declaration ends by its indentation', () => {
    const lines = ['function a() {', '  one();', '', '  two();', '}', 'next();'];
    assert.equal(declarationEnd(lines, 0), 4);
    assert.equal(declarationEnd(['def f(x):', '    return x', '', 'y = 1'], 0), 1);
    assert.equal(declarationEnd(['const x = 1;', 'const y = 2;'], 0), 0);
  });

  it('finds the doc comment already above a declaration', () => {
    assert.equal(existingCommentLines('typescript', ['const x = 1;', '/**', ' * Old.', ' */']), 3);
    assert.equal(existingCommentLines('typescript', ['// not a doc comment']), 0);
    assert.equal(existingCommentLines('rust', ['', '/// Old.']), 1);
  });
});
