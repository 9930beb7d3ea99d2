// A waiting agent card in the chat panel's app (headless Chromium, test/rig/chatApp.ts): it takes the
// focus on Allow once and says so to screen readers, but never from someone typing a message; an
// edit's inline diff is its review, each change rejected or kept again there, and Allow posts the
// rejected ones. The same flow against the packaged .vsix in real VS Code: agentReview.test.ts.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { CardDiff, ChatHostMessage, ToolCallCard } from '../../protocol/chat';
import { focusedName } from '../rig/browser';
import { useChatApp } from '../rig/chatApp';

const twoChanges: CardDiff = {
  path: 'math.ts',
  added: 2,
  removed: 2,
  hunks: [
    { oldStart: 1, newStart: 1, removed: ['let first = 1;'], added: ['const first = 1;'] },
    { oldStart: 3, newStart: 3, removed: ['let second = 2;'], added: ['const second = 2;'] },
  ],
};
const editCard = (id: string, diff = twoChanges): ToolCallCard => ({
  id,
  turnId: 'r1',
  tool: 'edit_file',
  summary: 'Edit math.ts',
  risk: 'write',
  reason: 'writes a file',
  hasDiff: true,
  diff,
  state: 'pending',
});

describe('a waiting agent card in the chat panel app', { timeout: 120_000 }, () => {
  const app = useChatApp();
  const host = (message: ChatHostMessage) => app.host(message);
  const lastSent = () => app.lastSent();
  let page: Page;
  const inCard = (id: string) =>
    page.evaluate(
      (callId) =>
        !!(globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest(
          `[data-call-id="${callId}"]`,
        ),
      id,
    );
  const focusInCard = () =>
    page.waitForFunction(() =>
      (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest('.tool-card'),
    );
  const announced = () => page.locator('.approval-announcer').innerText();
  /** A reply under way in Agent mode, sent from the composer (which keeps the focus). */
  const startTurn = async () => {
    await app.input().fill('Use const in math.ts');
    await app.input().press('Enter');
    await host({ type: 'turnStart', user: { id: 'r1-user', role: 'user', text: 'Use const in math.ts' }, replyId: 'r1' });
  };

  beforeEach(async () => {
    page = app.page;
    await host({ type: 'chat', chatId: 'c1', title: 'New chat', mode: 'agent', turns: [], agentAvailable: true });
  });

  it('takes the focus on Allow once when it appears, and says so to screen readers', async () => {
    await startTurn();
    assert.equal(await focusedName(page.mainFrame()), 'Message to Pylot');
    assert.equal(await announced(), '');
    await host({ type: 'toolCall', card: editCard('e1') });
    await focusInCard();
    assert.ok(await inCard('e1'), 'the focus is inside the waiting card');
    assert.equal(await focusedName(page.mainFrame()), 'Allow once');
    assert.equal(await announced(), 'Waiting for your approval: Edit math.ts');
    assert.equal(await page.locator('.approval-announcer').getAttribute('role'), 'status');
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastSent(), { type: 'approval', callId: 'e1', decision: 'once' });
    await host({ type: 'toolCall', card: { ...editCard('e1'), state: 'running' } });
    assert.equal(await announced(), '', 'decided: nothing waits any more');
  });

  it('leaves the focus and every typed key in the composer while a message is being written', async () => {
    await startTurn();
    await page.keyboard.type('next I want ');
    await host({ type: 'toolCall', card: editCard('e2') });
    await page.keyboard.type('tests too');
    assert.equal(await app.input().inputValue(), 'next I want tests too', 'no key went to the card');
    assert.equal(await focusedName(page.mainFrame()), 'Message to Pylot');
    assert.equal(await inCard('e2'), false);
    assert.equal(await announced(), 'Waiting for your approval: Edit math.ts', 'a screen reader still hears of it');
    assert.equal((await app.sent()).filter((m) => m.type === 'approval').length, 0, 'nothing was decided');
  });

  it('does not take the focus when the panel does not have it', async () => {
    await startTurn();
    // The user went to the editor: the panel's document lost the focus.
    await page.evaluate(() => {
      const g = globalThis as unknown as { document: { hasFocus: () => boolean; activeElement: { blur(): void } | null } };
      g.document.activeElement?.blur();
      g.document.hasFocus = () => false;
    });
    try {
      await host({ type: 'toolCall', card: editCard('e3') });
      assert.equal(await inCard('e3'), false);
      assert.equal(await announced(), 'Waiting for your approval: Edit math.ts');
    } finally {
      // setContent keeps the document object: the next test must find the real hasFocus.
      await page.evaluate(() => delete (globalThis as unknown as { document: { hasFocus?: unknown } }).document.hasFocus);
    }
  });

  it('rejects one change by keyboard in the inline diff; Allow posts the rejected one; Keep takes it back', async () => {
    await startTurn();
    await host({ type: 'toolCall', card: editCard('e4') });
    await focusInCard();
    const card = page.locator('[data-call-id="e4"]');
    assert.deepEqual(await card.locator('.hunk-toggle').evaluateAll((items) => items.map((item) => item.getAttribute('aria-label'))), [
      'Reject change 1 of 2',
      'Reject change 2 of 2',
    ]);
    // Back from Allow once over "Open in diff editor" to the second change's toggle.
    for (let step = 0; step < 6 && (await focusedName(page.mainFrame())) !== 'Reject change 2 of 2'; step++) await page.keyboard.press('Shift+Tab');
    assert.equal(await focusedName(page.mainFrame()), 'Reject change 2 of 2');
    await page.keyboard.press('Enter');
    assert.equal(await focusedName(page.mainFrame()), 'Keep change 2 of 2', 'the focus stays on the toggle, which now keeps it');
    assert.equal(await card.locator('.diff-hunk.rejected').count(), 1);
    assert.deepEqual(await card.locator('.diff-hunk.rejected .diff-line').allInnerTexts(), ['− let second = 2;', '+ const second = 2;']);
    assert.equal(await card.locator('.hunk-choice').innerText(), 'Allow writes 1 of the 2 changes.');
    // Space toggles too: keep the second again, then reject it once more.
    await page.keyboard.press('Space');
    assert.equal(await card.locator('.diff-hunk.rejected').count(), 0);
    await page.keyboard.press('Space');
    for (let step = 0; step < 6 && (await focusedName(page.mainFrame())) !== 'Allow for this session'; step++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastSent(), { type: 'approval', callId: 'e4', decision: 'session', rejectedHunks: [1] });
  });

  it('offers no per-change choice for a single change or once decided, and Deny never carries one', async () => {
    await startTurn();
    const one: CardDiff = { ...twoChanges, added: 1, removed: 1, hunks: [twoChanges.hunks[0]!] };
    await host({ type: 'toolCall', card: editCard('e5', one) });
    assert.equal(await page.locator('[data-call-id="e5"] .hunk-toggle').count(), 0, 'one change: Allow or Deny is the choice');
    await host({ type: 'toolCall', card: editCard('e6') });
    const card = page.locator('[data-call-id="e6"]');
    await card.getByRole('button', { name: 'Reject change 1 of 2' }).click();
    await card.getByRole('button', { name: 'Deny…' }).click();
    await card.getByRole('button', { name: 'Deny', exact: true }).click();
    assert.deepEqual(await lastSent(), { type: 'approval', callId: 'e6', decision: 'deny' });
    await host({ type: 'toolCall', card: { ...editCard('e6'), state: 'denied' } });
    assert.equal(await card.locator('.hunk-toggle').count(), 0, 'decided: no toggles');
  });
});
