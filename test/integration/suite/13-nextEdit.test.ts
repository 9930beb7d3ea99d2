// Next edit suggestions in a real VS Code: rename a local and the suggestion waits at its other use
// (eager, after the pause); Tab jumps to it, Tab again accepts it as one undoable edit, the next one
// follows, Esc dismisses. On demand asks only when told; per language; snoozed; a .env file never
// gets one; ghost text and a next edit take turns. A next-edit model (a scripted Zeta-named GGUF)
// rewrites the lines around the cursor: its edit on the line below is shown, jumped to, accepted;
// an edit right at the cursor is ghost text.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { nextEditDocument } from './fixtureScripts';
import { acceptGhostText, pylot, replaceMatch, script, setting, sleep, testModels, waitFor, workspaceFolder } from './helpers';

const tab = () => vscode.commands.executeCommand<string | undefined>('pylot.nextEdit.tab');

suite('Pylot next edits', () => {
  let folder: vscode.WorkspaceFolder;

  suiteSetup(async () => {
    const api = await pylot();
    await api.sidecar.ensureStarted();
    folder = workspaceFolder();
  });

  teardown(async () => {
    await setting('nextEdit.mode', undefined);
    await vscode.workspace.getConfiguration('pylot', { languageId: 'typescript' }).update('nextEdit.mode', undefined, vscode.ConfigurationTarget.Global, true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function open(name: string, text: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.joinPath(folder.uri, 'nextEdit', name);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    return vscode.window.showTextDocument(uri);
  }

  const source = 'function total(items: number[]) {\n  let sum = 0;\n  for (const x of items) sum += x;\n  return sum;\n}\n';

  test('a renamed local: Tab jumps to its other use, Tab accepts (one undo), the next follows, Esc dismisses', async () => {
    const editor = await open('cart.ts', source);
    await replaceMatch(editor, 'sum', 'subtotal');
    assert.equal(await waitFor('the suggestion at the other use', async () => (await tab()) === 'jumped' && 'jumped'), 'jumped');
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [2, 25], 'the cursor is at the other use');
    assert.equal(editor.document.getText(), source.replace('let sum', 'let subtotal'), 'jumping changes nothing');

    assert.equal(await tab(), 'accepted');
    assert.equal(editor.document.lineAt(2).text, '  for (const x of items) subtotal += x;');
    assert.equal(editor.document.lineAt(3).text, '  return sum;', 'one suggestion at a time');

    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), source.replace('let sum', 'let subtotal'), 'one undo takes back exactly the accepted edit');
    await vscode.commands.executeCommand('redo');

    assert.equal(await waitFor('the next suggestion', async () => (await tab()) === 'jumped' && 'jumped'), 'jumped');
    assert.equal(editor.selection.active.line, 3);
    await vscode.commands.executeCommand('pylot.nextEdit.dismiss');
    assert.equal(await tab(), undefined, 'dismissed: Tab does nothing of ours');
    assert.equal(editor.document.lineAt(3).text, '  return sum;');
  });

  test('a next-edit model: its edit on the line below, Tab jumps, Tab accepts (one undo), Esc dismisses', async function () {
    this.timeout(240_000);
    await setting('models.completion', testModels().nextEdit);
    try {
      await (await pylot()).models.ensureLoaded('completion');
      const editor = await open('predict.js', nextEditDocument);
      assert.ok(await editor.edit((builder) => builder.insert(new vscode.Position(0, 13), '0')));
      editor.selection = new vscode.Selection(0, 14, 0, 14);
      assert.equal(await waitFor('the predicted edit', async () => (await tab()) === 'jumped' && 'jumped', 180_000), 'jumped');
      assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [1, 0], 'the cursor is where the edit goes');
      assert.equal(await tab(), 'accepted');
      assert.equal(editor.document.getText(), 'let total = 30;\nreport(total);');
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), 'let total = 30;\nshow(total);', 'one undo takes back exactly the accepted edit');

      editor.selection = new vscode.Selection(0, 14, 0, 14);
      assert.equal(
        await waitFor(
          'the edit asked for again',
          async () => ((await vscode.commands.executeCommand<number>('pylot.nextEdit.suggest')) === 1 ? 1 : false),
          180_000,
        ),
        1,
      );
      await vscode.commands.executeCommand('pylot.nextEdit.dismiss');
      assert.equal(await tab(), undefined, 'dismissed: Tab does nothing of ours');
      assert.equal(editor.document.getText(), 'let total = 30;\nshow(total);');
    } finally {
      await setting('models.completion', undefined);
    }
  });

  test('a next-edit model’s edit right at the cursor is ghost text, accepted with VS Code’s own commands', async function () {
    this.timeout(240_000);
    await setting('models.completion', testModels().nextEditAtCursor);
    try {
      await (await pylot()).models.ensureLoaded('completion');
      const editor = await open('ghost.js', nextEditDocument);
      assert.ok(await editor.edit((builder) => builder.insert(new vscode.Position(0, 13), '0')));
      editor.selection = new vscode.Selection(0, 14, 0, 14);
      // Asked for (eager works too, but re-showing the editor, as acceptGhostText does, dismisses it).
      const asked = async () => ((await vscode.commands.executeCommand<number>('pylot.nextEdit.suggest')) === 1 ? 1 : false);
      assert.equal(await waitFor('the edit at the cursor', asked, 180_000), 1);
      assert.equal(await tab(), undefined, 'not drawn as a decoration');
      await waitFor('the ghost text accepted', async () => {
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await sleep(400);
        await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
        return editor.document.getText().includes('30 * rate');
      });
      assert.equal(editor.document.getText(), 'let total = 30 * rate;\nshow(total);');
    } finally {
      await setting('models.completion', undefined);
    }
  });

  test('on demand: nothing until asked, then the suggestion', async () => {
    await setting('nextEdit.mode', 'onDemand');
    const editor = await open('demand.ts', source);
    await replaceMatch(editor, 'sum', 'acc');
    await sleep(1_500);
    assert.equal(await tab(), undefined, 'no eager suggestion');
    assert.equal(await vscode.commands.executeCommand('pylot.nextEdit.suggest'), 2);
    assert.equal(await tab(), 'jumped');
    assert.equal(await tab(), 'accepted');
    assert.equal(editor.document.lineAt(2).text, '  for (const x of items) acc += x;');
  });

  test('off for one language, still on for another', async () => {
    await vscode.workspace.getConfiguration('pylot', { languageId: 'typescript' }).update('nextEdit.mode', 'off', vscode.ConfigurationTarget.Global, true);
    const typescript = await open('off.ts', source);
    await replaceMatch(typescript, 'sum', 'acc');
    await sleep(1_500);
    assert.equal(await tab(), undefined, 'no eager suggestion in TypeScript');
    assert.equal(await vscode.commands.executeCommand('pylot.nextEdit.suggest'), 0, 'nor on demand');
    const python = await open('on.py', 'def total(items):\n    acc = 0\n    for x in items:\n        acc += x\n    return acc\n');
    await replaceMatch(python, 'acc', 'subtotal');
    assert.equal(await waitFor('the Python suggestion', async () => (await tab()) === 'jumped' && 'jumped'), 'jumped');
    assert.equal(python.selection.active.line, 3);
  });

  test('snoozed: no eager suggestion, until the snooze is lifted', async () => {
    await vscode.commands.executeCommand('pylot.nextEdit.snooze');
    try {
      const editor = await open('snooze.ts', source);
      await replaceMatch(editor, 'sum', 'acc');
      await sleep(1_500);
      assert.equal(await tab(), undefined, 'snoozed');
    } finally {
      await vscode.commands.executeCommand('pylot.nextEdit.snooze');
    }
    const editor = await open('awake.ts', source);
    await replaceMatch(editor, 'sum', 'acc');
    assert.equal(await waitFor('the suggestion once awake', async () => (await tab()) === 'jumped' && 'jumped'), 'jumped');
  });

  test('nothing in a .env file', async () => {
    const text = 'KEY=old\nOTHER=old\nTHIRD=old\n';
    const editor = await open('.env', text);
    await replaceMatch(editor, 'old', 'new');
    await replaceMatch(editor, 'old', 'new');
    await sleep(1_500);
    assert.equal(await tab(), undefined);
    assert.equal(await vscode.commands.executeCommand('pylot.nextEdit.suggest'), 0);
    assert.equal(editor.document.getText(), 'KEY=new\nOTHER=new\nTHIRD=old\n');
  });

  test('one of the two at a time: ghost text, then none while a next edit is shown, then ghost text again', async function () {
    // The first completion in a fresh engine evaluates its whole prompt on one busy core.
    this.timeout(240_000);
    await setting('nextEdit.mode', 'onDemand');
    await setting('models.completion', testModels().scripted);
    try {
      const api = await pylot();
      await api.models.ensureLoaded('completion');
      const text = 'function add(a: number, b: number): number {\n  let sum = a;\n  sum += b;\n  \n}\n';
      const editor = await open('turns.ts', text);
      editor.selection = new vscode.Selection(3, 2, 3, 2);
      // Ghost text works here…
      await acceptGhostText(editor, script, 180_000);
      assert.ok(await editor.edit((builder) => builder.replace(editor.document.lineAt(3).range, '  ')));
      // …but not while a next edit is shown.
      await replaceMatch(editor, 'sum', 'total');
      assert.equal(await vscode.commands.executeCommand('pylot.nextEdit.suggest'), 1);
      editor.selection = new vscode.Selection(3, 2, 3, 2);
      for (let i = 0; i < 3; i++) {
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await sleep(1_000);
        await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      }
      assert.equal(editor.document.lineAt(3).text, '  ', 'no ghost text while the next edit is shown');
      assert.equal(await tab(), 'jumped', 'the next edit is still there');
      await vscode.commands.executeCommand('pylot.nextEdit.dismiss');
      // Dismissed, and the user types on: ghost text is back.
      editor.selection = new vscode.Selection(3, 2, 3, 2);
      // (A new prompt: the scripted model says its whole line again, so type what it does not start with.)
      await vscode.commands.executeCommand('type', { text: ' ' });
      await acceptGhostText(editor, script, 180_000);
      assert.equal(editor.document.lineAt(3).text.trim(), script);
    } finally {
      await setting('models.completion', undefined);
    }
  });
});
