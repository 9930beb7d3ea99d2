import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatHistory, titleFor, type KeyValueStore, type StoredChat } from '../../extension/chat/chatHistory';

/** Like VS Code's Memento: values go through JSON, and undefined deletes. */
function memento(): KeyValueStore & { keys(): string[] } {
  const values = new Map<string, string>();
  return {
    get: <T>(key: string) => (values.has(key) ? (JSON.parse(values.get(key)!) as T) : undefined),
    update: async (key, value) => void (value === undefined ? values.delete(key) : values.set(key, JSON.stringify(value))),
    keys: () => [...values.keys()],
  };
}

function chat(id: string, title: string, updatedAt: number): StoredChat {
  return { id, title, mode: 'ask', createdAt: updatedAt, updatedAt, turns: [{ id: `${id}-u`, role: 'user', text: title }] };
}

describe('chat history', () => {
  it('persists chats and lists them newest first', async () => {
    const store = memento();
    await new ChatHistory(store).save(chat('a', 'Fix the parser', 1));
    await new ChatHistory(store).save(chat('b', 'Explain the cache', 2));
    const history = new ChatHistory(store); // a fresh instance reads what the others wrote
    assert.deepEqual(
      history.list().map((c) => c.id),
      ['b', 'a'],
    );
    assert.equal(history.get('a')?.turns[0]?.text, 'Fix the parser');
  });

  it('searches titles by every word, in any case', async () => {
    const history = new ChatHistory(memento());
    await history.save(chat('a', 'Fix the Parser crash', 1));
    await history.save(chat('b', 'Parser performance', 2));
    await history.save(chat('c', 'Explain the cache', 3));
    assert.deepEqual(
      history.list('parser').map((c) => c.id),
      ['b', 'a'],
    );
    assert.deepEqual(
      history.list('CRASH parser').map((c) => c.id),
      ['a'],
    );
    assert.deepEqual(history.list('nothing'), []);
  });

  it('updates a chat in place and deletes it with its turns', async () => {
    const store = memento();
    const history = new ChatHistory(store);
    await history.save(chat('a', 'First', 1));
    await history.save({ ...chat('a', 'First', 5), turns: [...chat('a', 'First', 5).turns, { id: 'a-r', role: 'assistant', text: 'answer' }] });
    assert.equal(history.list().length, 1);
    assert.equal(history.list()[0]!.turns, 2);
    await history.delete('a');
    assert.deepEqual(history.list(), []);
    assert.equal(history.get('a'), undefined);
    assert.ok(!store.keys().some((key) => key.endsWith('.a')));
  });

  it('keeps at most its limit, forgetting the oldest chats entirely', async () => {
    const store = memento();
    const history = new ChatHistory(store, 3);
    for (let i = 1; i <= 5; i++) await history.save(chat(`c${i}`, `Chat ${i}`, i));
    assert.deepEqual(
      history.list().map((c) => c.id),
      ['c5', 'c4', 'c3'],
    );
    assert.equal(history.get('c1'), undefined);
    assert.equal(store.keys().length, 4); // the index and three chats
  });

  it('does not keep a chat with no message', async () => {
    const history = new ChatHistory(memento());
    await history.save({ ...chat('a', 'x', 1), turns: [] });
    assert.deepEqual(history.list(), []);
  });

  it('titles a chat by the first line of its first message', () => {
    assert.equal(titleFor('\n  Why is this slow?\nHere is the code…'), 'Why is this slow?');
    assert.equal(titleFor('x'.repeat(100)).length, 58);
    assert.equal(titleFor('   '), 'New chat');
  });
});
