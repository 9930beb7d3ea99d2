// Next edits from a model, the sidecar's logic around the engine: which model is asked (a next-edit
// family, or the chat model only when `instruct` is chosen), the region's rewrite as edits, nothing
// that undoes or repeats what the user just typed, bad answers refused, and the anchored prompt that
// stays byte-identical before the cursor while the user types there. (The real model path, a scripted
// GGUF in node-llama-cpp, is test/sidecar/nextEdit.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentStore } from '../../sidecar/documents/store';
import type { Engine } from '../../sidecar/engine/engine';
import { EditHistory } from '../../sidecar/nextEdit/editHistory';
import { ModelNextEdits, type ModelChoice } from '../../sidecar/nextEdit/modelEdits';
import { ScriptedEngine } from '../fixtures/scriptedEngine';

const uri = 'file:///ws/app.js';
const start = 'let total = 3;\nshow(total);\nlog(total);';

function rig(replies: string[], chatName = 'scripted-engine') {
  const documents = new DocumentStore();
  const history = new EditHistory({ textOf: (u) => documents.peek(u)?.text });
  documents.onEdit((u, edit) => history.record(u, edit));
  let version = 1;
  documents.open({ uri, languageId: 'javascript', version, text: start });
  const chat = new ScriptedEngine(replies);
  (chat.info as { name: string }).name = chatName;
  const model = new ModelNextEdits({ engineFor: (role) => (role === 'chat' ? chat : undefined), history, allows: () => true, filenameOf: () => 'app.js' });
  const text = () => documents.peek(uri)!.text;
  const positionAt = (offset: number) => {
    const before = text().slice(0, offset);
    return { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1 };
  };
  const edit = (from: number, to: number, insert: string) =>
    documents.change({ uri, version: ++version, changes: [{ range: { start: positionAt(from), end: positionAt(to) }, text: insert }] });
  const schedule = <T>(signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>) => task(signal);
  const suggest = (cursor: number, choice: ModelChoice = 'instruct') =>
    model.suggest({ uri, text: text() }, cursor, choice, schedule, new AbortController().signal);
  return { chat, model, text, edit, suggest };
}

const region = (text: string) => JSON.stringify({ region: text });

describe('next edits from a model', () => {
  it('instruct: the chat model rewrites the region under a JSON schema; the change comes back as an edit', async () => {
    const r = rig([region('let total = 30;\nshow(total, true);\nlog(total);')]);
    r.edit(13, 13, '0');
    const suggestions = await r.suggest(14);
    assert.deepEqual(suggestions, [
      { rule: 'model', start: 'let total = 30;\nshow(total'.length, end: 'let total = 30;\nshow(total'.length, text: ', true', label: 'Predicted edit' },
    ]);
    assert.ok(r.chat.calls[0]!.jsonSchema, 'asked under a grammar');
    assert.match(r.chat.calls[0]!.messages[0]!.content, /let total = 30<\|user_cursor_is_here\|>;/);
  });

  it('auto: a plain chat model is not asked; off: nothing is', async () => {
    for (const choice of ['auto', 'off'] as const) {
      const r = rig([region('x')]);
      r.edit(13, 13, '0');
      assert.deepEqual(await r.suggest(14, choice), []);
      assert.equal(r.chat.calls.length, 0);
    }
  });

  it('auto: a chat model named as a next-edit family is asked in its own format', async () => {
    const r = rig([], 'Instinct 7B');
    assert.equal(r.model.pick('auto')?.format.family, 'instinct');
    assert.equal(r.model.pick('off'), undefined);
  });

  it('drops an undo, a repeat beside the typing, and a change inside what was just typed', async () => {
    const shapes = [
      'let total = 3;\nshow(total);\nlog(total);', // undoes the typed 0
      'let total = 300;\nshow(total);\nlog(total);', // the same 0 again, beside it
      'let total = 39;\nshow(total);\nlog(total);', // rewrites the typed 0
    ];
    for (const shape of shapes) {
      const r = rig([region(shape)]);
      r.edit(13, 13, '0');
      assert.deepEqual(await r.suggest(14), [], shape);
    }
  });

  it('refuses answers that are no region: not JSON, the wrong shape, an empty object', async () => {
    for (const reply of ['let total = 30;', '{"region": 5}', '{}', '[]', '{"region": null}']) {
      const r = rig([reply]);
      r.edit(13, 13, '0');
      assert.deepEqual(await r.suggest(14), [], reply);
    }
  });

  it('keeps several edits of one rewrite, nearest first is the caller’s order', async () => {
    const r = rig([region('let total = 30;\nshow(total, true);\nlog(total, true);')]);
    r.edit(13, 13, '0');
    const suggestions = await r.suggest(14);
    assert.deepEqual(
      suggestions.map((s) => s.text),
      [', true', ', true'],
    );
  });
});

describe('the anchored next-edit prompt', () => {
  const engine = {} as Engine;
  const zetaOf = (r: ReturnType<typeof rig>) => {
    const picked = new ModelNextEdits({
      engineFor: () => ({ info: { name: 'zeta' }, capabilities: {} }) as unknown as Engine,
      history: new EditHistory({ textOf: () => undefined }),
      allows: () => true,
      filenameOf: () => 'app.js',
    }).pick('auto');
    void r;
    return picked!.format;
  };

  it('typing at the cursor keeps the head byte-identical and adds the typed text at the cursor', () => {
    const r = rig([]);
    const format = zetaOf(r);
    r.edit(13, 13, '0');
    const first = r.model.prompt(engine, format, uri, r.text(), 14);
    assert.equal(first.anchored, false);
    r.edit(14, 14, '0');
    r.edit(15, 15, '0');
    const second = r.model.prompt(engine, format, uri, r.text(), 16);
    assert.equal(second.anchored, true);
    assert.equal(second.prompt.head, first.prompt.head + '00');
    assert.equal(second.prompt.tail, first.prompt.tail);
    assert.equal(r.text().slice(second.region.start, second.region.end), 'let total = 3000;\nshow(total);\nlog(total);');
  });

  it('a new prompt after a line break, a move away, an edit elsewhere in the region or another engine', () => {
    const cases: Array<(r: ReturnType<typeof rig>) => number> = [
      (r) => (r.edit(14, 14, '\n'), 15),
      () => 3,
      (r) => (r.edit(r.text().indexOf('log'), r.text().indexOf('log') + 3, 'warn'), 14),
    ];
    for (const change of cases) {
      const r = rig([]);
      const format = zetaOf(r);
      r.edit(13, 13, '0');
      r.model.prompt(engine, format, uri, r.text(), 14);
      const cursor = change(r);
      assert.equal(r.model.prompt(engine, format, uri, r.text(), cursor).anchored, false);
    }
    const r = rig([]);
    const format = zetaOf(r);
    r.model.prompt(engine, format, uri, r.text(), 14);
    assert.equal(r.model.prompt({} as Engine, format, uri, r.text(), 14).anchored, false);
  });
});
