// A rename's other uses through the language's rename provider, in a real VS Code: the built-in
// TypeScript extension (its tsserver, offline) renames a function from its declaration — the
// shadowed local and the property of the same name left alone, the use in a second file renamed —
// and a local whose block-scoped namesake tree-sitter would rename too; Tab jumps, Tab accepts the
// whole rename (one undo in one file; the files on disk after saving). A rename provider that
// throws, hangs, reaches a .env file or a file outside the workspace is not used: tree-sitter's
// suggestion stands (one use at a time). A provider that answers well is used (the control).
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { pylot, replaceMatch, waitFor, workspaceFolder } from './helpers';

const tab = () => vscode.commands.executeCommand<string | undefined>('pylot.nextEdit.tab');
const lines = (...text: string[]) => text.join('\n') + '\n';

suite('Pylot next edits: the rename provider', () => {
  let folder: vscode.WorkspaceFolder;
  const registered: vscode.Disposable[] = [];

  suiteSetup(async () => {
    const api = await pylot();
    await api.sidecar.ensureStarted();
    folder = workspaceFolder();
  });

  teardown(async () => {
    for (const disposable of registered.splice(0)) disposable.dispose();
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const uriOf = (name: string) => vscode.Uri.joinPath(folder.uri, 'renameProvider', name);
  const write = (name: string, text: string) => vscode.workspace.fs.writeFile(uriOf(name), new TextEncoder().encode(text));
  const onDisk = (name: string) => readFile(uriOf(name).fsPath, 'utf8');

  async function open(name: string, text: string): Promise<vscode.TextEditor> {
    await write(name, text);
    return vscode.window.showTextDocument(uriOf(name));
  }

  /** Types `replace` over the `nth` match of `find`, the cursor left after it, as a user's rename. */
  async function change(editor: vscode.TextEditor, find: string, replace: string, nth = 0): Promise<void> {
    const end = await replaceMatch(editor, find, replace, nth);
    editor.selection = new vscode.Selection(end, end);
  }

  /** Waits until the TypeScript extension answers a rename at `find` in `editor` (its server starts on first use), reaching `files`. */
  async function typescriptReady(editor: vscode.TextEditor, find: string, files = 1): Promise<void> {
    const position = editor.document.positionAt(editor.document.getText().indexOf(find));
    await waitFor(
      'the TypeScript rename provider',
      async () => {
        const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>(
          'vscode.executeDocumentRenameProvider',
          editor.document.uri,
          position,
          'probe',
        );
        return (edit?.size ?? 0) >= files;
      },
      180_000,
    );
  }

  const lib = lines(
    'export function price(items: number[]): number {',
    '  return items.length;',
    '}',
    'export const shop = { price: 1 };',
    'export function other(): number {',
    '  const price = 2;',
    '  return price + shop.price;',
    '}',
    'export const cost = price([1]);',
  );
  const main = lines("import { price } from './lib';", 'export const two = price([1, 2]);');

  test('TypeScript: a function renamed at a use — its declaration and the use in another file, not the shadowed local nor the property', async function () {
    this.timeout(300_000);
    await write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true }, include: ['*.ts'] }));
    await write('main.ts', main);
    const editor = await open('lib.ts', lib);
    await typescriptReady(editor, 'price(', 2);
    await change(editor, 'price', 'amount', 5);
    assert.equal(await waitFor('the provider’s rename', async () => (await tab()) === 'jumped' && 'jumped', 60_000), 'jumped');
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [0, 16], 'the cursor is at the declaration');
    assert.equal(await tab(), 'accepted');
    const renamed = lib.replace('function price', 'function amount').replace('cost = price', 'cost = amount');
    assert.equal(editor.document.getText(), renamed, 'the declaration renamed; the shadowed local and shop.price left alone');
    // The other file was not open: the edit opened it in the background; save it as the user would.
    const other = await vscode.workspace.openTextDocument(uriOf('main.ts'));
    assert.equal(other.getText(), main.replaceAll('price', 'amount'), 'the other file renamed too');
    assert.ok(await other.save());
    assert.ok(await editor.document.save());
    assert.equal(await onDisk('lib.ts'), renamed);
    assert.equal(await onDisk('main.ts'), main.replaceAll('price', 'amount'), 'on disk');
  });

  test('TypeScript: a local renamed — its uses, not a block’s namesake; all at once, one undo', async function () {
    this.timeout(300_000);
    const text = lines(
      'export function total(items: number[]): number {',
      '  let sum = 0;',
      '  for (const x of items) sum += x;',
      "  { const sum = 'shadow'; console.log(sum); }",
      '  return sum;',
      '}',
    );
    const editor = await open('local.ts', text);
    await typescriptReady(editor, 'sum =');
    await change(editor, 'sum', 'subtotal', 4);
    const typed = text.replace('return sum', 'return subtotal');
    assert.equal(await waitFor('the provider’s rename', async () => (await tab()) === 'jumped' && 'jumped', 60_000), 'jumped');
    assert.equal(await tab(), 'accepted');
    const renamed = typed.replace('let sum', 'let subtotal').replace('sum += x', 'subtotal += x');
    assert.equal(editor.document.getText(), renamed, 'both uses renamed at once, the block’s own sum left alone');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), typed, 'one undo takes the whole rename back');
  });

  const python = lines('def total(items):', '    acc = 0', '    for x in items:', '        acc += x', '    return acc');
  /** The provider's answer that renames both other uses (and, where told, another file). */
  const bothUses = (document: vscode.TextDocument, newName: string, elsewhere?: vscode.Uri) => {
    const edit = new vscode.WorkspaceEdit();
    for (const line of [1, 3]) {
      const start = document.lineAt(line).firstNonWhitespaceCharacterIndex;
      edit.replace(document.uri, new vscode.Range(line, start, line, start + 3), newName);
    }
    if (elsewhere) edit.insert(elsewhere, new vscode.Position(0, 0), `${newName}\n`);
    return edit;
  };
  const shapes: { name: string; provider: (document: vscode.TextDocument, newName: string) => vscode.ProviderResult<vscode.WorkspaceEdit>; used: boolean }[] = [
    { name: 'good', provider: (document, newName) => bothUses(document, newName), used: true },
    {
      name: 'throws',
      provider: () => {
        throw new Error('the language server crashed');
      },
      used: false,
    },
    { name: 'hangs', provider: () => new Promise<vscode.WorkspaceEdit>(() => undefined), used: false },
    { name: 'rejects', provider: () => Promise.reject(new Error('no symbol here')), used: false },
    { name: 'empty', provider: () => new vscode.WorkspaceEdit(), used: false },
    { name: 'dotenv', provider: (document, newName) => bothUses(document, newName, uriOf('.env')), used: false },
    { name: 'outside', provider: (document, newName) => bothUses(document, newName, vscode.Uri.file('/tmp/pylot-outside-workspace.py')), used: false },
  ];

  for (const shape of shapes) {
    test(`Python, a rename provider that ${shape.name === 'good' ? 'answers well: used' : `${shape.name}: tree-sitter’s suggestion instead`}`, async function () {
      this.timeout(120_000);
      const name = `${shape.name}.py`;
      await write('.env', 'KEY=value\n');
      registered.push(
        vscode.languages.registerRenameProvider(
          { language: 'python', pattern: `**/renameProvider/${name}` },
          { provideRenameEdits: (document, _position, newName) => shape.provider(document, newName) },
        ),
      );
      const editor = await open(name, python);
      await change(editor, 'acc', 'subtotal', 2);
      assert.equal(await waitFor('the suggestion', async () => (await tab()) === 'jumped' && 'jumped', 60_000), 'jumped');
      assert.equal(editor.selection.active.line, 3, 'the nearest use first');
      assert.equal(await tab(), 'accepted');
      const text = editor.document.getText().split('\n');
      assert.equal(text[3], '        subtotal += x');
      assert.equal(text[1], shape.used ? '    subtotal = 0' : '    acc = 0', shape.used ? 'the provider’s whole rename' : 'one use at a time: tree-sitter’s');
      assert.equal(await onDisk('.env'), 'KEY=value\n', 'the .env file is never touched');
    });
  }
});
