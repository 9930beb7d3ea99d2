// The chat history encrypted at rest: nothing a user wrote (titles included) is in the stored values
// when it is on, the chats read back the same, turning it off and on converts what is stored, a lost
// key or a changed value means a clear message and a fresh history, and a stored chat that cannot be
// opened is left out rather than breaking the panel.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ChatHistory, type KeyValueStore, type StoredChat } from '../../extension/chat/chatHistory';
import { AtRest } from '../../node/atRest';

/** Like VS Code's Memento: values go through JSON, and undefined deletes; `raw` is what it would write to disk. */
function memento(): KeyValueStore & { raw(): string; values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: <T>(key: string) => (values.has(key) ? (JSON.parse(values.get(key)!) as T) : undefined),
    update: async (key, value) => void (value === undefined ? values.delete(key) : values.set(key, JSON.stringify(value))),
    keys: () => [...values.keys()],
    raw: () => [...values.entries()].join('\n'),
  };
}

const markers = ['quokkaZebraTitle', 'saffron-lantern-question', 'tangerineVaultAnswer'];
const key = () => randomBytes(32).toString('base64');

function chat(id: string, i: number): StoredChat {
  return {
    id,
    title: `${markers[0]} ${i}`,
    mode: 'ask',
    createdAt: i,
    updatedAt: i,
    turns: [
      { id: `${id}-u`, role: 'user', text: `How does ${markers[1]} work?` },
      { id: `${id}-a`, role: 'assistant', text: `Like ${markers[2]}.` },
    ],
  };
}

const leaks = (store: ReturnType<typeof memento>) => markers.filter((marker) => store.raw().includes(marker));

describe('chat history at rest', () => {
  it('stores nothing readable when on, and reads the chats back', async () => {
    const store = memento();
    const history = new ChatHistory(store, 100, new AtRest(key(), true));
    for (let i = 0; i < 3; i++) await history.save(chat(`c${i}`, i));
    assert.deepEqual(leaks(store), []);
    assert.deepEqual(
      history.list().map((summary) => summary.title),
      [`${markers[0]} 2`, `${markers[0]} 1`, `${markers[0]} 0`],
    );
    assert.deepEqual(history.get('c1'), chat('c1', 1));
    assert.deepEqual(history.list('quokkazebratitle 1').length, 1, 'search by title still works');
  });

  it('converts plain history when turned on, and back when turned off', async () => {
    const store = memento();
    const plain = new ChatHistory(store);
    for (let i = 0; i < 3; i++) await plain.save(chat(`c${i}`, i));
    assert.deepEqual(leaks(store), markers, 'plain history holds the text, as before encryption existed');
    const k = key();
    const history = new ChatHistory(store);
    assert.equal(await history.useAtRest(new AtRest(k, true)), undefined);
    assert.deepEqual(leaks(store), []);
    assert.deepEqual(new ChatHistory(store, 100, new AtRest(k, true)).get('c2'), chat('c2', 2), 'a new window with the key reads it');
    assert.equal(await history.useAtRest(new AtRest(k, false)), undefined);
    assert.deepEqual(leaks(store), markers);
    assert.deepEqual(new ChatHistory(store).get('c0'), chat('c0', 0), 'and without any key');
  });

  it('with the key lost, says so and starts a fresh history', async () => {
    const store = memento();
    const history = new ChatHistory(store, 100, new AtRest(key(), true));
    await history.save(chat('c0', 0));
    const fresh = new ChatHistory(store);
    assert.deepEqual(fresh.list(), [], 'before the key is known nothing is shown, nothing breaks');
    assert.equal(fresh.get('c0'), undefined);
    const message = await fresh.useAtRest(new AtRest(key(), true));
    assert.match(message ?? '', /^Your chat history could not be decrypted: the key it was encrypted with is gone/);
    assert.deepEqual(store.keys(), []);
    await fresh.save(chat('c9', 9));
    assert.deepEqual(fresh.get('c9'), chat('c9', 9));
    assert.deepEqual(leaks(store), []);
  });

  it('lost with encryption off too: the same message, plain from then on', async () => {
    const store = memento();
    await new ChatHistory(store, 100, new AtRest(key(), true)).save(chat('c0', 0));
    const history = new ChatHistory(store);
    assert.match((await history.useAtRest(AtRest.plain)) ?? '', /could not be decrypted/);
    await history.save(chat('c1', 1));
    assert.deepEqual(leaks(store), markers);
  });

  it('leaves out a chat whose stored value was changed; a migration removes that one alone and says so', async () => {
    const store = memento();
    const k = key();
    const history = new ChatHistory(store, 100, new AtRest(k, true));
    await history.save(chat('c0', 0));
    await history.save(chat('c1', 1));
    const value = JSON.parse(store.values.get('pylot.chat.c0')!) as { sealed: string };
    const bytes = Buffer.from(value.sealed, 'base64');
    bytes[bytes.length - 1]! ^= 0x01;
    store.values.set('pylot.chat.c0', JSON.stringify({ sealed: bytes.toString('base64') }));
    assert.equal(history.get('c0'), undefined);
    assert.deepEqual(history.get('c1'), chat('c1', 1));
    assert.equal(
      (await history.useAtRest(new AtRest(k, false))) ?? '',
      '1 stored chat(s) failed their integrity check (changed since Pylot wrote them) and were removed.',
    );
    assert.deepEqual(
      history.list().map((summary) => summary.id),
      ['c1'],
    );
    assert.deepEqual(history.get('c1'), chat('c1', 1), 'the other chat is kept, now plain');
  });
});
