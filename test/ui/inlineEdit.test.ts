// Inline edit as a person uses it, keyboard only, in Chromium against the packaged .vsix: select
// lines, Ctrl+I, type the instruction, Enter; the answer streams into the review editor (old lines
// struck through above the new); Ctrl+Alt+N rejects the first hunk, Alt+F5 goes to the next,
// Ctrl+Alt+Y accepts it; the file holds exactly that hunk and one Ctrl+Z takes it back. The chat
// model is a scripted OpenAI-compatible server on 127.0.0.1 (no instruct model can be had here),
// reached through the sidecar's real server engine. Screenshots go to out/test-results/ui/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectEditorLines, openFile, screenshots, waitForFile } from '../rig/browser';
import { openWorkbench, type Workbench } from '../rig/workbench';
import { startFakeChatServer, type FakeChatServer } from '../integration/suite/fakeChatServer';

const source = 'let first = 1;\nkeep();\nlet second = 2;\n';
const timeout = 120_000;

describe('Pylot inline edit in the browser', { timeout: 10 * 60_000 }, () => {
  let fake: FakeChatServer;
  let workbench: Workbench;
  let workspace: string;
  let page: Page;
  let passed = false;

  before(async () => {
    fake = await startFakeChatServer();
    workbench = await openWorkbench({
      name: 'inline',
      files: { 'edit.ts': source },
      machineSettings: {
        'pylot.servers': [{ name: 'ui-fake', api: 'openai-compatible', baseUrl: fake.url, model: fake.model }],
        'pylot.models.chat': 'server:ui-fake',
      },
    });
    ({ workspace, page } = workbench);
  });

  after(async () => {
    await workbench?.close({ keepLogs: !passed });
    await fake?.close();
  });

  it('Ctrl+I → instruction → streamed review; reject one hunk, accept another; one Ctrl+Z undoes it', async () => {
    const shots = await screenshots(page, 'inline-edit');
    const file = path.join(workspace, 'edit.ts');
    await openFile(page, 'edit.ts');
    await page.keyboard.press('Control+A');
    fake.answer('const first = 1;\nkeep();\nconst second = 2;');
    await page.keyboard.press('Control+I');
    const input = page.locator('.quick-input-widget', { hasText: 'Edit lines 1–3' });
    await input.waitFor({ state: 'visible', timeout });
    await page.keyboard.type('use const');
    await shots.take('instruction');
    await page.keyboard.press('Enter');

    await page.locator('.monaco-editor.focused .codelens-decoration', { hasText: 'Accept' }).first().waitFor({ timeout });
    await expectEditorLines(page, [
      { text: 'let first = 1;', struck: true },
      { text: 'const first = 1;', struck: false },
      { text: 'keep();', struck: false },
      { text: 'let second = 2;', struck: true },
      { text: 'const second = 2;', struck: false },
    ]);
    await shots.take('review');
    assert.equal(await readFile(file, 'utf8'), source, 'nothing written before the user decides');
    assert.equal(fake.requests[0]!.response_format, undefined, 'plain text, no grammar');

    await page.keyboard.press('Control+Alt+N');
    await expectEditorLines(page, [
      { text: 'let first = 1;', struck: false },
      { text: 'keep();', struck: false },
      { text: 'let second = 2;', struck: true },
      { text: 'const second = 2;', struck: false },
    ]);
    await shots.take('first-rejected');
    await page.keyboard.press('Alt+F5');
    await page.keyboard.press('Control+Alt+Y');
    await page.locator('.tab.active', { hasText: 'edit.ts' }).waitFor({ timeout });
    await expectEditorLines(page, [
      { text: 'let first = 1;', struck: false },
      { text: 'keep();', struck: false },
      { text: 'const second = 2;', struck: false },
    ]);
    await page.keyboard.press('Control+S');
    assert.equal(await waitForFile(file, (text) => text !== source), 'let first = 1;\nkeep();\nconst second = 2;\n');
    await shots.take('applied');

    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    assert.equal(await waitForFile(file, (text) => text === source), source);
    await shots.take('undone');
    passed = true;
  });
});
