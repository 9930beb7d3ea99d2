// A waiting agent card in the chat panel's app (headless Chromium, test/rig/chatApp.ts): it takes the
// focus on Allow once and says so to screen readers, but never from someone typing a message; an
// edit's inline diff is its review, each change rejected or kept again there, and Allow posts the
// rejected ones; a reloaded panel still shows those choices and Allow still sends them. The same flow
// against the packaged .vsix in real VS Code: agentReview.test.ts.
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
  /** What the host sends a reloaded panel on `ready` while the reply waits on `cards`. */
  const reloadedWith = async (...cards: ToolCallCard[]) => {
    await app.reload();
    page = app.page;
    await host({
      type: 'chat',
      chatId: 'c1',
      title: 'Use const in math.ts',
      mode: 'agent',
      turns: [{ id: 'r1-user', role: 'user', text: 'Use const in math.ts' }],
      busy: { turnId: 'r1', text: '', toolCalls: cards },
      agentAvailable: true,
    });
  };
  const rejectedIn = (id: string) => page.locator(`[data-call-id="${id}"] .diff-hunk.rejected .diff-line`).allInnerTexts();
  const savedChoices = async () => ((await app.state()) as { rejectedHunks?: Record<string, number[]> } | undefined)?.rejectedHunks;

  it('a reload keeps the change rejected on a waiting card: it still shows rejected, and Allow sends it', async () => {
    await startTurn();
    await host({ type: 'toolCall', card: editCard('e7') });
    await page.locator('[data-call-id="e7"]').getByRole('button', { name: 'Reject change 2 of 2' }).click();
    await reloadedWith(editCard('e7'));
    const card = page.locator('[data-call-id="e7"]');
    assert.deepEqual(await rejectedIn('e7'), ['− let second = 2;', '+ const second = 2;'], 'the second change is still struck through');
    assert.equal(await card.getByRole('button', { name: 'Keep change 2 of 2' }).innerText(), 'Keep');
    assert.equal(await card.getByRole('button', { name: 'Reject change 1 of 2' }).innerText(), 'Reject');
    assert.equal(await card.locator('.hunk-choice').innerText(), 'Allow writes 1 of the 2 changes.');
    assert.equal((await app.sent()).filter((m) => m.type === 'approval').length, 0, 'the reload decided nothing');
    await card.getByRole('button', { name: 'Allow once' }).click();
    assert.deepEqual(await lastSent(), { type: 'approval', callId: 'e7', decision: 'once', rejectedHunks: [1] });
    // Decided: the host shows it running, and nothing of it is kept any more.
    await host({ type: 'toolCall', card: { ...editCard('e7'), state: 'running' } });
    assert.deepEqual(await savedChoices(), {});
  });

  it('a reload keeps each card its own choices, the draft beside them, and a change kept again is kept', async () => {
    await startTurn();
    await host({ type: 'toolCall', card: editCard('e8') });
    await host({ type: 'toolCall', card: editCard('e9') });
    await page.locator('[data-call-id="e8"]').getByRole('button', { name: 'Reject change 1 of 2' }).click();
    await app.input().fill('and then the tests');
    await reloadedWith(editCard('e8'), editCard('e9'));
    assert.deepEqual(await rejectedIn('e8'), ['− let first = 1;', '+ const first = 1;']);
    assert.deepEqual(await rejectedIn('e9'), [], 'the other card has no choice of the first');
    assert.equal(await app.input().inputValue(), 'and then the tests', 'the draft survived beside the choices');
    // Keep it again, reload once more: nothing rejected, and Allow writes the whole edit.
    await page.locator('[data-call-id="e8"]').getByRole('button', { name: 'Keep change 1 of 2' }).click();
    await reloadedWith(editCard('e8'), editCard('e9'));
    assert.deepEqual(await rejectedIn('e8'), []);
    assert.equal(await page.locator('[data-call-id="e8"] .hunk-choice').innerText(), '');
    await page.locator('[data-call-id="e8"]').getByRole('button', { name: 'Allow once' }).click();
    assert.deepEqual(await lastSent(), { type: 'approval', callId: 'e8', decision: 'once' });
  });

  it('a saved state it did not write (older, damaged, out of range) shows what is sound and loses nothing else', async () => {
    const shapes: Array<{ state: unknown; rejected: number[]; draft: string }> = [
      { state: { draft: 'older Pylot: only a draft' }, rejected: [], draft: 'older Pylot: only a draft' },
      { state: { draft: 5, rejectedHunks: { e10: [1, -1, 'x', 2.5, 99, null] } }, rejected: [1], draft: '' },
      { state: { rejectedHunks: { e10: [7] } }, rejected: [], draft: '' }, // a change the card does not have
      { state: { rejectedHunks: { e10: 'all' } }, rejected: [], draft: '' },
      { state: { rejectedHunks: 'e10' }, rejected: [], draft: '' },
      { state: { rejectedHunks: null, draft: 'kept' }, rejected: [], draft: 'kept' },
      { state: 'garbage', rejected: [], draft: '' },
      { state: null, rejected: [], draft: '' },
      { state: [1, 2], rejected: [], draft: '' },
    ];
    for (const shape of shapes) {
      await page.evaluate((s) => ((globalThis as unknown as { state: unknown }).state = s), shape.state);
      await reloadedWith(editCard('e10'));
      const card = page.locator('[data-call-id="e10"]');
      assert.equal(await card.locator('.hunk-toggle').count(), 2, JSON.stringify(shape.state));
      assert.equal(await card.locator('.diff-hunk.rejected').count(), shape.rejected.length, JSON.stringify(shape.state));
      assert.equal(await app.input().inputValue(), shape.draft, JSON.stringify(shape.state));
      await card.getByRole('button', { name: 'Allow once' }).click();
      assert.deepEqual(
        await lastSent(),
        { type: 'approval', callId: 'e10', decision: 'once', ...(shape.rejected.length ? { rejectedHunks: shape.rejected } : {}) },
        JSON.stringify(shape.state),
      );
    }
  });

  it('remembers the choices of the 20 cards last changed, not more', async () => {
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, index) => [`old${index}`, [0]]));
    await page.evaluate((s) => ((globalThis as unknown as { state: unknown }).state = s), { draft: '', rejectedHunks: many });
    await reloadedWith(editCard('e11'));
    await page.locator('[data-call-id="e11"]').getByRole('button', { name: 'Reject change 1 of 2' }).click();
    const saved = Object.keys((await savedChoices()) ?? {});
    assert.equal(saved.length, 20);
    assert.equal(saved.at(-1), 'e11');
    assert.deepEqual(saved.slice(0, 2), ['old6', 'old7'], 'the oldest forgotten first');
  });
});
