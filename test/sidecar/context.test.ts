// The context engine in the real sidecar: an inline completion without snippets of its own gets the
// definitions the file imports (from files on disk), and keeps them while the user types through;
// context/snippets and context/signals work over the contract.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ContextSignals, ContextSnippets } from '../../protocol/context';
import { DidChangeDocument, DidOpenDocument, InlineCompletion, LoadModel } from '../../protocol/sidecar';
import { scriptedModel } from '../fixtures/models';
import { startHarness, type Harness } from './harness';

const script = 'return a + b;';
const main =
  "import { applyDiscount, type Cart } from './pricing';\n\nexport function checkout(cart: Cart) {\n  const price = applyDiscount(cart.total, cart.code);\n  \n}\n";
const pricing =
  'export interface Cart {\n  total: number;\n  code?: string;\n}\n\nexport function applyDiscount(total: number, code?: string): number {\n  return code === "HALF" ? total / 2 : total;\n}\n';

describe('context in the sidecar', () => {
  let harness: Harness;
  const root = mkdtempSync(path.join(tmpdir(), 'pylot-context-sidecar-'));
  const uriOf = (name: string) => pathToFileURL(path.join(root, name)).href;
  const send = async (method: string, params: object) => (await harness.sidecar.ensureStarted()).rpc.sendNotification(method, params);
  const open = (name: string) => send(DidOpenDocument.method, { uri: uriOf(name), languageId: 'typescript', version: 1, text: main });
  const complete = (name: string, version: number, character: number, extra: object = {}) =>
    harness.sidecar.request(InlineCompletion, { uri: uriOf(name), version, position: { line: 4, character }, ...extra });

  before(async () => {
    writeFileSync(path.join(root, 'package.json'), '{}');
    writeFileSync(path.join(root, 'pricing.ts'), pricing);
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: await scriptedModel(script) }, contextSize: 2048 });
    await send(ContextSignals.method, { workspace: { folders: [root] } });
    await open('checkout.ts');
    await open('bare.ts');
    // The first assembly loads the grammar and parses pricing.ts, which a busy machine may not fit in
    // the 20 ms time box (the work goes on in the background): wait until the context is warm, as
    // it is by the time a user has typed a few keys.
    for (let tries = 0; tries < 100; tries++) {
      const { snippets } = await harness.sidecar.request(ContextSnippets, { uri: uriOf('bare.ts'), version: 1, position: { line: 4, character: 2 } });
      if (snippets.some((snippet) => snippet.source === 'imported')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  after(async () => {
    await harness.sidecar.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('puts the imported definitions into an inline completion that brings no snippets', async () => {
    const bare = await complete('bare.ts', 1, 2, { snippets: [] });
    assert.equal(bare.snippetFiles, undefined, 'snippets the request brings (none) are used as they are');
    const result = await complete('checkout.ts', 1, 2);
    assert.deepEqual(result.items, [script]);
    assert.deepEqual([...new Set(result.snippetFiles)], ['pricing.ts']);
    assert.ok(result.promptTokens! > bare.promptTokens! + 30, `the definitions are in the prompt (${result.promptTokens} vs ${bare.promptTokens} tokens)`);
  });

  it('keeps the snippets while the user types on, so the prompt stays anchored', async () => {
    // Not the suggestion's start ("return"): that would be answered from the suggestion, with no prompt.
    await send(DidChangeDocument.method, {
      uri: uriOf('checkout.ts'),
      version: 2,
      changes: [{ range: { start: { line: 4, character: 2 }, end: { line: 4, character: 2 } }, text: 'x' }],
    });
    const result = await complete('checkout.ts', 2, 3);
    assert.equal(result.anchored, true);
    assert.equal(result.snippetFiles, undefined, 'no new assembly while anchored');
    assert.ok(result.promptTokens! <= 4, `only the typed text was evaluated (${result.promptTokens})`);
  });

  it('answers context/snippets with the definitions and the clipboard the extension reported', async () => {
    await send(ContextSignals.method, { clipboard: { text: 'cart.code?.toUpperCase()', at: Date.now() } });
    const { snippets, elapsedMs } = await harness.sidecar.request(ContextSnippets, { uri: uriOf('bare.ts'), version: 1, position: { line: 4, character: 2 } });
    // Close neighbours in a file may share one snippet: the declarations, wherever they are.
    const imported = snippets.filter((s) => s.source === 'imported').flatMap((s) => s.text.split('\n').filter((line) => line.startsWith('export ')));
    assert.deepEqual(imported.sort(), ['export function applyDiscount(total: number, code?: string): number {', 'export interface Cart {']);
    assert.ok(snippets.some((s) => s.source === 'clipboard' && s.text === 'cart.code?.toUpperCase()'));
    assert.ok(elapsedMs >= 0);
  });
});
