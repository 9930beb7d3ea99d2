// Typed-through reuse (the sidecar's one rule for it) and the extension's trigger.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agrees, restAfter, spotAt, SuggestionCache, typedSince } from '../../sidecar/completion/suggestions';
import { AdaptiveDebounce, longSuffixFollows } from '../../extension/completion/trigger';

describe('suggestions made earlier', () => {
  const uri = 'file:///a.ts';
  const shownAt = 'function add(a, b) {\n  \n}\n';
  const cursor = shownAt.indexOf('\n  ') + 3;
  const typing = (typed: string) => shownAt.slice(0, cursor) + typed + shownAt.slice(cursor);

  it('answers the same spot again without the engine', () => {
    const cache = new SuggestionCache();
    cache.remember(spotAt(uri, shownAt, cursor), ['return a + b;']);
    assert.deepEqual(cache.lookup(uri, shownAt, cursor), ['return a + b;']);
    assert.equal(cache.lookup('file:///b.ts', shownAt, cursor), undefined);
  });

  it('shows the rest of a suggestion the user is typing through', () => {
    const cache = new SuggestionCache();
    cache.remember(spotAt(uri, shownAt, cursor), ['return a + b;', 'return b;']);
    assert.deepEqual(cache.lookup(uri, typing('return a'), cursor + 8), [' + b;']);
    assert.deepEqual(cache.lookup(uri, typing('return '), cursor + 7), ['a + b;', 'b;']);
  });

  it('does not reuse when the user typed something else, edited elsewhere, or typed it all', () => {
    const cache = new SuggestionCache();
    cache.remember(spotAt(uri, shownAt, cursor), ['return a + b;']);
    assert.equal(cache.lookup(uri, typing('throw'), cursor + 5), undefined);
    const elsewhere = '// x\n' + typing('ret');
    assert.equal(cache.lookup(uri, elsewhere, cursor + 8), undefined);
    assert.equal(cache.lookup(uri, typing('return a + b;'), cursor + 13), undefined);
    const after = typing('ret').replace('\n}', '\n}//');
    assert.equal(cache.lookup(uri, after, cursor + 3), undefined, 'the code after the cursor changed');
  });

  it('one rule for typed-through text: only typing at the cursor, forwards, up to a limit', () => {
    const origin = spotAt(uri, shownAt, cursor);
    assert.equal(typedSince(origin, uri, typing('ret'), cursor + 3, 128), 'ret');
    assert.equal(typedSince(origin, uri, shownAt, cursor, 128), '');
    assert.equal(typedSince(origin, uri, typing('ret'), cursor + 3, 2), undefined, 'more than the limit');
    assert.equal(typedSince(origin, uri, shownAt, cursor - 1, 128), undefined, 'moved back');
    assert.equal(typedSince(origin, 'file:///b.ts', typing('ret'), cursor + 3, 128), undefined, 'another file');
  });

  it('a generation agrees with the typing while one is the start of the other', () => {
    assert.equal(agrees('return a', 'ret'), true);
    assert.equal(agrees('re', 'return'), true);
    assert.equal(agrees('return', 'throw'), false);
    assert.deepEqual(restAfter(['return a + b;', 'throw x;', 'ret'], 'ret'), ['urn a + b;']);
  });
});

describe('trigger', () => {
  it('waits longer while typing faster than the engine answers, and little otherwise', () => {
    const debounce = new AdaptiveDebounce(25, 250);
    let now = 0;
    for (let i = 0; i < 10; i++) debounce.delay((now += 100), 400);
    assert.equal(debounce.delay(now + 100, 400), 120);
    const relaxed = new AdaptiveDebounce(25, 250);
    now = 0;
    for (let i = 0; i < 10; i++) relaxed.delay((now += 100), 30);
    assert.equal(relaxed.delay(now + 100, 30), 50);
  });

  it('treats code after the cursor as a reason not to auto-complete, closing brackets not', () => {
    assert.equal(longSuffixFollows('value);'), true);
    assert.equal(longSuffixFollows(');'), false);
    assert.equal(longSuffixFollows('   '), false);
  });
});
