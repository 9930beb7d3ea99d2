// The chat panel's app (dist/chat.js) in headless Chromium with a stand-in for VS Code's webview API:
// what it posts to the host for each gesture, and what it renders for each host message — approval
// cards with their inline diff, sanitised and highlighted Markdown, file links, mentions, failures.
// Seconds, where a code-server run takes minutes. Keyboard, axe and the chat features: chatPanelAccess.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatWebviewMessage } from '../../protocol/chat';
import { useChatApp, type AppWindow as Window } from '../rig/chatApp';

describe('the chat panel app', { timeout: 120_000 }, () => {
  const app = useChatApp();
  const { host, sent, lastSent, input } = app;

  it('says it is ready, and without a chat model offers to pick one', async () => {
    assert.deepEqual((await sent())[0], { type: 'ready' });
    await host({ type: 'model', model: { state: 'none' } });
    await app.page.getByRole('button', { name: 'Select Model…' }).click();
    assert.deepEqual(await lastSent(), { type: 'command', command: 'selectModel' });
    await host({ type: 'model', model: { state: 'ready', name: 'qwen2.5-coder-1.5b-instruct', contextSize: 8192 } });
    assert.equal(await app.page.locator('.model').innerText(), 'qwen2.5-coder-1.5b-instruct · 8,192-token context');
  });

  it('sends on Enter with the mode and the offered selection, keeps Shift+Enter as a new line, and Escape stops', async () => {
    await host({ type: 'selection', attachment: { kind: 'selection', label: 'math.ts:2', text: 'return a;', uri: 'file:///w/math.ts' } });
    await host({ type: 'compose', attachments: [{ kind: 'text', label: 'snippet', text: 'let x = 1;' }] });
    assert.equal(await app.page.locator('.composer .chip').count(), 2);
    await app.page.getByRole('combobox', { name: 'Mode' }).click();
    await app.page.getByRole('option', { name: 'Debug' }).click();
    assert.deepEqual(await lastSent(), { type: 'setMode', mode: 'debug' });
    await input().fill('Why');
    await input().press('Shift+Enter');
    await input().pressSequentially('does it fail?');
    await input().press('Enter');
    const send = (await lastSent()) as Extract<ChatWebviewMessage, { type: 'send' }>;
    assert.equal(send.type, 'send');
    assert.equal(send.text, 'Why\ndoes it fail?');
    assert.equal(send.mode, 'debug');
    assert.deepEqual(
      send.attachments.map((a) => a.label),
      ['math.ts:2', 'snippet'],
    );
    await host({ type: 'turnStart', user: { id: `${send.turnId}-user`, role: 'user', text: send.text, attachments: send.attachments }, replyId: send.turnId });
    await app.page.locator('.turn.user').getByRole('link', { name: '@selection math.ts:2' }).click();
    assert.deepEqual(await lastSent(), { type: 'openAttachment', uri: 'file:///w/math.ts' });
    assert.equal(
      await app.page
        .locator('.turn.user')
        .getByRole('link', { name: /snippet/ })
        .count(),
      0,
      'pasted text has nothing to open',
    );
    assert.equal(await input().inputValue(), '');
    assert.equal(await app.page.locator('.composer .chip').count(), 0, 'chips went with the message');
    await app.page.getByRole('button', { name: 'Stop' }).waitFor();
    await input().press('Escape');
    assert.deepEqual(await lastSent(), { type: 'abort', turnId: send.turnId });
  });

  it('streams a reply as Markdown whose code blocks post Copy, Insert and Apply', async () => {
    await host({ type: 'turnStart', user: { id: 't1-user', role: 'user', text: 'add?' }, replyId: 't1' });
    await host({ type: 'model', model: { state: 'loading', name: 'coder.gguf' } });
    await app.page.locator('.thinking', { hasText: 'Loading the chat model…' }).waitFor();
    await host({ type: 'model', model: { state: 'ready', name: 'coder', contextSize: 4096 } });
    await app.page.locator('.thinking', { hasText: 'Thinking…' }).waitFor();
    for (const text of ['Use:\n\n```ts\n', 'return a', ' + b;\n```\n']) await host({ type: 'turnDelta', turnId: 't1', text });
    const code = app.page.locator('.turn.assistant .code-block code');
    await code.waitFor();
    assert.equal(await code.textContent(), 'return a + b;\n');
    assert.equal(await code.locator('.hljs-keyword').innerText(), 'return', 'highlighted: the keyword has its own colour class');
    for (const [name, action] of [
      ['Copy', 'copy'],
      ['Insert at cursor', 'insert'],
      ['Apply to file', 'apply'],
    ] as const) {
      await app.page.getByRole('button', { name }).click();
      assert.deepEqual(await lastSent(), { type: 'code', action, code: 'return a + b;', language: 'ts' });
    }
    await host({
      type: 'turnEnd',
      turn: {
        id: 't1',
        role: 'assistant',
        text: 'Use:\n\n```ts\nreturn a + b;\n```\n',
        usage: { promptTokens: 120, tokens: 9, estimatedPromptTokens: 3900, contextSize: 4096, droppedMessages: 2 },
      },
    });
    assert.equal(
      await app.page.locator('.usage').innerText(),
      '120 prompt tokens evaluated · 9 tokens generated · prompt ≈ 3,900 of 4,096 tokens · 2 earlier messages left out to fit the context',
    );
    await app.page.getByRole('button', { name: 'Send', exact: true }).waitFor();
  });

  it("shows a reply's first words as soon as they arrive, not after the next batch", async () => {
    await host({ type: 'turnStart', user: { id: 't1-user', role: 'user', text: 'hi?' }, replyId: 't1' });
    await host({ type: 'turnDelta', turnId: 't1', text: '\n' });
    // What the reply shows right after each delta's handler has run, read before any timer can fire.
    const shownAfter = (text: string) =>
      app.page.evaluate(
        (delta) =>
          new Promise<string>((resolve) => {
            const w = globalThis as unknown as Window & {
              addEventListener: (type: string, listener: (event: { data: unknown }) => void) => void;
              removeEventListener: (type: string, listener: (event: { data: unknown }) => void) => void;
              document: { querySelector: (selectors: string) => { textContent: string | null } | null };
            };
            const listener = (event: { data: unknown }) => {
              if ((event.data as { shown?: boolean }).shown !== true) return;
              w.removeEventListener('message', listener);
              resolve(w.document.querySelector('.turn.assistant .markdown')?.textContent ?? '');
            };
            w.addEventListener('message', listener);
            w.postMessage({ type: 'turnDelta', turnId: 't1', text: delta }, '*');
            w.postMessage({ shown: true }, '*');
          }),
        text,
      );
    assert.equal((await shownAfter('Hello')).trim(), 'Hello', 'the first words replace "Thinking…" at once');
    await shownAfter(' there, **friend**');
    await app.page.locator('.turn.assistant .markdown strong', { hasText: 'friend' }).waitFor();
    assert.equal((await app.page.locator('.turn.assistant .markdown').innerText()).trim(), 'Hello there, friend');
  });

  it('asks 👍/👎 under a finished reply, with an optional note; a voted reply says so; a failed one asks nothing', async () => {
    const answered = (id: string, feedback?: 'up' | 'down') => ({ id, role: 'assistant' as const, text: `Answer ${id}.`, ...(feedback && { feedback }) });
    await host({
      type: 'chat',
      chatId: 'c1',
      title: 'Votes',
      mode: 'ask',
      agentAvailable: true,
      turns: [answered('a1'), answered('a2'), answered('a3', 'down'), { id: 'a4', role: 'assistant', text: '', error: 'No chat model is set.' }],
    });
    const turn = (id: string) => app.page.locator(`.turn[data-turn-id="${id}"]`);
    await turn('a1').getByRole('button', { name: 'Not helpful', exact: true }).click();
    await turn('a1').getByLabel('Feedback note').fill('  It used an API that does not exist.  ');
    await turn('a1').getByRole('button', { name: 'Send', exact: true }).click();
    assert.deepEqual(await lastSent(), { type: 'feedback', turnId: 'a1', vote: 'down', note: 'It used an API that does not exist.' });
    await turn('a2').getByRole('button', { name: 'Helpful', exact: true }).click();
    await turn('a2').getByRole('button', { name: 'Skip note' }).click();
    assert.deepEqual(await lastSent(), { type: 'feedback', turnId: 'a2', vote: 'up' });
    assert.equal((await turn('a3').locator('.feedback').innerText()).trim(), 'Marked not helpful');
    assert.equal(
      await turn('a3')
        .getByRole('button', { name: /helpful/i })
        .count(),
      0,
    );
    assert.equal(await turn('a4').locator('.feedback').count(), 0);
  });

  it('sanitises what the model writes: no scripts, handlers or javascript: links', async () => {
    const evil =
      'Hi <script>window.hacked = 1</script><img src="x" onerror="window.hacked = 2"> <a href="javascript:window.hacked=3">link</a> <iframe src="https://example.com"></iframe>';
    await host({ type: 'turnEnd', turn: { id: 't2', role: 'assistant', text: evil } });
    const body = app.page.locator('.turn.assistant .markdown');
    await body.waitFor();
    const html = await body.innerHTML();
    assert.doesNotMatch(html, /script|onerror|javascript:|iframe/i);
    await body.locator('a', { hasText: 'link' }).click();
    assert.equal(await app.page.evaluate(() => (globalThis as unknown as Window).hacked), undefined);
  });

  it('turns file names in an answer into links that open the file at the line, and nothing else', async () => {
    const text = [
      'See `src/a.ts:12` and [the helper](lib/b-c.ts#L3), also `README.md`.',
      'Not files: `../secrets.txt:1`, `/etc/passwd`, `C:/x.ts`, [web](https://example.com/a.ts), `a.b`, `npm test`, [up](../../x.ts#L2).',
    ].join('\n\n');
    await host({ type: 'turnEnd', turn: { id: 'f1', role: 'assistant', text } });
    const links = app.page.locator('.turn.assistant .markdown a.file-link');
    assert.deepEqual(await links.allInnerTexts(), ['src/a.ts:12', 'the helper', 'README.md']);
    const posted = [];
    for (let i = 0; i < 3; i++) {
      await links.nth(i).click();
      posted.push(await lastSent());
    }
    assert.deepEqual(posted, [
      { type: 'openFile', path: 'src/a.ts', line: 12 },
      { type: 'openFile', path: 'lib/b-c.ts', line: 3 },
      { type: 'openFile', path: 'README.md' },
    ]);
    assert.equal(await app.page.locator('.turn.assistant .markdown a', { hasText: 'web' }).getAttribute('class'), null, 'a web link stays a web link');
  });

  it('offers mentions on @: arrows and Enter choose, files and symbols come from the host picker', async () => {
    await input().pressSequentially('Explain @co');
    const options = app.page.locator('.mention-popup').getByRole('option');
    assert.deepEqual(await options.allInnerTexts(), ['@codebase search the workspace index']);
    await input().press('Enter');
    assert.equal(await input().inputValue(), 'Explain @codebase ');
    await input().pressSequentially('and @');
    assert.equal(await options.count(), 6); // @file @symbol @selection @problems @codebase @git
    await input().press('ArrowDown'); // @file → @symbol
    await input().press('Enter');
    assert.deepEqual(await lastSent(), { type: 'pickMention', kind: 'symbol' });
    assert.equal(await input().inputValue(), 'Explain @codebase and ');
    await host({ type: 'compose', attachments: [{ kind: 'symbol', label: 'Stack (src/stack.ts:3)', text: 'class Stack {}' }] });
    await app.page.getByRole('button', { name: 'Remove Stack (src/stack.ts:3)' }).click();
    assert.equal(await app.page.locator('.composer .chip').count(), 0);
  });

  it('renders an agent tool call with its risk, diff link and the four decisions', async () => {
    await host({ type: 'turnStart', user: { id: 't3-user', role: 'user', text: 'fix it' }, replyId: 't3' });
    const card = {
      turnId: 't3',
      tool: 'edit_file',
      summary: 'edit_file src/a.ts (lines 3-9)',
      risk: 'write',
      reason: 'writes a file',
      hasDiff: true,
      state: 'pending',
    } as const;
    const diff = {
      path: 'src/a.ts',
      added: 2,
      removed: 1,
      hunks: [{ oldStart: 3, newStart: 3, removed: ['return a - b;'], added: ['return a + b;', '// fixed'] }],
    };
    await host({ type: 'toolCall', card: { ...card, id: 'call1', diff } });
    const first = app.page.locator('[data-call-id="call1"]');
    assert.match(
      await first.innerText(),
      /edit_file src\/a\.ts \(lines 3-9\)[\s\S]*writes files[\s\S]*writes a file[\s\S]*Open in diff editor[\s\S]*waiting for your decision/,
    );
    // The change inline, both sides, with its counts.
    const change = first.getByRole('group', { name: 'Change to src/a.ts: 2 lines added, 1 removed' });
    assert.equal(await change.locator('summary').innerText(), 'src/a.ts +2 −1');
    assert.deepEqual(await change.locator('.diff-line.removed').allInnerTexts(), ['− return a - b;']);
    assert.deepEqual(await change.locator('.diff-line.added').allInnerTexts(), ['+ return a + b;', '+ // fixed']);
    assert.equal(await change.locator('.diff-hunk-head').innerText(), '@@ −3 +3 @@');
    assert.equal((await app.page.locator('[data-turn-id="t3"] [role=status]').innerText()).trim(), 'Waiting for your approval');
    assert.equal(await app.page.locator('[data-turn-id="t3"] .thinking').isVisible(), false, 'not "Thinking…" while the user is asked');
    await first.getByRole('button', { name: 'Open in diff editor' }).click();
    assert.deepEqual(await lastSent(), { type: 'showDiff', callId: 'call1' });
    await first.getByRole('button', { name: 'Allow for this session' }).click();
    assert.deepEqual(await lastSent(), { type: 'approval', callId: 'call1', decision: 'session' });
    await host({ type: 'toolCall', card: { ...card, id: 'call1', diff, state: 'done', result: 'edited 7 lines' } });
    assert.equal(await first.getByRole('button').count(), 0, 'no decision buttons once decided');
    assert.equal(await app.page.locator('[data-turn-id="t3"] [role=status]').count(), 0, 'decided: no longer waiting');

    assert.equal(await first.locator('.card-diff').getAttribute('open'), null, 'decided: the change is folded away');
    await host({
      type: 'toolCall',
      card: {
        ...card,
        id: 'call2',
        tool: 'run_command',
        summary: 'Run: npm test',
        risk: 'command',
        hasDiff: false,
        command: { line: 'npm test -- --grep "a b"', folder: 'packages/core' },
      },
    });
    const second = app.page.locator('[data-call-id="call2"]');
    assert.equal(await second.locator('.command-line').innerText(), 'npm test -- --grep "a b"', 'the exact command');
    assert.equal(await second.locator('.command-folder').innerText(), 'packages/core');
    assert.equal(await second.locator('.tool-reason').innerText(), 'Asks because: writes a file');
    await second.getByRole('button', { name: 'Deny…' }).click();
    await second.getByLabel('Feedback for the model').fill('run only the unit tests');
    await second.getByRole('button', { name: 'Deny', exact: true }).click();
    assert.deepEqual(await lastSent(), { type: 'approval', callId: 'call2', decision: 'deny', feedback: 'run only the unit tests' });
    for (const name of ['Allow once', 'Always']) assert.equal(await second.getByRole('button', { name, exact: true }).count(), 1);
  });

  it('shows a failed turn with its fix and Retry, and puts the question back in the composer', async () => {
    await host({ type: 'turnStart', user: { id: 't4-user', role: 'user', text: 'Is anyone there?' }, replyId: 't4' });
    await host({
      type: 'turnEnd',
      turn: { id: 't4', role: 'assistant', text: '', error: "Pylot's engine stopped while answering.", action: 'restartSidecar' },
    });
    await app.page.getByRole('alert').waitFor();
    assert.equal(await input().inputValue(), 'Is anyone there?');
    await app.page.getByRole('button', { name: 'Restart Engine' }).click();
    assert.deepEqual(await lastSent(), { type: 'command', command: 'restartSidecar' });
    await app.page.getByRole('button', { name: 'Retry' }).click();
    assert.deepEqual(await lastSent(), { type: 'retry', turnId: 't4' });
  });

  it('lists past chats, searches them by title, opens and deletes them', async () => {
    await host({
      type: 'history',
      chats: [
        { id: 'a', title: 'Fix the parser crash', updatedAt: 2, turns: 4 },
        { id: 'b', title: 'Explain the cache', updatedAt: 1, turns: 2 },
      ],
    });
    await host({ type: 'showHistory' });
    await app.page.getByLabel('Search chats by title').fill('PARSER');
    assert.deepEqual(await app.page.locator('.history-open').allInnerTexts(), ['Fix the parser crash']);
    await app.page.getByRole('button', { name: 'Delete chat Fix the parser crash' }).click();
    assert.deepEqual(await lastSent(), { type: 'deleteChat', chatId: 'a' });
    await app.page.getByLabel('Search chats by title').fill('');
    await app.page.getByRole('button', { name: 'Explain the cache', exact: true }).click();
    assert.deepEqual(await lastSent(), { type: 'openChat', chatId: 'b' });
    assert.ok(await app.page.getByLabel('Message to Pylot').isVisible(), 'back to the chat');
  });

  it('shows what had arrived of a running reply when it (re)loads mid-turn, and can stop it', async () => {
    const card = { id: 'call9', turnId: 't9', tool: 'read_file', summary: 'read_file src/a.ts', risk: 'read', hasDiff: false, state: 'pending' } as const;
    await host({
      type: 'chat',
      chatId: 'c3',
      title: 'Busy',
      mode: 'agent',
      turns: [{ id: 't9-user', role: 'user', text: 'look' }],
      busy: { turnId: 't9', text: 'Reading **now**', toolCalls: [card] },
      agentAvailable: true,
    });
    await app.page.locator('.turn.assistant.streaming strong', { hasText: /^now$/ }).waitFor();
    assert.equal(await app.page.locator('[data-call-id="call9"]').getByRole('button', { name: 'Allow once' }).count(), 1);
    await app.page.getByRole('button', { name: 'Stop' }).click();
    assert.deepEqual(await lastSent(), { type: 'abort', turnId: 't9' });
  });

  it('marks Agent as unavailable until the agent is wired in', async () => {
    await host({ type: 'chat', chatId: 'c2', title: 'New chat', mode: 'ask', turns: [], agentAvailable: false });
    await app.page.getByRole('combobox', { name: 'Mode' }).click();
    await app.page.getByRole('option', { name: 'Agent (not available yet)' }).click();
    assert.equal((await sent()).filter((m) => m.type === 'setMode').length, 0, 'choosing it does nothing');
    assert.equal((await app.page.getByRole('combobox', { name: 'Mode' }).innerText()).trim(), 'Ask');
  });
});
