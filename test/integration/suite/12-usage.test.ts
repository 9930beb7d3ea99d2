// Local acceptance statistics in the real VS Code: a scripted model's suggestion taken with VS Code's
// own accept command, a chat reply voted down with a note, a refactor preview with one hunk kept of
// two, an agent edit allowed and one denied; Pylot: Export Usage Statistics writes the counts, the
// stored file holds the same, Reset empties it.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { UsageStats } from '../../../protocol/usageStats';
import type { AgentUi, ApprovalDecision } from '../../../extension/agent/ui';
import { acceptGhostText, functionEditor, nextReview, pylot, script, setting, testModels, waitFor } from './helpers';
import { startFakeChatServer, type FakeChatServer } from './fakeChatServer';

suite('Usage statistics', () => {
  let fake: FakeChatServer;
  const exported = path.join(tmpdir(), `pylot-usage-${process.pid}.json`);

  suiteSetup(async () => {
    fake = await startFakeChatServer();
    await setting('servers', [{ name: 'usage-lab', api: 'openai-compatible', baseUrl: fake.url, model: fake.model, retries: 0 }]);
    await setting('threads', 1);
    assert.equal(await vscode.commands.executeCommand('pylot.resetUsageStats', true), true);
  });

  suiteTeardown(async () => {
    for (const key of ['servers', 'threads', 'models.completion', 'models.chat']) await setting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fake.close();
  });

  test('an accepted suggestion, a chat vote, refactor hunks and agent proposals are counted, exported and stored', async () => {
    const api = await pylot();
    await setting('models.completion', testModels().scripted);
    const editor = await functionEditor();
    await acceptGhostText(editor, script);

    await setting('models.chat', testModels().scripted);
    await vscode.commands.executeCommand('pylot.newChat');
    const reply = await api.chat.open({ prompt: 'How do I add two numbers?', send: true });
    assert.equal(reply?.text, script);
    await api.chat.feedback(reply!.id, 'down', 'It should explain why.');
    await api.chat.feedback(reply!.id, 'up'); // a reply is voted once
    assert.equal(api.chat.current().turns.at(-1)?.feedback, 'down');

    await setting('models.chat', 'server:usage-lab');
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'usage.ts');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('let first = 1;\nkeep();\nlet second = 2;\n'));
    const source = await vscode.window.showTextDocument(file);
    source.selection = new vscode.Selection(0, 0, 2, 15);
    fake.answer({ code: 'const first = 1;\nkeep();\nconst second = 2;' });
    const review = nextReview();
    const outcome = vscode.commands.executeCommand<{ kind: string }>('pylot.refactor', 'use const');
    (await review).accept([1]);
    assert.equal((await outcome)?.kind, 'applied');

    // The agent proposes two edits: the first allowed, the second denied.
    const math = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'usageMath.ts');
    await vscode.workspace.fs.writeFile(math, new TextEncoder().encode('export const a = 1;\nexport const b = 2;\n'));
    const edit = (oldText: string, newText: string) => ({ tool: 'edit_file', args: { path: 'src/usageMath.ts', oldText, newText } });
    fake.answer(edit('a = 1', 'a = 10'));
    fake.answer(edit('b = 2', 'b = 20'));
    fake.answer({ answer: 'done' });
    const decisions: ApprovalDecision[] = [{ kind: 'allowOnce' }, { kind: 'deny' }];
    const ui: AgentUi = { onEvent: () => undefined, requestApproval: async () => decisions.shift()!, askContinue: async () => false };
    assert.equal((await api.agent.runAgentTurn({ task: 'Make the constants bigger' }, ui)).outcome, 'answered');

    assert.equal(await vscode.commands.executeCommand('pylot.exportUsageStats', exported), exported);
    const stats = UsageStats.parse(JSON.parse(readFileSync(exported, 'utf8')));
    const row = stats.completions.find((r) => r.language === 'typescript' && r.model === 'pylot-test-scripted');
    assert.ok(row, JSON.stringify(stats.completions));
    assert.ok(row.shown >= 1);
    assert.equal(row.accepted, 1);
    assert.equal(row.acceptedWhole, 1);
    assert.equal(row.acceptedChars, script.length);
    assert.ok(row.latencyMs.length >= 1 && row.latencyMs.every((ms) => ms >= 0));
    assert.deepEqual(stats.chat, [{ model: 'pylot-test-scripted', up: 0, down: 1 }]);
    assert.deepEqual(
      stats.notes.map((n) => [n.vote, n.note]),
      [['down', 'It should explain why.']],
    );
    assert.deepEqual(stats.refactor, { kept: 1, rejected: 1 });
    assert.deepEqual(stats.agent, { kept: 1, rejected: 1 });

    // The stored file catches up within a second or two, and says the same.
    const stored = path.join(api.storage.global, 'usage-stats.json');
    await waitFor('the stored statistics', () => existsSync(stored) && JSON.parse(readFileSync(stored, 'utf8')).refactor.kept === 1, 10_000);
    assert.deepEqual(UsageStats.parse(JSON.parse(readFileSync(stored, 'utf8'))).completions, stats.completions);

    assert.equal(await vscode.commands.executeCommand('pylot.resetUsageStats', true), true);
    const empty = UsageStats.parse(JSON.parse(readFileSync(stored, 'utf8')));
    assert.deepEqual(
      [empty.completions, empty.chat, empty.notes, empty.refactor, empty.agent],
      [[], [], [], { kept: 0, rejected: 0 }, { kept: 0, rejected: 0 }],
    );
  });
});
