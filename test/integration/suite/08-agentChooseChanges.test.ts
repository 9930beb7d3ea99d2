// Pylot: Run Agent's per-change choice in a real VS Code: an edit of several changes offers "Choose
// changes…", a multi-select QuickPick of its changes (all checked); the unchecked ones are left as they
// were, as the chat card's Reject does. The real sidecar runs the loop on a scripted OpenAI-compatible
// model; VS Code's own commands answer the QuickPicks, as the keys would (08-agent.test.ts: the rest).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ShownPick } from '../../../extension/agent/vscodeAgentUi';
import { pylot, setting, waitFor } from './helpers';
import { startScriptedChatServer, type ScriptedChatServer } from './scriptedChatServer';

const answer = (text: string) => JSON.stringify({ answer: text });

const twoChanges = 'let first = 1;\nkeep();\nlet second = 2;\n';
const command = (id: string) => vscode.commands.executeCommand(id);

/**
 * Runs pylot.runAgent on an edit of two changes to two-changes.ts; `drive` answers its QuickPicks with
 * VS Code's own commands, as the keys would. `onScreen(n)` waits until Pylot has put up its n-th
 * QuickPick: a command sent after that reaches VS Code after the QuickPick.
 */
async function runAgentChoosing(
  server: ScriptedChatServer,
  folder: string,
  drive: (onScreen: (count: number) => Promise<ShownPick>) => Promise<void>,
): Promise<{ two: string; before: string; picks: ShownPick[] }> {
  const api = await pylot();
  const two = path.join(folder, 'two-changes.ts');
  await vscode.workspace.fs.writeFile(vscode.Uri.file(two), new TextEncoder().encode(twoChanges));
  await waitFor('VS Code to see the reset two-changes.ts', () => {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === two);
    return !open || (open.getText() === twoChanges && !open.isDirty);
  });
  const edit = { tool: 'edit_file', args: { path: 'two-changes.ts', oldText: twoChanges.trimEnd(), newText: 'const first = 1;\nkeep();\nconst second = 2;' } };
  server.reply(JSON.stringify(edit), answer('done as you chose'));
  const picks: ShownPick[] = [];
  const listening = api.agent.onDidShowPick((shown) => picks.push(shown));
  try {
    const run = vscode.commands.executeCommand<{ outcome: string } | undefined>('pylot.runAgent', 'Use const in two-changes.ts');
    try {
      await drive((count) => waitFor(`QuickPick ${count}`, () => picks[count - 1], 30_000));
    } catch (error) {
      await command('workbench.action.closeQuickOpen'); // a denial: the turn ends
      throw error;
    }
    assert.equal((await run)?.outcome, 'answered');
  } finally {
    listening.dispose();
  }
  return { two, before: twoChanges, picks };
}

/** What the model was told of the last tool call (the last message of its last request). */
function lastToolResult(server: ScriptedChatServer): string {
  return server.requests.at(-1)!.at(-1)!.content;
}

suite('Pylot agent: Run Agent chooses changes', () => {
  let server: ScriptedChatServer;
  let folder: string;

  suiteSetup(async () => {
    server = await startScriptedChatServer();
    await setting('servers', [{ name: 'choose-lab', api: 'openai-compatible', baseUrl: server.url, model: 'scripted-agent', retries: 0 }]);
    await setting('models.chat', 'server:choose-lab');
    folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  });

  setup(async () => {
    server.clear();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    for (const key of ['models.chat', 'servers']) await setting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  test('pylot.runAgent: "Choose changes…" lists each change; the one unpicked stays as it was, the model is told; one undo', async () => {
    const { two, before, picks } = await runAgentChoosing(server, folder, async (onScreen) => {
      const approval = await onScreen(1);
      assert.deepEqual(
        approval.items.map((item) => [item.label, item.description]),
        [
          ['$(check) Allow once', undefined],
          ['$(list-selection) Choose changes…', 'keep some of the 2 changes'],
          ['$(check-all) Allow for this session', 'writes to two-changes.ts'],
          ['$(pass-filled) Always allow', 'writes to two-changes.ts'],
          ['$(close) Deny…', undefined],
        ],
      );
      await command('quickInput.next');
      await command('workbench.action.acceptSelectedQuickOpenItem');

      const changes = await onScreen(2);
      assert.equal(changes.canPickMany, true);
      assert.deepEqual(changes.items, [
        { label: '1. Line 1', description: '−1 +1', detail: '− let first = 1;   + const first = 1;', picked: true },
        { label: '2. Line 3', description: '−1 +1', detail: '− let second = 2;   + const second = 2;', picked: true },
      ]);
      assert.equal(readFileSync(path.join(folder, 'two-changes.ts'), 'utf8'), twoChanges, 'nothing written while choosing');
      // Down to the first change, Space unchecks it, Enter.
      await command('quickInput.next');
      await command('workbench.action.quickPickManyToggle');
      await command('workbench.action.acceptSelectedQuickOpenItem');

      const again = await onScreen(3);
      assert.match(again.placeholder, /Allow writes 1 of the 2 changes\.$/);
      assert.deepEqual(again.items[1], { label: '$(list-selection) Choose changes…', description: '1 of 2 kept', picked: false });
      await command('workbench.action.acceptSelectedQuickOpenItem'); // Allow once
    });
    assert.equal(picks.length, 3, 'no other prompt');
    assert.equal(readFileSync(two, 'utf8'), 'let first = 1;\nkeep();\nconst second = 2;\n', 'exactly the kept change on disk');
    assert.match(lastToolResult(server), /kept 1 of the edit's 2 changes and rejected the others/);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(two));
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), before, 'one undo takes the edit back');
    await vscode.commands.executeCommand('workbench.action.files.save');
  });

  test('pylot.runAgent: every change unchecked is a denial; nothing written and the model is told', async () => {
    const { two, before, picks } = await runAgentChoosing(server, folder, async (onScreen) => {
      await onScreen(1);
      await command('quickInput.next');
      await command('workbench.action.acceptSelectedQuickOpenItem');
      await onScreen(2);
      for (let change = 0; change < 2; change++) {
        await command('quickInput.next');
        await command('workbench.action.quickPickManyToggle');
      }
      await command('workbench.action.acceptSelectedQuickOpenItem');
    });
    assert.equal(picks.length, 2, 'no Allow asked after nothing was kept');
    assert.equal(readFileSync(two, 'utf8'), before);
    assert.match(lastToolResult(server), /The user rejected every change of the edit; two-changes\.ts is unchanged/);
  });
  test('pylot.runAgent: Back from the changes leaves the choice as it was; Allow once then writes the whole edit', async () => {
    const { two, picks } = await runAgentChoosing(server, folder, async (onScreen) => {
      await onScreen(1);
      await command('quickInput.next');
      await command('workbench.action.acceptSelectedQuickOpenItem');
      await onScreen(2);
      await command('quickInput.next');
      await command('workbench.action.quickPickManyToggle'); // unchecked, then not confirmed
      await command('workbench.action.quickInputBack');
      const again = await onScreen(3);
      assert.equal(again.items[1]?.description, 'keep some of the 2 changes');
      assert.doesNotMatch(again.placeholder, /Allow writes/);
      await command('workbench.action.acceptSelectedQuickOpenItem'); // Allow once
    });
    assert.equal(picks.length, 3);
    assert.equal(readFileSync(two, 'utf8'), 'const first = 1;\nkeep();\nconst second = 2;\n', 'both changes written');
    assert.doesNotMatch(lastToolResult(server), /kept \d of/);
  });
});
