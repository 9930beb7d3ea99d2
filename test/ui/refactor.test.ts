// A refactor command as a person meets it: "Pylot: Document" from the palette, the review editor
// with the proposed lines in place and Accept / Reject lenses, Ctrl+Alt+Y accepts, Ctrl+Z takes it
// back, Ctrl+Shift+Backspace rejects. The chat model is a scripted GGUF whose JSON goes through the real grammar.
// Screenshots of every step go to out/test-results/ui/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectEditorLines, openFile, runCommand, screenshots, waitForFile } from '../rig/browser';
import { openWorkbench, type Workbench } from '../rig/workbench';
import { scriptedModel } from '../fixtures/models';

const docScript = '{"doc":"Adds two numbers."}';
const source = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
const documented = `/**\n * Adds two numbers.\n */\n${source}`;
const timeout = 120_000;

describe('Pylot refactor commands in the browser', { timeout: 10 * 60_000 }, () => {
  let workbench: Workbench;
  let workspace: string;
  let page: Page;
  let passed = false;

  before(async () => {
    const model = await scriptedModel(docScript, { name: 'scripted-doc' });
    workbench = await openWorkbench({ name: 'refactor', files: { 'math.ts': source }, machineSettings: { 'pylot.models.chat': model, 'pylot.threads': 1 } });
    ({ workspace, page } = workbench);
  });

  after(() => workbench?.close({ keepLogs: !passed }));

  it('shows the doc comment in the review editor, Ctrl+Alt+Y accepts it, Ctrl+Z takes it back', async () => {
    const shots = await screenshots(page, 'refactor-document');
    const file = path.join(workspace, 'math.ts');
    await openFile(page, 'math.ts');
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Pylot: Document');

    // The review editor: the file with the proposed lines in place, an Accept / Reject lens above them.
    await page.locator('.monaco-editor.focused .codelens-decoration', { hasText: 'Accept' }).first().waitFor({ timeout });
    await expectEditorLines(
      page,
      documented
        .split('\n')
        .slice(0, -1)
        .map((text) => ({ text, struck: false })),
    );
    await shots.take('review');
    assert.equal(await readFile(file, 'utf8'), source, 'nothing is written before the user accepts');

    await page.keyboard.press('Control+Alt+Y');
    // The review closes; the file's own editor, focused, holds the change (unsaved).
    await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Accept' }).first().waitFor({ state: 'detached', timeout });
    await page.locator('.tab.active', { hasText: 'math.ts' }).waitFor({ timeout });
    await page.keyboard.press('Control+S');
    assert.equal(await waitForFile(file, (text) => text.includes('Adds two numbers.')), documented);
    await shots.take('applied');

    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    assert.equal(await waitForFile(file, (text) => !text.includes('Adds two numbers.')), source);
    await shots.take('undone');
  });

  it('Ctrl+Shift+Backspace rejects the whole proposal and leaves the file as it was', async () => {
    const shots = await screenshots(page, 'refactor-reject');
    const file = path.join(workspace, 'math.ts');
    await editorOf(page).click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Pylot: Document');
    const lens = page.locator('.monaco-editor.focused .codelens-decoration', { hasText: 'Reject' }).first();
    await lens.waitFor({ timeout });
    await shots.take('review');
    await page.keyboard.press('Control+Shift+Backspace');
    await lens.waitFor({ state: 'detached', timeout });
    await expectEditorLines(
      page,
      source
        .split('\n')
        .slice(0, -1)
        .map((text) => ({ text, struck: false })),
    );
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
