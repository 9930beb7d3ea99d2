// An agent edit reviewed per change in its card, keyboard only, in Chromium against the packaged
// .vsix: the waiting card takes the focus (Allow once) as it appears, one change is rejected and the
// other kept in the inline diff, Allow once writes exactly the kept change, one Ctrl+Z takes it back;
// and the agent's Stop while the card waits closes the review with nothing written; a panel reloaded
// while the card waits still shows the rejected change, and Allow once writes exactly the kept one.
// Screenshots go to out/test-results/ui/.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import {
  chooseChatMode,
  focusedName,
  openChatPanel,
  openFile,
  runCommand,
  runCommandByKeyboard,
  screenshots,
  waitForAgentMode,
  waitForFile,
  waitForFocus,
  webviewFrame,
} from '../rig/browser';
import { openWorkbench, type Workbench } from '../rig/workbench';
import { startScriptedChatServer, type ScriptedChatServer } from '../integration/suite/scriptedChatServer';

const timeout = 120_000;
const original = 'let first = 1;\nkeep();\nlet second = 2;\n';
const rewritten = 'const first = 1;\nkeep();\nconst second = 2;';
/** The first change rejected, the second kept. */
const keptSecond = 'let first = 1;\nkeep();\nconst second = 2;\n';
const editCall = JSON.stringify({ tool: 'edit_file', args: { path: 'consts.ts', oldText: original.trimEnd(), newText: rewritten } });
const answer = (text: string) => JSON.stringify({ answer: text });

describe('an agent edit reviewed per change in its card, by keyboard', { timeout: 10 * 60_000 }, () => {
  let file: string;
  let model: ScriptedChatServer;
  let workbench: Workbench;
  let page: Page;
  let panel: Frame;
  let passed = 0;

  const pendingCard = () => panel.locator('.tool-card.state-pending');
  const focusInCard = () =>
    panel.evaluate(() => {
      const active = (globalThis as unknown as { document: { activeElement: { closest(selector: string): unknown } | null } }).document.activeElement;
      return !!active?.closest('.tool-card.state-pending');
    });
  /** Types a message in the composer and sends it, keys only. */
  const askByKeyboard = async (text: string) => {
    await runCommandByKeyboard(page, 'Pylot: Open Chat');
    await waitForFocus(panel, 'Message to Pylot', timeout);
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };
  /** Moves the focus with `key` until it is on `name`. */
  const walkTo = async (key: 'Tab' | 'Shift+Tab', name: string) => {
    const walked: string[] = [];
    for (let step = 0; step < 10 && (await focusedName(panel)) !== name; step++) {
      await page.keyboard.press(key);
      walked.push(await focusedName(panel));
    }
    assert.equal(await focusedName(panel), name, `walked over: ${walked.join(' | ')}`);
  };

  before(async () => {
    model = await startScriptedChatServer();
    workbench = await openWorkbench({
      name: 'agent-review',
      files: { 'consts.ts': original },
      machineSettings: { 'pylot.servers': [model.profile('agent-lab')], 'pylot.models.chat': 'server:agent-lab', 'pylot.threads': 1 },
      pylotReadyMs: timeout,
    });
    page = workbench.page;
    file = path.join(workbench.workspace, 'consts.ts');
    panel = await openChatPanel(page, timeout);
    await waitForAgentMode(panel, timeout);
    await chooseChatMode(panel, 'Agent');
  });

  after(async () => {
    await workbench?.close({ keepLogs: passed < 3 });
    await model?.close();
  });

  it('the card takes the focus; reject one change, keep the other, Allow once: the file has exactly the kept change; one Ctrl+Z', async () => {
    const shots = await screenshots(page, 'agent-review-keyboard');
    model.reply(editCall, answer('Kept one change.'));
    await askByKeyboard('Use const in consts.ts');
    const card = pendingCard();
    await card.waitFor({ timeout });
    // The waiting card has the focus, on its first decision, and a screen reader is told.
    await waitForFocus(panel, 'Allow once', timeout);
    assert.ok(await focusInCard(), 'document.activeElement is inside the waiting card');
    assert.equal(await panel.locator('.approval-announcer').innerText(), 'Waiting for your approval: Edit consts.ts');
    assert.deepEqual(await card.locator('.diff-line').allInnerTexts(), ['− let first = 1;', '+ const first = 1;', '− let second = 2;', '+ const second = 2;']);
    await shots.take('focused');

    await walkTo('Shift+Tab', 'Reject change 1 of 2');
    await page.keyboard.press('Enter');
    assert.equal(await focusedName(panel), 'Keep change 1 of 2', 'the first change is rejected; its toggle would keep it again');
    assert.deepEqual(await card.locator('.diff-hunk.rejected .diff-line').allInnerTexts(), ['− let first = 1;', '+ const first = 1;']);
    assert.equal(await card.locator('.hunk-choice').innerText(), 'Allow writes 1 of the 2 changes.');
    assert.equal(await readFile(file, 'utf8'), original, 'nothing written while the card waits');
    await shots.take('one-rejected');

    await walkTo('Tab', 'Allow once');
    await page.keyboard.press('Enter');
    assert.equal(await waitForFile(file, (text) => text !== original), keptSecond, 'exactly the kept change on disk');
    await panel.locator('.turn.assistant:not(.streaming) .markdown', { hasText: 'Kept one change.' }).waitFor({ timeout });
    const done = panel.locator('.tool-card.state-done');
    assert.match(
      await done
        .locator('pre')
        .textContent()
        .then((text) => text ?? ''),
      /kept 1 of the edit's 2 changes/,
    );
    await waitForFocus(panel, 'Message to Pylot', timeout); // the turn ended: back in the composer
    await shots.take('allowed');

    // One Ctrl+Z in the file's editor takes the whole edit back.
    await openFile(page, 'consts.ts');
    const lines = page.locator('.editor-instance .monaco-editor .view-lines');
    await lines.filter({ hasText: 'const second = 2;' }).waitFor({ timeout });
    await page.keyboard.press('Control+Z');
    await lines.filter({ hasText: 'let second = 2;' }).waitFor({ timeout });
    assert.equal(await lines.filter({ hasText: 'const' }).count(), 0, 'no change left after one undo');
    await page.keyboard.press('Control+S');
    await waitForFile(file, (text) => text === original);
    await shots.take('undone');
    passed += 1;
  });

  it("the agent's Stop while the card waits closes the review: the card denied, nothing written", async () => {
    const shots = await screenshots(page, 'agent-review-stop');
    await writeFile(file, original);
    model.reply(editCall, answer('This answer is never asked for.'));
    const asked = model.requests.length;
    await askByKeyboard('Use const in consts.ts, then stop');
    const card = pendingCard();
    await card.waitFor({ timeout });
    await waitForFocus(panel, 'Allow once', timeout);
    // Half decided: the second change rejected, the first still meant to be kept.
    await walkTo('Shift+Tab', 'Reject change 2 of 2');
    await page.keyboard.press('Enter');
    await shots.take('half-decided');
    // Escape stops the turn from anywhere in the panel.
    await page.keyboard.press('Escape');
    const denied = panel.locator('.tool-card.state-denied');
    await denied.waitFor({ timeout });
    assert.equal(await denied.getByRole('button', { name: /Allow|Reject|Keep/ }).count(), 0, 'no decision left to make');
    assert.equal(await pendingCard().count(), 0, 'nothing waits');
    assert.equal(await panel.locator('.approval-announcer').innerText(), '');
    await panel.locator('.turn.assistant:not(.streaming)').last().waitFor({ timeout });
    assert.equal(await readFile(file, 'utf8'), original, 'the file on disk is unchanged');
    assert.equal(model.requests.length, asked + 1, 'the model was not asked again after Stop');
    await shots.take('stopped');
    model.clear();
    passed += 1;
  });

  it('the panel reloaded while the card waits still shows the rejected change; Allow once writes exactly the kept one', async () => {
    const shots = await screenshots(page, 'agent-review-reload');
    await writeFile(file, original);
    model.reply(editCall, answer('Kept one change after a reload.'));
    await askByKeyboard('Use const in consts.ts, then reload');
    await pendingCard().waitFor({ timeout });
    await pendingCard().getByRole('button', { name: 'Reject change 1 of 2' }).click();
    await pendingCard().locator('.diff-hunk.rejected').waitFor({ timeout });
    // A mark on this page: the reloaded one must not have it.
    await panel.evaluate(() => ((globalThis as unknown as { beforeReload?: boolean }).beforeReload = true));
    await runCommand(page, 'Developer: Reload Webviews');
    // The page is new (no mark) and shows the card the host sent it again on `ready`.
    let frame: Frame | undefined;
    for (const deadline = Date.now() + timeout; !frame && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
      const candidate = await webviewFrame(page, 'Pylot Chat', timeout);
      const fresh = await candidate.evaluate(() => !(globalThis as unknown as { beforeReload?: boolean }).beforeReload).catch(() => false);
      if (fresh && (await candidate.locator('.tool-card.state-pending').count()) > 0) frame = candidate;
    }
    assert.ok(frame, 'the panel was reloaded and shows the waiting card again');
    panel = frame;
    const card = pendingCard();
    assert.deepEqual(await card.locator('.diff-hunk.rejected .diff-line').allInnerTexts(), ['− let first = 1;', '+ const first = 1;']);
    assert.equal(await card.getByRole('button', { name: 'Keep change 1 of 2' }).count(), 1);
    assert.equal(await card.locator('.hunk-choice').innerText(), 'Allow writes 1 of the 2 changes.');
    assert.equal(await readFile(file, 'utf8'), original, 'nothing written by the reload');
    await shots.take('reloaded');
    await card.getByRole('button', { name: 'Allow once' }).click();
    assert.equal(await waitForFile(file, (text) => text !== original), keptSecond, 'exactly the kept change on disk');
    await panel.locator('.turn.assistant:not(.streaming) .markdown', { hasText: 'Kept one change after a reload.' }).waitFor({ timeout });
    await shots.take('allowed');
    passed += 1;
  });
});
