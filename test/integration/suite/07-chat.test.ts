// The chat panel's host side in a real VS Code: pylot.openChat, a turn streamed from the real sidecar
// and a scripted GGUF model, stop, mentions, a readable failure without a model, persisted history.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { PylotApi } from '../../../extension/main';
import { GenerateDelta } from '../../../protocol/sidecar';
import type { ChatBackend, ChatRequest } from '../../../extension/chat/backend';
import { pylot, script, setting, testModels, waitFor } from './helpers';

suite('Chat', () => {
  const models = testModels();
  let api: PylotApi;

  suiteSetup(async () => {
    api = await pylot();
    await setting('threads', 1);
  });

  suiteTeardown(async () => {
    await setting('models.chat', undefined);
    await setting('threads', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('pylot.openChat opens the chat view', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const command of ['pylot.openChat', 'pylot.newChat', 'pylot.showChatHistory']) assert.ok(commands.includes(command), command);
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the chat view hidden', () => !api.chat.visible(), 10_000);
    await vscode.commands.executeCommand('pylot.openChat');
    await waitFor('the chat view on screen', () => api.chat.visible(), 10_000);
  });

  test('without a chat model a turn fails saying what to do, and the question is kept', async () => {
    await setting('models.chat', undefined);
    await vscode.commands.executeCommand('pylot.newChat');
    const reply = await vscode.commands.executeCommand<{ error?: string; action?: string }>('pylot.openChat', { prompt: 'Is anyone there?', send: true });
    assert.match(reply?.error ?? '', /No chat model is set/);
    assert.equal(reply?.action, 'selectModel');
    const turns = api.chat.current().turns;
    assert.deepEqual(
      turns.map((t) => [t.role, t.text]),
      [
        ['user', 'Is anyone there?'],
        ['assistant', ''],
      ],
    );
  });

  test('a turn streams from the sidecar and reports its token use', async () => {
    await setting('models.chat', models.scripted);
    await vscode.commands.executeCommand('pylot.newChat');
    const deltas: string[] = [];
    const unsubscribe = api.sidecar.onNotification(GenerateDelta, (delta) => deltas.push(delta.text));
    try {
      const reply = await api.chat.open({ prompt: 'How do I add two numbers?', send: true });
      assert.equal(reply?.error, undefined);
      assert.equal(reply?.text, script);
      assert.equal(deltas.join(''), script, 'the text arrived as streamed deltas');
      assert.ok((reply?.usage?.tokens ?? 0) > 0);
      assert.ok((reply?.usage?.promptTokens ?? 0) > 0);
      assert.ok((reply?.usage?.estimatedPromptTokens ?? 0) > 0);
      assert.equal(reply?.usage?.contextSize, 4096);
    } finally {
      unsubscribe();
    }
    assert.equal(api.models.state('chat').model?.contextSize, 4096);
  });

  test('the chat is persisted in the workspace history, searchable by title', async () => {
    const [latest] = api.chat.history('add two numbers');
    assert.equal(latest?.title, 'How do I add two numbers?');
    assert.equal(latest?.turns, 2);
    assert.deepEqual(api.chat.history('no such title'), []);
    // Another chat, then back: the first is still there with both turns.
    await vscode.commands.executeCommand('pylot.newChat');
    await api.chat.open({ prompt: 'Second question', send: true });
    assert.deepEqual(
      api.chat
        .history()
        .slice(0, 2)
        .map((c) => c.title),
      ['Second question', 'How do I add two numbers?'],
    );
  });

  test('a long conversation is trimmed to the context the engine reports, and still answered', async () => {
    await setting('contextSize', 512);
    try {
      await waitFor('the chat model reloaded with a 512-token context', async () => {
        await api.models.ensureLoaded('chat').catch(() => undefined);
        return api.models.state('chat').model?.contextSize === 512;
      });
      await vscode.commands.executeCommand('pylot.newChat');
      const pasted = (n: number) => [{ label: `log ${n}`, text: `line ${n}: ${'x'.repeat(600)}` }];
      const first = await api.chat.open({ prompt: 'What is in log 1?', attachments: pasted(1), send: true });
      assert.equal(first?.usage?.droppedMessages, undefined);
      await api.chat.open({ prompt: 'And in log 2?', attachments: pasted(2), send: true });
      const third = await api.chat.open({ prompt: 'And in log 3?', attachments: pasted(3), send: true });
      assert.equal(third?.error, undefined);
      assert.equal(third?.text, script);
      assert.equal(third?.usage?.contextSize, 512);
      assert.ok((third?.usage?.droppedMessages ?? 0) >= 2, `dropped ${third?.usage?.droppedMessages}`);
      assert.ok((third?.usage?.estimatedPromptTokens ?? 0) <= 512 - 128);
      assert.ok((third?.usage?.promptTokens ?? 0) < 512, 'what the engine evaluated fits its context');
    } finally {
      await setting('contextSize', undefined);
    }
  });

  test('mentions attach the file, problems, the selection and what the workspace index finds', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const file = vscode.Uri.joinPath(folder, 'calc.ts');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('export const answer = 42;\n'));
    const editor = await vscode.window.showTextDocument(file);
    editor.selection = new vscode.Selection(0, 7, 0, 12);
    await vscode.commands.executeCommand('pylot.newChat');
    const reply = await api.chat.open({ prompt: 'Explain @file:calc.ts with @selection, @problems and @codebase', send: true });
    assert.equal(reply?.text, script);
    const attachments = api.chat.current().turns[0]?.attachments ?? [];
    const byKind = new Map(attachments.map((a) => [a.kind, a]));
    assert.equal(byKind.get('file')?.text, 'export const answer = 42;\n');
    assert.equal(byKind.get('selection')?.text, 'const');
    assert.equal(byKind.get('selection')?.label, 'calc.ts:1');
    assert.ok(byKind.has('problems'));
    assert.match(byKind.get('codebase')?.label ?? '', /^codebase: \d+ result/);
  });

  test('the rules files are read for every turn: an edit saved in the editor or written on disk is used by the next turn', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const agents = vscode.Uri.joinPath(folder, 'AGENTS.md');
    /** The next turn's attachments, sent at once after the change. */
    const ask = async (prompt: string) => {
      await vscode.commands.executeCommand('pylot.newChat');
      const reply = await api.chat.open({ prompt, send: true });
      assert.equal(reply?.text, script);
      return (api.chat.current().turns[0]?.attachments ?? []).map((a) => [a.kind, a.label, a.text]);
    };
    try {
      writeFileSync(agents.fsPath, 'Rule one: tabs.\n');
      // Read side by side with the mentions, and still first among the chips.
      const first = await ask('What are the rules? @problems');
      assert.deepEqual(first[0], ['rules', 'AGENTS.md', 'Rule one: tabs.']);
      assert.deepEqual(
        first.map(([kind]) => kind),
        ['rules', 'problems'],
      );

      const editor = await vscode.window.showTextDocument(agents);
      await editor.edit((edit) => edit.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), 'Rule two: spaces.\n'));
      assert.ok(await editor.document.save());
      assert.deepEqual(await ask('And now?'), [['rules', 'AGENTS.md', 'Rule two: spaces.']]);

      writeFileSync(agents.fsPath, 'Rule three: no semicolons.\n');
      assert.deepEqual(await ask('And now?'), [['rules', 'AGENTS.md', 'Rule three: no semicolons.']]);

      rmSync(agents.fsPath);
      assert.deepEqual(await ask('And now?'), []);
    } finally {
      rmSync(agents.fsPath, { force: true });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  test('@git attaches the staged and unstaged changes, without secret files', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { cwd: folder, stdio: 'pipe' });
    const made = !existsSync(path.join(folder, '.git'));
    try {
      if (made) git('init', '-q');
      writeFileSync(path.join(folder, 'tracked.ts'), 'export const staged = 1;\nexport const unstaged = 1;\n');
      writeFileSync(path.join(folder, '.env'), 'TOKEN=before\n');
      git('add', '-A'); // what earlier tests left here too, so only this test's changes show
      git('commit', '-qm', 'base');
      writeFileSync(path.join(folder, 'tracked.ts'), 'export const staged = 2;\nexport const unstaged = 1;\n');
      git('add', 'tracked.ts');
      writeFileSync(path.join(folder, 'tracked.ts'), 'export const staged = 2;\nexport const unstaged = 2;\n');
      writeFileSync(path.join(folder, '.env'), 'TOKEN=secret-in-the-diff\n');
      await vscode.commands.executeCommand('pylot.newChat');
      const reply = await api.chat.open({ prompt: 'Review @git please', send: true });
      assert.equal(reply?.text, script);
      const attachment = (api.chat.current().turns[0]?.attachments ?? []).find((a) => a.kind === 'git');
      const text = attachment?.text ?? '';
      // (Other parts of VS Code may write into the workspace meanwhile: the unstaged list is checked by its lines.)
      assert.match(attachment?.label ?? '', /^git: [1-9]\d* changed file\(s\)$/, text.slice(0, 500));
      assert.match(attachment?.text ?? '', /^Staged changes in the workspace \(1 file\(s\)\):\nM tracked\.ts\n\ndiff --git/);
      const unstaged = text.slice(text.indexOf('Unstaged changes in the workspace'));
      assert.match(unstaged.split('\n\n')[0]!, /^M tracked\.ts$/m, text.slice(0, 500));
      assert.match(unstaged.split('\n\n')[0]!, /^\(1 protected file\(s\) left out\)$/m, text.slice(0, 500));
      assert.match(attachment?.text ?? '', /^-export const staged = 1;\n\+export const staged = 2;$/m);
      assert.match(attachment?.text ?? '', /Unstaged changes in the workspace[\s\S]*^\+export const unstaged = 2;$/m);
      assert.doesNotMatch(attachment?.text ?? '', /secret-in-the-diff|\.env/);
    } finally {
      if (made) rmSync(path.join(folder, '.git'), { recursive: true, force: true });
    }
  });

  test('the agent plugs in as a backend: its tool call waits for approval, and Stop denies it and ends the turn', async () => {
    let request: ChatRequest | undefined;
    const agent: ChatBackend = {
      async send(turn, events) {
        request = turn;
        events.text('Let me edit it. ');
        const answer = await events
          .toolCall({ tool: 'edit_file', summary: 'edit_file calc.ts (line 1)', risk: 'write', reason: 'writes a file' })
          .askApproval();
        return { text: `Let me edit it. (${answer.decision}: ${answer.feedback})`, usage: { tokens: 3 }, stopped: turn.signal.aborted };
      },
    };
    const registration = api.chat.setBackend('agent', agent);
    try {
      await vscode.commands.executeCommand('pylot.newChat');
      const turn = api.chat.open({ prompt: 'Make answer 43', attachments: [{ label: 'snippet', text: 'let x = 1;' }], mode: 'agent', send: true });
      await waitFor('the approval card', () => request, 10_000);
      await assert.rejects(api.chat.open({ prompt: 'And another thing', send: true }), /still answering/);
      await vscode.commands.executeCommand('pylot.stopChat');
      const reply = await turn;
      assert.equal(reply?.stopped, true);
      assert.equal(reply?.text, 'Let me edit it. (deny: The turn was stopped.)');
      assert.deepEqual(
        reply?.toolCalls?.map((c) => [c.tool, c.risk, c.state]),
        [['edit_file', 'write', 'denied']],
      );
      assert.equal(request?.mode, 'agent');
      assert.match(request?.systemPrompt ?? '', /agent/);
      assert.deepEqual(request?.attachments, [{ kind: 'text', label: 'snippet', text: 'let x = 1;' }]);
      assert.match(request?.history.at(-1)?.content ?? '', /snippet:\n`{3,}\nlet x = 1;\n`{3,}\n\nMake answer 43$/);
      assert.equal(api.chat.current().mode, 'agent');
    } finally {
      registration.dispose();
    }
  });

  test('Stop aborts a real generation; a sidecar crash mid-answer fails the turn saying so, and chat works after the restart', async () => {
    const firstDelta = () =>
      new Promise<void>((resolve) => {
        const unsubscribe = api.sidecar.onNotification(GenerateDelta, () => {
          unsubscribe();
          resolve();
        });
      });
    await setting('models.chat', models.longAnswer);
    await vscode.commands.executeCommand('pylot.newChat');
    let streaming = firstDelta();
    const stopped = api.chat.open({ prompt: 'Tell me a long story', mode: 'ask', send: true });
    await streaming;
    await vscode.commands.executeCommand('pylot.stopChat');
    const reply = await stopped;
    assert.equal(reply?.stopped, true);
    assert.ok((reply?.text.length ?? 0) > 0, 'what had arrived is kept');

    streaming = firstDelta();
    const prompt = 'Another long story';
    const crashed = api.chat.open({ prompt, send: true });
    await streaming;
    const pid = api.sidecar.pid!;
    process.kill(pid, 'SIGKILL');
    const failed = await crashed;
    assert.match(failed?.error ?? '', /engine stopped while answering .*your message is kept/);
    assert.equal(failed?.action, 'restartSidecar');
    assert.deepEqual(api.chat.current().turns.at(-2)?.text, prompt);

    await waitFor('the restarted sidecar', () => api.sidecar.status.status === 'ready' && api.sidecar.pid !== pid);
    await setting('models.chat', models.scripted);
    const answered = await api.chat.open({ prompt: 'Still there?', send: true });
    assert.equal(answered?.text, script);
  });
});
