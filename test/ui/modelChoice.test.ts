// Choosing models the way a person does, in Chromium against the packaged .vsix: Select Model lists
// files on this machine, the catalog with its fit verdict and server profiles; a catalog model is
// downloaded with a progress notification (from a local stand-in for Hugging Face) and loaded; a
// server that wants an API key says so, and the key set through Pylot: Set Server API Key works.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { runCommand, screenshots } from '../rig/browser';
import { openWorkbench, type Workbench } from '../rig/workbench';
import { startLlamaServer, type LlamaServer } from '../fixtures/llamaServer';
import { benchModel, fimModel, scriptedModel } from '../fixtures/models';
import { startFakeHub, type FakeHub } from '../sidecar/fakeHub';

const timeout = 180_000;
const apiKey = 'pylot-ui-secret';

describe('choosing models in the browser', { timeout: 15 * 60_000 }, () => {
  let scratch: string;
  let models: string;
  let hub: FakeHub;
  let llama: LlamaServer;
  let workbench: Workbench;
  let page: Page;
  let passed = false;

  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'pylot-ui-model-files-'));
    models = path.join(scratch, 'models');
    await mkdir(models);
    const scripted = await scriptedModel('return a + b;');
    await copyFile(scripted, path.join(models, 'scripted-coder.gguf'));
    await copyFile(await fimModel(), path.join(models, 'tiny-fim.gguf'));
    // Qwen2.5-Coder 0.5B as the catalog knows it, played by a 0.5B-shaped random model.
    hub = await startFakeHub(512 * 2 ** 20);
    hub.host({ repo: 'ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF', file: 'qwen2.5-coder-0.5b-q8_0.gguf', tag: 'Q8_0', data: await readFile(await benchModel()) });
    llama = await startLlamaServer({ model: scripted, apiKey });
    workbench = await openWorkbench({
      name: 'models',
      files: { 'main.ts': 'export const answer = 42;\n' },
      settings: { 'chat.disableAIFeatures': false },
      machineSettings: {
        'pylot.threads': 1,
        'pylot.modelFolders': [models],
        'pylot.advanced.huggingFaceEndpoint': hub.url,
        'pylot.servers': [{ name: 'lab', api: 'llama-server', baseUrl: llama.url, retries: 0 }],
      },
      // Pylot's commands exist once it has activated; its status bar item says so.
      pylotReadyMs: timeout,
    });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close({ keepLogs: !passed });
    await llama?.stop();
    await hub?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('lists local files, the catalog with verdicts and servers, and loads the pick with progress', async () => {
    const shots = await screenshots(page, 'select-model');
    await runCommand(page, 'Pylot: Select Model…', timeout, true);
    await pick(page, 'Completion');
    await row(page, 'pylot-test-scripted').waitFor({ timeout });
    const listed = await listedItems(page);
    assert.match(listed, /Qwen2\.5-Coder 0\.5B[\s\S]*runs on the CPU/);
    assert.match(listed, /lab[\s\S]*llama-server/);
    assert.match(listed, /pylot-test-fim/);
    await shots.take('picker');
    await pick(page, 'pylot-test-scripted');
    await statusBar(page, /^\s*Pylot\s+CPU-\w+ · completion: pylot-test-scripted( · \d+ tok\/s)?\s*$/);
    await shots.take('loaded');
  });

  it('downloads a catalog model with a progress notification, then runs it', async () => {
    const shots = await screenshots(page, 'download');
    await runCommand(page, 'Pylot: Select Model…', timeout, true);
    await pick(page, 'Completion');
    await pick(page, 'Qwen2.5-Coder 0.5B');
    await page
      .locator('.notification-toast', { hasText: /downloading Qwen2\.5-Coder 0\.5B|loading qwen2\.5-coder-0\.5b/ })
      .first()
      .waitFor({ timeout });
    await shots.take('progress');
    await statusBar(page, /^\s*Pylot\s+CPU-\w+ · completion: pylot-bench-0\.5b( · \d+ tok\/s)?\s*$/);
    const saved = await stat(path.join(models, 'qwen2.5-coder-0.5b.Q8_0.gguf'));
    assert.ok(saved.size > 400_000_000);
    await shots.take('running');
  });

  it('says a server wants an API key, and takes one through Set Server API Key', async () => {
    const shots = await screenshots(page, 'api-key');
    await runCommand(page, 'Pylot: Select Model…', timeout, true);
    await pick(page, 'Completion');
    await pick(page, 'lab');
    const toast = page.locator('.notification-toast', { hasText: 'requires an API key' });
    await toast.waitFor({ timeout });
    await shots.take('key-needed');
    await toast.getByRole('button', { name: 'Set Server API Key' }).click();
    await pick(page, 'lab');
    // The key is typed into a password box: the quick pick's filter box gives way to it.
    const input = page.locator('.quick-input-widget .quick-input-box input[type="password"]');
    await input.waitFor({ timeout });
    await input.fill(apiKey);
    await input.press('Enter');
    await statusBar(page, /^\s*Pylot\s+completion: .+ \(llama-server\)( · \d+ tok\/s)?\s*$/);
    await shots.take('connected');
    passed = true;
  });
});

/** Every item of the open quick pick, scrolled through (its list renders only the rows in view). */
async function listedItems(page: Page): Promise<string> {
  const list = page.getByRole('listbox');
  const seen = new Set<string>();
  for (let step = 0; step < 40; step++) {
    for (const text of await list.locator('.monaco-list-row').allInnerTexts()) seen.add(text.replace(/\s+/g, ' '));
    const before = seen.size;
    await list.hover();
    await page.mouse.wheel(0, 200);
    await page.waitForTimeout(50);
    for (const text of await list.locator('.monaco-list-row').allInnerTexts()) seen.add(text.replace(/\s+/g, ' '));
    if (seen.size === before) break;
  }
  return [...seen].join('\n');
}

function row(page: Page, text: string) {
  return page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first();
}

/** Filters the open quick pick by `text` (its list only renders the rows in view), then clicks the item. */
async function pick(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ timeout });
  await input.fill(text);
  const item = row(page, text);
  await item.waitFor({ timeout });
  await item.click();
}

/** Waits for the Pylot status bar item to read exactly `text` (the icon is a glyph, not text). */
async function statusBar(page: Page, text: RegExp): Promise<void> {
  await page.locator('.part.statusbar .statusbar-item', { hasText: text }).first().waitFor({ timeout });
}
