import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { beforeChars, CompletionCache, type Around } from '../../extension/completion/cache';
import { AdaptiveDebounce, longSuffixFollows } from '../../extension/completion/trigger';

function at(text: string, offset: number, uri = 'file:///a.ts'): Around {
  return { uri, offset, before: text.slice(Math.max(0, offset - beforeChars), offset), after: text.slice(offset, offset + 200) };
}

describe('completion cache', () => {
  const shownAt = 'function add(a, b) {\n  \n}\n';
  const cursor = shownAt.indexOf('\n  ') + 3;

  it('answers the same position again without the engine', () => {
    const cache = new CompletionCache();
    cache.remember(at(shownAt, cursor), ['return a + b;']);
    assert.deepEqual(cache.lookup(at(shownAt, cursor), () => ''), ['return a + b;']);
    assert.equal(cache.hits, 1);
  });

  it('shows the rest of a suggestion the user is typing through', () => {
    const cache = new CompletionCache();
    cache.remember(at(shownAt, cursor), ['return a + b;', 'return b;']);
    const typedText = shownAt.slice(0, cursor) + 'return a' + shownAt.slice(cursor);
    const between = (from: number, to: number) => typedText.slice(from, to);
    assert.deepEqual(cache.lookup(at(typedText, cursor + 8), between), [' + b;']);
  });

  it('does not reuse when the user typed something else, edited elsewhere, or typed it all', () => {
    const cache = new CompletionCache();
    cache.remember(at(shownAt, cursor), ['return a + b;']);
    const other = shownAt.slice(0, cursor) + 'throw' + shownAt.slice(cursor);
    assert.equal(cache.lookup(at(other, cursor + 5), (f, t) => other.slice(f, t)), undefined);
    const elsewhere = '// x\n' + shownAt.slice(0, cursor) + 'ret' + shownAt.slice(cursor);
    assert.equal(cache.lookup(at(elsewhere, cursor + 8), (f, t) => elsewhere.slice(f, t)), undefined);
    const all = shownAt.slice(0, cursor) + 'return a + b;' + shownAt.slice(cursor);
    assert.equal(cache.lookup(at(all, cursor + 13), (f, t) => all.slice(f, t)), undefined);
    assert.equal(cache.misses, 3);
  });
});

describe('trigger', () => {
  it('waits longer while typing faster than the engine answers, and little otherwise', () => {
    const debounce = new AdaptiveDebounce(25, 250);
    let now = 0;
    for (let i = 0; i < 10; i++) debounce.delay((now += 100), 400);
    assert.equal(debounce.delay((now += 100), 400), 120);
    const relaxed = new AdaptiveDebounce(25, 250);
    now = 0;
    for (let i = 0; i < 10; i++) relaxed.delay((now += 100), 30);
    assert.equal(relaxed.delay((now += 100), 30), 50);
  });

  it('treats code after the cursor as a reason not to auto-complete, closing brackets not', () => {
    assert.equal(longSuffixFollows('value);'), true);
    assert.equal(longSuffixFollows(');'), false);
    assert.equal(longSuffixFollows('   '), false);
  });
});
