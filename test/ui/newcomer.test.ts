// The first hour of a new user, as the README tells it: `npm start` run through npm (as a user runs
// it, so npm's own environment reaches the nested installs), then in Chromium only what demo.ts's
// comment says — type in add(), choose "Use Demo Model" where Pylot offers it, see the ghost text,
// Tab, save; open the chat and read the demo chat model's answer; switch the chat to Agent, ask, read
// the approval card and both sides of its diff, allow it, read the agent's answer and find the file.
// With PYLOT_START_CACHE set (CI sets an empty folder) the tools install from a cold cache, as on a
// fresh machine.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { demoChat } from '../fixtures/models';
import {
  chatMode,
  chooseChatMode,
  expectDiff,
  launchBrowser,
  openFile,
  runCommand,
  screenshots,
  statusBarItem,
  waitForAgentMode,
  waitForFile,
  waitForGhostText,
  waitForStatusBarItem,
  waitForWorkbench,
  webviewFrame,
  type BrowserSession,
} from '../rig/browser';
import { freePort } from '../rig/ports';

const root = path.resolve(import.meta.dirname, '../../..');
const timeout = 180_000;
// A cold code-server install takes minutes on two busy cores.
const startTimeout = 15 * 60_000;

describe('a newcomer: npm start, then demo.ts as its comment says', { timeout: 25 * 60_000 }, () => {
  let dev: string;
  let start: ChildProcess;
  let output = '';
  let url: string;
  let browser: BrowserSession;
  let page: Page;

  before(async () => {
    dev = await mkdtemp(path.join(tmpdir(), 'pylot-newcomer-'));
    const port = await freePort();
    const cache = process.env.PYLOT_START_CACHE;
    start = spawn('npm', ['start'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), PYLOT_DEV: dev, ...(cache ? { PYLOT_CACHE: cache } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    start.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    start.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not serve VS Code in time:\n${output.slice(-4000)}`)), startTimeout);
      start.on('exit', (code) => reject(new Error(`npm start exited (${code}) before serving VS Code:\n${output.slice(-4000)}`)));
      const poll = setInterval(() => {
        const found = /Pylot is running in VS Code at:\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
        if (found) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(found[1]!);
        }
      }, 250);
    });
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(url);
    await waitForWorkbench(page);
  });

  after(async () => {
    await browser?.close();
    if (start?.pid) {
      // npm → start.mjs, which stops its code-server (a process group of its own) on SIGTERM.
      const exited = new Promise((resolve) => start.once('exit', resolve));
      try {
        process.kill(-start.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    }
    await rm(dev, { recursive: true, force: true });
  });

  it('opens the demo workspace trusted, with Pylot saying it has no completion model', async () => {
    const shots = await screenshots(page, 'newcomer-start');
    assert.ok(output.includes('Installing VS Code for the browser'), 'npm start ran the tools install');
    const item = await waitForStatusBarItem(page, 'Pylot', timeout);
    assert.equal(words(await item.textContent()), 'Pylot completion: none');
    // Restricted Mode would make Pylot ignore the workspace's model settings.
    assert.equal(await page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).count(), 0);
    await shots.take('workbench');
  });

  it('follows demo.ts: type, Use Demo Model, ghost text, Tab, saved', async () => {
    const shots = await screenshots(page, 'newcomer-demo');
    await openFile(page, 'demo.ts');
    // "Put the cursor at the end of the empty line inside add() and type a space."
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    // "Pylot asks for a model: choose Use Demo Model."
    const offer = page.locator('.notification-toast', { hasText: 'Pylot needs a completion model' });
    await offer.waitFor({ timeout });
    await statusBarItem(page, 'Pylot').filter({ hasText: 'completion: none — click to choose a model' }).waitFor({ timeout });
    await shots.take('offer');
    await offer.getByRole('button', { name: 'Use Demo Model', exact: true }).click();
    // "Ghost text appears; press Tab to accept it."
    const ghost = await waitForGhostText(page, timeout);
    assert.equal(ghost.replace(/\u00a0/g, ' ').trim(), 'return a + b;');
    await shots.take('ghost-text');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+S');
    const file = path.join(dev, 'workspace', 'demo.ts');
    const saved = await waitForFile(file, (text) => text.includes('return a + b;'));
    assert.ok(saved.endsWith('export function add(a: number, b: number): number {\n   return a + b;\n}\n'), saved);
    // The demo chat model was set too: it loads in the background or waits for the first message.
    const status = words(await statusBarItem(page, 'Pylot').textContent());
    assert.match(
      status,
      /^Pylot CPU-\w+ · completion: pylot-test-demo( · \d+ tok\/s)? · chat: (pylot-test-demo-chat|demo-chat-\w+\.gguf \(not loaded\)|loading( \d+%)?)$/,
    );
    await shots.take('accepted');
  });

  it('opens the chat and the demo chat model answers', async () => {
    const shots = await screenshots(page, 'newcomer-chat');
    await runCommand(page, 'Pylot: Open Chat');
    const panel = await webviewFrame(page, 'Pylot Chat');
    const input = panel.getByLabel('Message to Pylot');
    await input.waitFor({ timeout });
    await input.fill('What can you do?');
    await input.press('Enter');
    const answer = panel.locator('.turn.assistant:not(.streaming) .markdown');
    await answer.waitFor({ timeout });
    assert.match(await answer.innerText(), /This is Pylot's offline demo chat model: it always gives one scripted answer/);
    await shots.take('answered');
    assert.match(words(await statusBarItem(page, 'Pylot').textContent()), /· chat: pylot-test-demo-chat$/);
    const demo = await readFile(path.join(dev, 'workspace', 'demo.ts'), 'utf8');
    assert.match(demo, /Open the chat/, 'demo.ts says how to open the chat');
  });

  it('switches the chat to Agent: an approval card, its diff, Allow once, the answer and the file', async () => {
    const shots = await screenshots(page, 'newcomer-agent');
    const demo = await readFile(path.join(dev, 'workspace', 'demo.ts'), 'utf8');
    assert.match(demo, /mode \(the menu that says "Ask", at its top\) to Agent/, 'demo.ts says how to try the agent');
    const panel = await webviewFrame(page, 'Pylot Chat');
    // "Switch the chat's mode (the menu that says "Ask", at its top) to Agent and ask it to create a file."
    assert.equal(await chatMode(panel), 'Ask');
    await waitForAgentMode(panel, timeout);
    await chooseChatMode(panel, 'Agent');
    const input = panel.getByLabel('Message to Pylot');
    await input.fill('Create a file that says hello');
    await input.press('Enter');

    // "It proposes hello.ts and waits for you."
    const card = panel.locator('.tool-card.state-pending');
    await card.waitFor({ timeout });
    assert.equal(await card.locator('.tool-summary').innerText(), 'Create hello.ts');
    assert.equal(await card.locator('.risk').innerText(), 'writes files');
    assert.equal(await card.locator('.tool-state').innerText(), 'waiting for your decision');
    assert.ok(await card.getByRole('button', { name: 'Allow once', exact: true }).isVisible());
    await shots.take('card');
    const file = path.join(dev, 'workspace', 'hello.ts');
    assert.equal(existsSync(file), false, 'nothing is written while the card waits');

    // ""Open in diff editor" shows the change": a new file, so nothing on the left.
    await card.getByRole('button', { name: 'Open in diff editor' }).click();
    await page.locator('.tab', { hasText: 'hello.ts ↔ proposed by Pylot' }).waitFor({ state: 'visible', timeout });
    await expectDiff(page, { original: [], modified: demoChat.call.args.content.split('\n') });
    await shots.take('diff');

    // ""Allow once" writes it, and the agent answers."
    await card.getByRole('button', { name: 'Allow once', exact: true }).click();
    await panel.locator('.tool-card.state-done', { hasText: 'Create hello.ts' }).waitFor({ timeout });
    const answer = panel.locator('.turn.assistant:not(.streaming) .markdown', { hasText: 'That was the demo agent' });
    await answer.waitFor({ timeout });
    assert.match(await answer.innerText(), /That was the demo agent: it always proposes hello\.ts, then answers/);
    assert.equal(await waitForFile(file, (text) => text.length > 0), demoChat.call.args.content);
    await shots.take('answered');
  });
});

/** Text as read: the status bar's icon glyphs leave runs of spaces. */
function words(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}
