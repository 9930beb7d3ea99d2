// A refactor command as a person meets it: "Pylot: Document" from the palette, the diff preview
// beside the code with the change's hunks in a QuickPick, Enter applies, Ctrl+Z takes it back,
// Escape discards. The chat model is a scripted GGUF whose JSON goes through the real grammar.
// Screenshots of every step go to out/test-results/ui/.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectDiff, launchBrowser, openFile, runCommand, screenshots, waitForFile, waitForWorkbench, type BrowserSession } from '../rig/browser';
import { startCodeServer, type CodeServer } from '../rig/codeServer';
import { scriptedModel } from '../fixtures/models';

const root = path.resolve(import.meta.dirname, '../../..');
const vsix = path.join(root, 'out/pylot.vsix');
const docScript = '{"doc":"Adds two numbers."}';
const source = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
const documented = `/**\n * Adds two numbers.\n */\n${source}`;
const timeout = 120_000;

describe('Pylot refactor commands in the browser', { timeout: 10 * 60_000 }, () => {
  let workspace: string;
  let server: CodeServer;
  let browser: BrowserSession;
  let page: Page;
  let passed = false;

  before(async () => {
    const model = await scriptedModel(docScript, { name: 'scripted-doc' });
    workspace = await mkdtemp(path.join(tmpdir(), 'pylot-ui-refactor-'));
    await writeFile(path.join(workspace, 'math.ts'), source);
    server = await startCodeServer({
      extensions: [vsix],
      machineSettings: { 'pylot.models.chat': model, 'pylot.threads': 1 },
    });
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
  });

  after(async () => {
    await browser?.close();
    await server?.stop({ keepLogs: !passed });
    await rm(workspace, { recursive: true, force: true });
  });

  it('previews a doc comment as a diff, applies it on Enter, and Ctrl+Z takes it back', async () => {
    const shots = await screenshots(page, 'refactor-document');
    const file = path.join(workspace, 'math.ts');
    await openFile(page, 'math.ts');
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Pylot: Document');

    const pick = page.locator('.quick-input-widget', { hasText: 'Document' });
    await pick.waitFor({ state: 'visible', timeout });
    const diff = page.locator('.monaco-diff-editor');
    await diff.first().waitFor({ state: 'visible', timeout });
    await page.locator('.monaco-diff-editor .editor.modified .view-lines', { hasText: 'Adds two numbers.' }).first().waitFor({ timeout });
    await expectDiff(page, { original: source.split('\n'), modified: documented.split('\n') });
    await shots.take('diff-preview');
    assert.match(await pick.innerText(), /\+ \* Adds two numbers\.[\s\S]*before line 1: −0 \+3/, 'the hunk, ticked, with where it goes');
    assert.equal(await readFile(file, 'utf8'), source, 'nothing is written before the user accepts');

    await page.keyboard.press('Enter');
    await pick.waitFor({ state: 'hidden', timeout });
    await diff.first().waitFor({ state: 'detached', timeout });
    await page.keyboard.press('Control+S');
    assert.equal(await waitForFile(file, (text) => text.includes('Adds two numbers.')), documented);
    await shots.take('applied');

    await editorOf(page).click();
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    assert.equal(await waitForFile(file, (text) => !text.includes('Adds two numbers.')), source);
    await shots.take('undone');
  });

  it('Escape discards the proposal and leaves the file as it was', async () => {
    const shots = await screenshots(page, 'refactor-reject');
    const file = path.join(workspace, 'math.ts');
    await editorOf(page).click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Pylot: Document');
    const pick = page.locator('.quick-input-widget', { hasText: 'Document' });
    await pick.waitFor({ state: 'visible', timeout });
    await shots.take('preview');
    await page.keyboard.press('Escape');
    await pick.waitFor({ state: 'hidden', timeout });
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'detached', timeout });
    await page.keyboard.press('Control+S');
    assert.equal(await readFile(file, 'utf8'), source);
    await shots.take('discarded');
    passed = true;
  });
});

/** The file's editor; called once the diff preview is closed, so it is the only one showing the code. */
function editorOf(page: Page) {
  return page.locator('.monaco-editor .view-lines', { hasText: 'export function add' }).first();
}
