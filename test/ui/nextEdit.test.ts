// A next edit as a person sees it: Pylot installed from its .vsix into a clean code-server, a
// scripted next-edit GGUF (named like Zed's Zeta, on Qwen2's vocabulary) run by the real sidecar,
// driven in Chromium. The user types `0` after `3` on the first line; the model rewrites the lines
// around the cursor and renames the call below. On that line the old text is struck through with the
// new beside it and the hint; Tab jumps there, Tab accepts (one undo takes it back), Esc dismisses.
// A rename through TypeScript's own rename provider: every place it renames in the file is drawn at
// once, the hint names the other file it renames, and the shadowed local is left alone; Tab jumps,
// Tab accepts, and both files are saved renamed.
// Screenshots of every step go to out/test-results/ui/next-edit/ and next-edit-rename/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openFile, runCommand, screenshots, waitForFile, waitForStatusBarItem } from '../rig/browser';
import { openWorkbench, type Workbench } from '../rig/workbench';
import { scriptedModel } from '../fixtures/models';
import { nextEditDocument, nextEditScript } from '../integration/suite/fixtureScripts';

const timeout = 120_000;
const hint = 'Predicted edit: Tab to jump, Tab again to accept, Esc to dismiss';

/** The few DOM calls made in the page (this project compiles without the DOM library). */
interface PageElement {
  readonly textContent: string | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
interface PageGlobals {
  readonly document: PageElement;
  getComputedStyle(element: PageElement, pseudo?: string): { readonly textDecorationLine: string; readonly content: string; readonly color: string };
}

/** What the editor draws on the line that starts with `start`: its text, the struck-through parts, the text drawn after parts (and whether that text has a colour one can see). */
async function lineDrawing(page: Page, start: string): Promise<{ text: string; struck: string[]; after: string[]; invisible: string[] } | undefined> {
  return page.evaluate((start) => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const clean = (text: string | null) => (text ?? '').replace(/\u00a0/g, ' ');
    const line = Array.from(document.querySelectorAll('.monaco-editor.focused .view-lines .view-line')).find((l) => clean(l.textContent).startsWith(start));
    if (!line) return undefined;
    const spans = Array.from(line.querySelectorAll('span span'));
    const content = (value: string) => (value && value !== 'none' && value !== 'normal' ? (JSON.parse(value) as string) : undefined);
    return {
      text: clean(line.textContent),
      struck: spans.filter((s) => getComputedStyle(s).textDecorationLine.includes('line-through')).map((s) => clean(s.textContent)),
      after: spans.map((s) => content(getComputedStyle(s, '::after').content)).filter((text): text is string => !!text),
      invisible: spans
        .filter((s) => content(getComputedStyle(s, '::after').content) && /^(transparent|rgba\(\d+, \d+, \d+, 0\))$/.test(getComputedStyle(s, '::after').color))
        .map((s) => content(getComputedStyle(s, '::after').content)!),
    };
  }, start);
}

async function cursor(page: Page): Promise<string> {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*Ln \d+, Col \d+/ }).first();
  return ((await item.textContent()) ?? '').trim();
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = timeout): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a next edit in the browser, installed from the .vsix', { timeout: 10 * 60_000 }, () => {
  let workbench: Workbench;
  let workspace: string;
  let page: Page;
  let passed = false;

  before(async () => {
    const model = await scriptedModel(nextEditScript, { name: 'zeta-next-edit', vocab: 'qwen2' });
    workbench = await openWorkbench({
      name: 'next-edit',
      files: { 'app.js': nextEditDocument },
      machineSettings: { 'pylot.models.completion': model, 'pylot.threads': 1 },
    });
    ({ workspace, page } = workbench);
  });

  after(() => workbench?.close({ keepLogs: !passed }));

  it('shows the predicted edit on the line below; Tab jumps, Tab accepts (one undo), Esc dismisses', async () => {
    const shots = await screenshots(page, 'next-edit');
    await waitForStatusBarItem(page, 'Pylot', timeout);
    await openFile(page, 'app.js');
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type('0');
    await shots.take('typed');

    const drawn = await until('the predicted edit drawn on line 2', async () => {
      const line = await lineDrawing(page, 'show(total);');
      return line && line.struck.length > 0 ? line : undefined;
    });
    await shots.take('suggested');
    assert.deepEqual(drawn.struck, ['show'], 'the replaced text is struck through');
    assert.deepEqual(drawn.after, ['report', `  ${hint}`], 'the new text beside it, then the hint');
    assert.deepEqual(drawn.invisible, [], 'drawn in a colour one can see');
    assert.equal((await lineDrawing(page, 'let total'))?.text, 'let total = 30;', 'the line typed on is left alone');
    assert.equal(await cursor(page), 'Ln 1, Col 15');

    await page.keyboard.press('Tab');
    await until('the cursor on the edit', async () => (await cursor(page)) === 'Ln 2, Col 1');
    assert.equal((await lineDrawing(page, 'show(total);'))?.text, 'show(total);', 'jumping changes nothing');
    await shots.take('jumped');

    await page.keyboard.press('Tab');
    const accepted = await until('the edit applied', async () => {
      const line = await lineDrawing(page, 'report');
      return line?.text === 'report(total);' && line;
    });
    assert.deepEqual([accepted.struck, accepted.after], [[], []], 'nothing drawn once accepted');
    await shots.take('accepted');
    await page.keyboard.press('Control+S');
    assert.equal(await waitForFile(path.join(workspace, 'app.js'), (text) => text.includes('report')), 'let total = 30;\nreport(total);');

    // One undo takes back exactly the accepted edit; the suggestion comes back, and Esc dismisses it.
    await page.keyboard.press('Control+Z');
    await until('the edit suggested again', async () => ((await lineDrawing(page, 'show(total);'))?.struck.length ?? 0) > 0);
    await shots.take('undone');
    await page.keyboard.press('Escape');
    await until('the suggestion dismissed', async () => {
      const line = await lineDrawing(page, 'show(total);');
      return line && !line.struck.length && !line.after.length;
    });
    await shots.take('dismissed');
    await page.keyboard.press('Control+S');
    assert.equal(await waitForFile(path.join(workspace, 'app.js'), (text) => text.includes('show')), 'let total = 30;\nshow(total);');
    passed = true;
  });
});

const lib = [
  'export function price(items: number[]): number {',
  '  return items.length;',
  '}',
  'export function other(): number {',
  '  const price = 2;',
  '  return price;',
  '}',
  'export const cost = price([1]);',
  '',
].join('\n');
const main = "import { price } from './lib';\nexport const two = price([1, 2]);\n";

describe('a rename through the language’s rename provider, in the browser', { timeout: 10 * 60_000 }, () => {
  let workbench: Workbench;
  let workspace: string;
  let page: Page;
  let passed = false;

  before(async () => {
    workbench = await openWorkbench({
      name: 'next-edit-rename',
      files: { 'lib.ts': lib, 'main.ts': main, 'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true }, include: ['*.ts'] }) },
      machineSettings: { 'pylot.threads': 1 },
    });
    ({ workspace, page } = workbench);
  });

  after(() => workbench?.close({ keepLogs: !passed }));

  it('draws the provider’s places, names the other file, and applies the whole rename', async () => {
    const shots = await screenshots(page, 'next-edit-rename');
    await waitForStatusBarItem(page, 'Pylot', timeout);
    await openFile(page, 'lib.ts');
    // No model is set and nothing has started Pylot's engine: the first keystroke of the rename starts
    // it, and the edits made while it starts reach its history (the rename rule needs the old name).
    // Select `price` in `export const cost = price([1]);` (line 8) and type the new name over it.
    await page.keyboard.press('Control+G');
    await page.keyboard.type('8:22'); // line 8, inside `price`
    await page.keyboard.press('Enter');
    await until('the cursor in the name', async () => (await cursor(page)) === 'Ln 8, Col 22');
    await page.keyboard.press('Control+D'); // selects the word at the cursor
    await page.keyboard.type('amount');
    await until('the name typed', async () => (await lineDrawing(page, 'export const cost'))?.text === 'export const cost = amount([1]);');
    await shots.take('typed');

    // The TypeScript server starts on first use; until it answers, tree-sitter's suggestion shows: ask again.
    const drawn = await until('the provider’s rename drawn at the declaration', async () => {
      const line = await lineDrawing(page, 'export function price');
      if (line?.struck.length) return line;
      await page.keyboard.press('Escape');
      await page.keyboard.press('Alt+N');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return undefined;
    });
    await shots.take('suggested');
    assert.deepEqual(drawn.struck, ['price']);
    assert.deepEqual(drawn.after, ['amount', '  Rename price to amount (and in main.ts): Tab to jump, Tab again to accept, Esc to dismiss']);
    for (const start of ['  const price = 2;', '  return price;']) {
      assert.deepEqual((await lineDrawing(page, start))?.struck, [], `the shadowed local is left alone: ${start}`);
    }

    await page.keyboard.press('Tab');
    await until('the cursor at the declaration', async () => (await cursor(page)) === 'Ln 1, Col 17');
    await page.keyboard.press('Tab');
    await until('the rename applied', async () => (await lineDrawing(page, 'export function amount'))?.text);
    await shots.take('accepted');
    await runCommand(page, 'File: Save All Files');
    const renamed = lib.replace('function price', 'function amount').replace('cost = price', 'cost = amount');
    assert.equal(await waitForFile(path.join(workspace, 'lib.ts'), (text) => text.includes('function amount')), renamed);
    assert.equal(await waitForFile(path.join(workspace, 'main.ts'), (text) => text.includes('amount')), main.replaceAll('price', 'amount'));
    passed = true;
  });
});
