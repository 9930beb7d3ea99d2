// What a person sees, end to end: Pylot installed from its .vsix into a clean code-server, a
// scripted GGUF model run by the real sidecar, driven in Chromium. Screenshots of every step go to
// out/test-results/ui/.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Locator, Page } from 'playwright-core';
import { openFile, runCommand, screenshots, waitForFile, waitForGhostText, waitForStatusBarItem, webviewFrame } from '../rig/browser';
import { openWorkbench, type Workbench } from '../rig/workbench';
import { badModelFiles, scriptedModel } from '../fixtures/models';

const script = 'return a + b;';
const timeout = 120_000;

describe('Pylot in the browser, installed from its .vsix', { timeout: 10 * 60_000 }, () => {
  let workbench: Workbench;
  let workspace: string;
  let page: Page;
  let passed = false;

  before(async () => {
    const model = await scriptedModel(script);
    workbench = await openWorkbench({
      name: 'ghost-text',
      files: { 'math.ts': 'export function add(a: number, b: number): number {\n  \n}\n' },
      // With VS Code's "Disable AI Features" on, inline suggestions are not requested while typing.
      settings: { 'chat.disableAIFeatures': false },
      // Paths and threads are machine settings: a remote (code-server) window reads them from here.
      machineSettings: { 'pylot.models.completion': model, 'pylot.threads': 1 },
    });
    ({ workspace, page } = workbench);
  });

  after(() => workbench?.close({ keepLogs: !passed }));

  it('types in a file, shows ghost text from the model, Tab accepts it, and the saved file has it', async () => {
    const shots = await screenshots(page, 'ghost-text');
    await waitForStatusBarItem(page, 'Pylot', timeout);
    await shots.take('workbench');
    await openFile(page, 'math.ts');
    // Into the empty body, then type: typing is what asks for a completion.
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.type('  ');
    await shots.take('typed');
    const ghost = await ghostTextAfterTyping(page);
    assert.equal(ghost.replace(/\u00a0/g, ' ').trim(), script);
    await shots.take('ghost-text');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+S');
    const saved = await waitForFile(path.join(workspace, 'math.ts'), (text) => text.includes(script));
    assert.equal(saved, `export function add(a: number, b: number): number {\n    ${script}\n}\n`);
    await waitForStatusBarItem(page, 'Pylot', timeout);
    // What a person reads: the backend, then the role and its model (the icon is a glyph, not text).
    assert.match(await statusText(page), /^Pylot\s+CPU-\w+ · completion: pylot-test-scripted( · \d+ tok\/s)?$/);
    await shots.take('accepted-and-saved');
  });

  it('restarts the engine from the palette and shows it in the Pylot panel', async () => {
    const shots = await screenshots(page, 'restart');
    await runCommand(page, 'Pylot: Focus on Engine View');
    const panel = await webviewFrame(page, 'Pylot Engine');
    // Rows by their exact label: a value (the CPU's name, a path) may contain any word.
    const before = await panelValue(panel, 'Engine', 'Process').textContent({ timeout });
    assert.match(before ?? '', /^pid \d+$/);
    // The suggestion taken with Tab above, counted on this machine and drawn as a bar.
    const usage = panel.locator('section.usage');
    const row = usage
      .locator('.usage-block')
      .filter({ has: panel.getByRole('heading', { name: 'Completions · typescript · pylot-test-scripted', exact: true }) });
    await row.locator('p', { hasText: /^\d+ shown · 1 accepted/ }).waitFor({ timeout });
    assert.match((await row.locator('p').first().textContent()) ?? '', /^(\d+) shown · 1 accepted \(\d+ %\) · \d+ dismissed$/);
    assert.equal(await row.locator('p.note').first().textContent(), 'taken by Tab 1 · by word 0 · by line 0');
    assert.match((await row.getByRole('img').first().getAttribute('aria-label')) ?? '', /^\d+ shown, 1 accepted, \d+ dismissed$/);
    assert.ok(await usage.getByText('kept only here, never sent anywhere', { exact: false }).isVisible());
    await row.scrollIntoViewIfNeeded();
    await shots.take('usage');
    await panel.locator('section').first().scrollIntoViewIfNeeded();
    await shots.take('panel');
    await runCommand(page, 'Pylot: Restart Sidecar');
    await panelValue(panel, 'Engine', 'Process').filter({ hasNotText: before! }).waitFor({ timeout });
    await panelValue(panel, 'Engine', 'Status')
      .filter({ hasText: /^ready$/ })
      .waitFor({ timeout });
    await page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*Pylot\s+CPU-\w+ · completion: pylot-test-scripted/ }).waitFor({ timeout });
    await shots.take('restarted');
    // Every role, each with its state in words.
    await panelValue(panel, 'Completion model', 'State')
      .filter({ hasText: /^loaded$/ })
      .waitFor({ timeout });
    assert.match((await panelValue(panel, 'Completion model', 'Model').textContent()) ?? '', /^pylot-test-scripted — llama/);
    assert.match((await panelValue(panel, 'Completion model', 'Can do').textContent()) ?? '', /^fill-in-the-middle, /);
    assert.equal(await panelValue(panel, 'Chat model', 'State').textContent(), 'missing');
    assert.equal(await panelValue(panel, 'Embeddings model', 'State').textContent(), 'missing');
  });

  it('says why a bad model cannot load, in a notification and the status bar, and recovers', async () => {
    const shots = await screenshots(page, 'bad-model');
    const machineSettings = path.join(workbench.server.userDataDir, 'Machine', 'settings.json');
    const good = JSON.parse(await readFile(machineSettings, 'utf8')) as Record<string, unknown>;
    const { notGguf } = await badModelFiles();
    await writeFile(machineSettings, JSON.stringify({ ...good, 'pylot.models.completion': notGguf }));
    const toast = page.locator('.notification-toast', { hasText: 'Pylot could not load the completion model' });
    await toast.waitFor({ timeout });
    assert.match(await toast.innerText(), /is not a GGUF model file/);
    await page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*Pylot\s+completion: failed$/ }).waitFor({ timeout });
    await shots.take('refused');
    await writeFile(machineSettings, JSON.stringify(good));
    await page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*Pylot\s+CPU-\w+ · completion: pylot-test-scripted/ }).waitFor({ timeout });
    await shots.take('recovered');
    passed = true;
  });
});

/**
 * Typing asks for a completion; the first one also starts the engine and loads the model. If the
 * workbench dropped that request (it cancels on any edit, and these machines are slow), ask again
 * with VS Code's own Alt+\\ (Trigger Inline Suggestion).
 */
async function ghostTextAfterTyping(page: Page): Promise<string> {
  try {
    return await waitForGhostText(page, 30_000);
  } catch {
    await page.keyboard.press('Alt+Backslash');
    return waitForGhostText(page, timeout);
  }
}

/** The value of the row labelled exactly `label` in the panel's section titled exactly `section`. */
function panelValue(panel: Frame, section: string, label: string): Locator {
  return panel
    .locator('section')
    .filter({ has: panel.getByRole('heading', { name: section, exact: true }) })
    .locator('dl > div')
    .filter({ has: panel.locator('dt').getByText(label, { exact: true }) })
    .locator('dd');
}

async function statusText(page: Page): Promise<string> {
  return (
    (await page
      .locator('.part.statusbar .statusbar-item', { hasText: /^\s*Pylot/ })
      .first()
      .textContent()) ?? ''
  ).trim();
}
