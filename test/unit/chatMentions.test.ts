import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMentions } from '../../extension/chat/mentions';

describe('chat mentions', () => {
  it('finds every kind and keeps the rest of the message as the codebase query', () => {
    const parsed = parseMentions('Why does @symbol:Stack.push fail with @file:src/stack.ts and @problems? @selection @codebase');
    assert.deepEqual(parsed.mentions, [
      { kind: 'symbol', name: 'Stack.push' },
      { kind: 'file', path: 'src/stack.ts' },
      { kind: 'problems' },
      { kind: 'selection' },
      { kind: 'codebase' },
    ]);
    assert.equal(parsed.query, 'Why does fail with and ?');
  });

  it('takes quoted paths with spaces and drops a sentence full stop', () => {
    assert.deepEqual(parseMentions('see @file:"docs/my notes.md" and @file:a.ts.').mentions, [
      { kind: 'file', path: 'docs/my notes.md' },
      { kind: 'file', path: 'a.ts' },
    ]);
  });

  it('ignores e-mail addresses, unknown kinds and mentions inside code', () => {
    const text = 'mail me@file.com, use @files or @codebases, `@selection` and\n```\n@problems\n```';
    assert.deepEqual(parseMentions(text).mentions, []);
  });

  it('finds @git, and not @github or @git:x', () => {
    assert.deepEqual(parseMentions('review @git before I commit').mentions, [{ kind: 'git' }]);
    assert.equal(parseMentions('review @git before I commit').query, 'review before I commit');
    assert.deepEqual(parseMentions('ask @github, mail a@git.org, `@git`').mentions, []);
  });

  it('lists a repeated mention once', () => {
    assert.deepEqual(parseMentions('@selection vs (@selection)').mentions, [{ kind: 'selection' }]);
  });
});
