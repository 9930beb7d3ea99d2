// Next edits in the real sidecar, over the contract: the mirror's edits feed the history, and
// nextEdit/suggest answers with ranges in the document's own lines and characters; a stale version
// is refused, a secret file gets nothing. A next-edit model (a scripted Zeta-named GGUF, real
// node-llama-cpp) rewrites the region around the cursor: its rewrite comes back as an edit on the
// line below, and typing on at the cursor reuses the anchored prompt.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NextEditSuggest } from '../../protocol/nextEdit';
import { ErrorCodes } from '../../protocol/rpc';
import { DidChangeDocument, DidOpenDocument, LoadModel } from '../../protocol/sidecar';
import { scriptedModel } from '../fixtures/models';
import { nextEditDocument, nextEditScript } from '../integration/suite/fixtureScripts';
import { rejectsWithCode, startHarness, type Harness } from './harness';

const text = 'function total(items) {\n  let sum = 0;\n  for (const item of items) sum += item.price;\n  return sum;\n}\n';

describe('next edits in the sidecar', () => {
  let harness: Harness;
  const send = async (method: string, params: object) => (await harness.sidecar.ensureStarted()).rpc.sendNotification(method, params);
  /** Types `sum` → `subtotal` on line 1 the way VS Code reports it: a deletion, then one change per key. */
  const rename = async (uri: string) => {
    await send(DidOpenDocument.method, { uri, languageId: 'typescript', version: 1, text });
    let version = 1;
    await send(DidChangeDocument.method, {
      uri,
      version: ++version,
      changes: [{ range: { start: { line: 1, character: 6 }, end: { line: 1, character: 9 } }, text: '' }],
    });
    for (const [i, key] of [...'subtotal'].entries()) {
      const at = { line: 1, character: 6 + i };
      await send(DidChangeDocument.method, { uri, version: ++version, changes: [{ range: { start: at, end: at }, text: key }] });
    }
    return version;
  };

  before(() => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
  });
  after(async () => {
    await harness.sidecar.dispose();
  });

  it('offers a renamed local’s other uses as edits with ranges', async () => {
    const uri = 'file:///work/cart.ts';
    const version = await rename(uri);
    const { suggestions } = await harness.sidecar.request(NextEditSuggest, { uri, version, position: { line: 1, character: 14 } });
    assert.deepEqual(
      suggestions.map(({ rule, range, text }) => ({ rule, range, text })),
      [
        { rule: 'rename', range: { start: { line: 2, character: 28 }, end: { line: 2, character: 31 } }, text: 'subtotal' },
        { rule: 'rename', range: { start: { line: 3, character: 9 }, end: { line: 3, character: 12 } }, text: 'subtotal' },
      ],
    );
    assert.equal(suggestions[0]!.label, 'Rename sum to subtotal');
  });

  it('refuses a version the mirror does not hold', async () => {
    const uri = 'file:///work/stale.ts';
    const version = await rename(uri);
    await rejectsWithCode(harness.sidecar.request(NextEditSuggest, { uri, version: version - 1, position: { line: 1, character: 14 } }), ErrorCodes.Cancelled);
  });

  it('a next-edit model: its region rewrite as an edit on the line below; off, or a secret file, nothing', async () => {
    const model = await scriptedModel(nextEditScript, { name: 'zeta-next-edit', vocab: 'qwen2' });
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: model }, contextSize: 2048 });
    const typeZero = async (uri: string) => {
      await send(DidOpenDocument.method, { uri, languageId: 'javascript', version: 1, text: nextEditDocument });
      const at = { line: 0, character: 13 };
      await send(DidChangeDocument.method, { uri, version: 2, changes: [{ range: { start: at, end: at }, text: '0' }] });
    };
    const uri = 'file:///work/app.js';
    await typeZero(uri);
    const position = { line: 0, character: 14 };
    assert.deepEqual(await harness.sidecar.request(NextEditSuggest, { uri, version: 2, position }), { suggestions: [] }, 'no model unless asked');
    assert.deepEqual(await harness.sidecar.request(NextEditSuggest, { uri, version: 2, position, model: 'off' }), { suggestions: [] });
    const { suggestions } = await harness.sidecar.request(NextEditSuggest, { uri, version: 2, position, model: 'auto' });
    assert.deepEqual(suggestions, [
      { rule: 'model', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, text: 'report', label: 'Predicted edit' },
    ]);
    const secret = 'file:///work/config/.env';
    await typeZero(secret);
    assert.deepEqual(await harness.sidecar.request(NextEditSuggest, { uri: secret, version: 2, position, model: 'auto' }), { suggestions: [] });
  });

  it('answers a secret file with nothing', async () => {
    const uri = 'file:///work/.env';
    const version = await rename(uri);
    assert.deepEqual(await harness.sidecar.request(NextEditSuggest, { uri, version, position: { line: 1, character: 14 } }), { suggestions: [] });
  });
});
