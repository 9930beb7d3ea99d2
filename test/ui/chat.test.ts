// The chat panel as a person uses it, in Chromium against the packaged .vsix: a question streams an
// answer from a scripted GGUF model into the panel, its code block's Insert at cursor edits the file,
// the chat is in the history, model output is sanitised, and Stop ends a long answer from a
// 0.5B-shaped model. Screenshots go to out/test-results/ui/.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { expectEditorLines, openFile, runCommand, screenshots, waitForFile, webviewFrame } from '../rig/browser';
import { openWorkbench, type Workbench } from '../rig/workbench';
import { longAnswerModel, scriptedModel } from '../fixtures/models';

const timeout = 180_000;
// A fenced block. A lone "\r" breaks the line (Markdown reads it as one): a chat template's prompt
// ends in "\n", and a scripted model continues from any script token the prompt ends with.
const codeScript = '```ts\rreturn a + b;';
const htmlScript = 'Try <img src onerror=alert(1)> now';

describe('the chat panel in the browser', { timeout: 15 * 60_000 }, () => {
  let workbench: Workbench;
  let workspace: string;
  let page: Page;
  let panel: Frame;
  let passed = false;

  /** Sets the chat model and waits until the panel names it loaded (the file's name shows only while it loads). */
  const useChatModel = async (model: string, name: string) => {
    const file = path.join(workbench.server.userDataDir, 'Machine', 'settings.json');
    const settings = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...settings, 'pylot.models.chat': model }));
    await panel.locator('.model', { hasText: new RegExp(`^${name} · [\\d,]+-token context`) }).waitFor({ timeout });
  };
  // New Chat, and the panel showing it: the command reaches the host by another road than the panel's
  // messages, and a New Chat that lands after the next question stops that question's turn.
  const newChat = async () => {
    await runCommand(page, 'Pylot: New Chat');
    await panel.locator('.transcript p.empty').waitFor({ timeout });
  };
  /** As a person would: once the panel shows Send (not Stop: Enter does nothing while a turn runs). */
  const ask = async (question: string) => {
    await panel.getByRole('button', { name: 'Send', exact: true }).waitFor({ timeout });
    const input = panel.getByLabel('Message to Pylot');
    await input.fill(question);
    await input.press('Enter');
  };

  before(async () => {
    const codeModel = await scriptedModel(codeScript, { name: 'chat-code' });
    workbench = await openWorkbench({
      name: 'chat',
      files: { 'math.ts': 'export function add(a: number, b: number): number {\n  \n}\n' },
      machineSettings: { 'pylot.models.chat': codeModel, 'pylot.threads': 1 },
      pylotReadyMs: timeout,
    });
    ({ workspace, page } = workbench);
  });

  after(() => workbench?.close({ keepLogs: !passed }));

  it('streams an answer into the panel, and Insert at cursor puts its code into the editor', async () => {
    const shots = await screenshots(page, 'chat-insert');
    await openFile(page, 'math.ts');
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await runCommand(page, 'Pylot: Open Chat');
    panel = await webviewFrame(page, 'Pylot Chat');
    await panel.getByLabel('Message to Pylot').waitFor({ timeout });
    await shots.take('chat-open');
    await ask('How do I add a and b?');
    // The turn's token use shows once the answer has ended: read the code block then, not mid-stream.
    await panel.locator('.turn.assistant .usage', { hasText: 'tokens generated' }).waitFor({ timeout });
    const code = panel.locator('.turn.assistant .code-block code');
    assert.equal((await code.textContent())?.trim(), 'return a + b;');
    assert.match(await panel.locator('.model').innerText(), /pylot-test-chat-code · 4,096-token context/);
    await shots.take('answered');
    await panel.getByRole('button', { name: 'Insert at cursor' }).click();
    await page.locator('.monaco-editor.focused').waitFor({ timeout });
    await page.keyboard.press('Control+S');
    const saved = await waitForFile(path.join(workspace, 'math.ts'), (text) => text.includes('return a + b;'));
    assert.equal(saved, 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
    await shots.take('inserted');
  });

  it('Apply to file opens the review: the old line struck through above the new, Ctrl+Alt+Y applies one undoable edit', async () => {
    const shots = await screenshots(page, 'chat-apply');
    const file = path.join(workspace, 'math.ts');
    const wrong = 'export function add(a: number, b: number): number {\n  return a - b;\n}\n';
    const right = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
    // The saved file changes on disk; the editor, with nothing unsaved, follows.
    await writeFile(file, wrong);
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'return a - b;' }).waitFor({ timeout });
    await page.locator('.editor-instance .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Control+L'); // line 2, its line break included
    await panel.getByRole('button', { name: 'Apply to file' }).click();
    // The review editor, focused: the selected line replaced by the code block, indented like the
    // line it replaces and keeping its line break; the old line struck through above it.
    await page.locator('.monaco-editor.focused .codelens-decoration', { hasText: 'Accept' }).first().waitFor({ timeout });
    await expectEditorLines(page, [
      { text: 'export function add(a: number, b: number): number {', struck: false },
      { text: '  return a - b;', struck: true },
      { text: '  return a + b;', struck: false },
      { text: '}', struck: false },
    ]);
    await shots.take('review');
    assert.equal(await readFile(file, 'utf8'), wrong, 'nothing written before the user accepts');
    await page.keyboard.press('Control+Alt+Y');
    await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Accept' }).first().waitFor({ state: 'detached', timeout });
    await page.locator('.tab.active', { hasText: 'math.ts' }).waitFor({ timeout });
    await page.keyboard.press('Control+S');
    await waitForFile(file, (text) => text === right);
    await shots.take('applied');
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    await waitForFile(file, (text) => text === wrong);
  });

  it('keeps the chat in the history, found by its title', async () => {
    const shots = await screenshots(page, 'chat-history');
    await newChat();
    await runCommand(page, 'Pylot: Chat History');
    const search = panel.getByLabel('Search chats by title');
    await search.fill('add a and');
    const entry = panel.locator('.history-open', { hasText: 'How do I add a and b?' });
    await entry.waitFor({ timeout });
    await shots.take('history');
    await search.fill('nothing like it');
    await panel.locator('.history-list li.empty').waitFor({ timeout });
    await search.fill('');
    await entry.click();
    await panel.locator('.turn.assistant .code-block code', { hasText: 'return a + b;' }).waitFor({ timeout });
    await shots.take('reopened');
  });

  it("attaches a file through @file and VS Code's own picker, shown as a chip", async () => {
    const shots = await screenshots(page, 'chat-mention');
    await newChat();
    const input = panel.getByLabel('Message to Pylot');
    await input.click();
    await input.pressSequentially('What does this do? @fi');
    await panel.locator('.mention-popup [role=option]', { hasText: '@file' }).waitFor({ timeout });
    await shots.take('mention-popup');
    await input.press('Enter');
    const pick = page.locator('.quick-input-widget .quick-input-box input');
    await pick.waitFor({ state: 'visible', timeout });
    await pick.fill('math.ts');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'math.ts' }).waitFor({ timeout });
    await pick.press('Enter');
    await panel.locator('.composer .chip', { hasText: '@file math.ts' }).waitFor({ timeout });
    await shots.take('chip');
    assert.equal(await input.inputValue(), 'What does this do? ');
    await input.click();
    await input.press('Enter');
    await panel.locator('.turn.user .chip', { hasText: '@file math.ts' }).waitFor({ timeout });
    await panel.locator('.turn.assistant .code-block code', { hasText: 'return a + b;' }).waitFor({ timeout });
    await shots.take('answered');
  });

  it('sanitises model output: raw HTML loses its event handlers', async () => {
    await useChatModel(await scriptedModel(htmlScript, { name: 'chat-html' }), 'pylot-test-chat-html');
    await newChat();
    await ask('Show me an image');
    // The ended turn (not the stream: the next test must not ask while this turn still runs).
    const answer = panel.locator('.turn.assistant:not(.streaming) .markdown', { hasText: /^\s*Try\s+now\s*$/ });
    await answer.waitFor({ timeout });
    const html = await answer.innerHTML();
    assert.match(html, /<img src="">/);
    assert.doesNotMatch(html, /onerror|alert/);
  });

  it('Stop ends a long answer and the panel is ready for the next question', async () => {
    const shots = await screenshots(page, 'chat-stop');
    await useChatModel(await longAnswerModel(), 'pylot-bench-long-answer');
    await newChat();
    await ask('Write a long story');
    const streaming = panel.locator('.turn.assistant.streaming .markdown');
    // What the panel shows if no words come: a turn that ended, one still thinking, or none at all.
    await streaming
      .filter({ hasNotText: 'Thinking…' })
      .waitFor({ timeout })
      .catch(async (error: unknown) => {
        await shots.take('no-words');
        throw new Error(`${String(error)}\nThe panel showed: ${JSON.stringify((await panel.locator('.chat').innerText()).slice(-800))}`);
      });
    await shots.take('streaming');
    await panel.getByRole('button', { name: 'Stop' }).click();
    await panel.locator('.turn.assistant .turn-note', { hasText: 'Stopped.' }).waitFor({ timeout: 30_000 });
    await panel.getByRole('button', { name: 'Send', exact: true }).waitFor({ timeout: 10_000 });
    const text = await panel.locator('.turn.assistant .markdown').last().innerText();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await panel.locator('.turn.assistant .markdown').last().innerText(), text, 'nothing arrived after Stop');
    await shots.take('stopped');
    passed = true;
  });
});
