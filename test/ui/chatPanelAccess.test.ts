// The chat panel's app in headless Chromium (test/rig/chatApp.ts): every control reached and
// operated by keyboard, axe-core's findings, the focus when a turn ends, edit and resend, copy and
// retry an answer, the context use, and the mode dropdown keeping the chosen mode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatWebviewMessage } from '../../protocol/chat';
import { blocking, runAxe } from '../rig/axe';
import { focusedName } from '../rig/browser';
import { useChatApp, type AppWindow } from '../rig/chatApp';

describe('the chat panel app by keyboard, and its chat features', { timeout: 120_000 }, () => {
  const app = useChatApp();
  const { host, sent, lastSent, input } = app;

  it('reaches every control by Tab, operates it by keyboard, and axe finds nothing serious', async () => {
    await host({ type: 'model', model: { state: 'ready', name: 'coder', contextSize: 4096 } });
    await host({
      type: 'chat',
      chatId: 'c4',
      title: 'Keys',
      mode: 'agent',
      agentAvailable: true,
      turns: [
        { id: 'k1-user', role: 'user', text: 'add?', attachments: [{ kind: 'file', label: 'math.ts', text: 'x', uri: 'file:///w/math.ts' }] },
        { id: 'k1', role: 'assistant', text: 'Use:\n\n```ts\nreturn a + b;\n```\n' },
        { id: 'k2-user', role: 'user', text: 'fix it' },
      ],
      busy: {
        turnId: 'k2',
        text: '',
        toolCalls: [{ id: 'callK', turnId: 'k2', tool: 'edit_file', summary: 'edit_file math.ts', risk: 'write', hasDiff: true, state: 'pending' }],
      },
    });
    const reached = new Set<string>();
    await input().focus();
    for (let i = 0; i < 30; i++) {
      reached.add(await focusedName(app.page.mainFrame()));
      await app.page.keyboard.press('Tab');
    }
    for (const name of [
      'Mode',
      '@file math.ts',
      'Copy',
      'Insert at cursor',
      'Apply to file',
      'Helpful',
      'Not helpful',
      'Open in diff editor',
      'Allow once',
      'Deny…',
      'Message to Pylot',
      'Attach context (@)',
      'Stop',
    ])
      assert.ok(reached.has(name), `Tab reaches "${name}" (reached: ${[...reached].join(' | ')})`);
    // Operable: Enter on the focused Allow once decides.
    await app.page.locator('[data-call-id="callK"]').getByRole('button', { name: 'Allow once' }).focus();
    await app.page.keyboard.press('Enter');
    assert.deepEqual(await lastSent(), { type: 'approval', callId: 'callK', decision: 'once' });
    const axe = await runAxe(app.page);
    console.log(
      `axe (chat panel app): ${JSON.stringify(axe.counts)} nodes by impact; ${axe.violations.map((v) => `${v.impact} ${v.id}`).join(', ') || 'none'}`,
    );
    assert.deepEqual(blocking(axe), []);
  });

  it('tells the host the draft once typing pauses (read-ahead), not an empty one, not once sent', async () => {
    await input().fill('How do I sort a map?');
    await app.page.waitForFunction(() => (globalThis as unknown as AppWindow).sent.some((m) => m.type === 'draft'));
    assert.deepEqual(
      (await sent()).filter((m) => m.type === 'draft'),
      [{ type: 'draft', text: 'How do I sort a map?', mode: 'ask', attachments: [] }],
    );
    const before = (await sent()).length;
    await input().fill('');
    await input().fill('By value?');
    await input().press('Enter');
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.deepEqual(
      (await sent()).slice(before).map((m) => m.type),
      ['send'],
      'sent at once: no draft after it',
    );
  });

  it('brings the focus back to the composer when a turn ends', async () => {
    await input().fill('Why?');
    await input().press('Enter');
    const send = (await lastSent()) as Extract<ChatWebviewMessage, { type: 'send' }>;
    await host({ type: 'turnStart', user: { id: `${send.turnId}-user`, role: 'user', text: 'Why?' }, replyId: send.turnId });
    await app.page.getByRole('button', { name: 'Stop' }).click();
    await host({ type: 'turnEnd', turn: { id: send.turnId, role: 'assistant', text: 'Because.', stopped: true } });
    await app.page.getByRole('button', { name: 'Send', exact: true }).waitFor();
    assert.equal(
      await app.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { tagName: string } } }).document.activeElement.tagName),
      'VSCODE-TEXTAREA',
    );
    await app.page.keyboard.type('and then?');
    assert.equal(await input().inputValue(), 'and then?', 'typing goes straight into the composer');
  });

  it('edits and resends an earlier question, copies a whole answer, retries the last one, shows the context use', async () => {
    await host({ type: 'model', model: { state: 'ready', name: 'coder', contextSize: 4096 } });
    const usage = { tokens: 5, estimatedPromptTokens: 1024, contextSize: 4096 };
    await host({
      type: 'chat',
      chatId: 'c5',
      title: 'Edits',
      mode: 'ask',
      agentAvailable: true,
      turns: [
        { id: 'q1', role: 'user', text: 'What is a stack?' },
        { id: 'a1', role: 'assistant', text: 'A **LIFO** list.', usage: { ...usage, estimatedPromptTokens: 500 } },
        { id: 'q2', role: 'user', text: 'And a queue?' },
        { id: 'a2', role: 'assistant', text: 'A FIFO list.', usage },
      ],
    });
    assert.equal(await app.page.locator('.context-use').innerText(), '1,024 / 4,096 tokens', 'the last prompt against the context');
    await app.page.getByRole('button', { name: 'Switch the chat model' }).click();
    assert.deepEqual(await lastSent(), { type: 'command', command: 'selectModel' });

    const turn = (id: string) => app.page.locator(`.turn[data-turn-id="${id}"]`);
    await turn('a1').getByRole('button', { name: 'Copy answer' }).click();
    assert.deepEqual(await lastSent(), { type: 'code', action: 'copy', code: 'A **LIFO** list.' }, 'the whole answer, as written');
    assert.equal(await turn('a1').getByRole('button', { name: 'Retry' }).isVisible(), false, 'an older answer is not retried');
    await turn('a2').getByRole('button', { name: 'Retry' }).click();
    assert.deepEqual(await lastSent(), { type: 'retry', turnId: 'a2' });

    await turn('q1').getByRole('button', { name: 'Edit and resend' }).click();
    const edit = app.page.getByLabel('Edit your message');
    assert.equal(await edit.inputValue(), 'What is a stack?');
    await edit.press('Escape');
    assert.equal(await turn('q1').locator('.user-text').innerText(), 'What is a stack?', 'Escape puts the question back');
    const before = (await sent()).length;
    await turn('q1').getByRole('button', { name: 'Edit and resend' }).click();
    await edit.fill('   ');
    await edit.press('Enter');
    assert.deepEqual((await sent()).slice(before), [], 'an empty question is not sent');
    await edit.fill('What is a heap?');
    await edit.press('Enter');
    assert.deepEqual(await lastSent(), { type: 'resend', turnId: 'q1', text: 'What is a heap?' });
  });

  it('keeps the chosen mode on show when a new chat comes and when Agent becomes available', async () => {
    const mode = app.page.getByRole('combobox', { name: 'Mode' });
    await mode.click();
    await app.page.getByRole('option', { name: 'Agent', exact: true }).click();
    assert.deepEqual(await lastSent(), { type: 'setMode', mode: 'agent' });
    await host({ type: 'chat', chatId: 'c6', title: 'New chat', mode: 'agent', turns: [], agentAvailable: true });
    assert.equal((await mode.innerText()).trim(), 'Agent', 'a new chat stays in Agent');
    await host({ type: 'chat', chatId: 'c7', title: 'New chat', mode: 'ask', turns: [], agentAvailable: false });
    await host({ type: 'chat', chatId: 'c7', title: 'New chat', mode: 'architect', turns: [], agentAvailable: true });
    await app.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100))); // the select reads its options again
    assert.equal((await mode.innerText()).trim(), 'Architect');
  });
});
