// The refactor commands in the real extension host. The chat model is either a scripted GGUF on
// the real node-llama-cpp engine (its JSON goes through the grammar made from the command's
// schema), or a scripted OpenAI-compatible server the sidecar's real server engine talks to, which
// lets a test say anything (invalid answers, slow answers) and see what the model was asked.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { PendingNames } from '../../../extension/refactor/renameCommand';
import type { Outcome } from '../../../extension/refactor/run';
import { nextReview, pylot, setting, testModels, undo, useFakeChatModel, waitFor } from './helpers';

const profile = 'refactor-fake';

/** The part of vscode.git's exports used here. */
interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): { repositories: Array<{ rootUri: vscode.Uri; inputBox: { value: string } }> };
}

suite('Pylot refactor commands', () => {
  const chat = useFakeChatModel(profile);
  let root: vscode.Uri;

  suiteSetup(() => {
    root = vscode.workspace.workspaceFolders![0]!.uri;
  });

  test('Document: a JSDoc comment, previewed, applied as one edit that undo takes back', async () => {
    const source = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
    const editor = await openFile('src/document.ts', source);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    chat.fake.answer({ doc: 'Adds two numbers.\n@param a the first\n@param b the second\n@returns their sum' });
    const review = nextReview();
    const outcome = run('pylot.document');
    const pending = await review;
    assert.equal(pending.hunks.length, 1);
    assert.ok(previewOpen(), 'the review editor is open while the user decides');
    assert.equal(editor.document.getText(), source, 'nothing changes before the user accepts');
    pending.accept();
    assert.equal((await outcome).kind, 'applied');
    assert.equal(editor.document.getText(), `/**\n * Adds two numbers.\n * @param a the first\n * @param b the second\n * @returns their sum\n */\n${source}`);
    assert.ok(!previewOpen(), 'the preview closes once decided');

    const asked = chat.fake.requests[0]!;
    assert.equal(asked.response_format?.type, 'json_schema', "the answer is constrained to the command's schema");
    assert.match(asked.messages.at(-1)!.content, /JSDoc/);
    assert.match(asked.messages.at(-1)!.content, /return a \+ b;/);

    await undo(editor);
    assert.equal(editor.document.getText(), source);
  });

  test("Document: the project's rules files go into the command's system prompt (the nearest AGENTS.md, the rule whose glob matches)", async () => {
    const rulesDir = vscode.Uri.joinPath(root, '.pylot/rules');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'src/AGENTS.md'), Buffer.from('Comments in British English.'));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(rulesDir, 'ts.md'), Buffer.from('---\nglobs: "*.ts"\n---\nMention units in every doc comment.'));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(rulesDir, 'py.md'), Buffer.from('---\nglobs: "*.py"\n---\nPython only.'));
    try {
      const source = 'export function metres(feet: number): number {\n  return feet * 0.3048;\n}\n';
      const editor = await openFile('src/units.ts', source);
      editor.selection = new vscode.Selection(0, 0, 2, 1);
      chat.fake.answer({ doc: 'Converts feet to metres.' });
      const review = nextReview();
      const outcome = run('pylot.document');
      (await review).reject();
      await outcome;
      const system = chat.fake.requests[0]!.messages[0]!;
      assert.equal(system.role, 'system');
      assert.match(system.content, /From src\/AGENTS\.md:\nComments in British English\./);
      assert.match(system.content, /From \.pylot\/rules\/ts\.md:\nMention units in every doc comment\./);
      assert.doesNotMatch(system.content, /Python only/);
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, 'src/AGENTS.md'));
      await vscode.workspace.fs.delete(rulesDir, { recursive: true });
    }
  });

  test('Document: a Python docstring goes inside the function at the cursor, replacing the old one', async () => {
    const source = 'import math\n\n\ndef area(r):\n    """Old text."""\n    return math.pi * r * r\n\n\nprint(area(2))\n';
    const editor = await openFile('src/shapes.py', source);
    editor.selection = new vscode.Selection(3, 4, 3, 4);
    chat.fake.answer({ doc: 'Return the area of a circle.\n\nArgs:\n    r: its radius.' });
    const review = nextReview();
    const outcome = run('pylot.document');
    (await review).accept();
    assert.equal((await outcome).kind, 'applied');
    assert.equal(
      editor.document.getText(),
      source.replace('    """Old text."""\n', '    """Return the area of a circle.\n\n    Args:\n        r: its radius.\n    """\n'),
    );
    assert.match(chat.fake.requests[0]!.messages.at(-1)!.content, /PEP 257 docstring/);
  });

  test('Refactor: accept part — only the kept hunk is applied', async () => {
    const source = 'let first = 1;\nkeep();\nlet second = 2;\n';
    const editor = await openFile('src/partial.ts', source);
    editor.selection = new vscode.Selection(0, 0, 2, 15);
    chat.fake.answer({ code: 'const first = 1;\nkeep();\nconst second = 2;' });
    const review = nextReview();
    const outcome = run('pylot.refactor', 'use const');
    const pending = await review;
    assert.equal(pending.hunks.length, 2);
    pending.accept([1]);
    assert.equal((await outcome).kind, 'applied');
    assert.equal(editor.document.getText(), 'let first = 1;\nkeep();\nconst second = 2;\n');
    assert.match(chat.fake.requests[0]!.messages.at(-1)!.content, /use const/);
  });

  test("the model sees the file's imports and where the names the code uses are defined", async () => {
    await writeFile('src/lib.ts', 'export function scale(n: number, by: number): number {\n  return n * by;\n}\n');
    const source = "import { scale } from './lib';\n\nexport function triple(n: number): number {\n  return scale(n, 3);\n}\n";
    const editor = await openFile('src/uses.ts', source);
    await waitForLanguageServer(editor.document);
    editor.selection = new vscode.Selection(2, 0, 4, 1);
    chat.fake.answer({ code: 'export function triple(n: number): number {\n  return scale(n, 3);\n}' });
    const outcome = await run('pylot.refactor', 'nothing to change');
    assert.deepEqual(outcome, { kind: 'done', detail: 'no change proposed' });
    const asked = chat.fake.requests[0]!.messages.at(-1)!.content;
    assert.match(asked, /The file's imports:\n```typescript\nimport \{ scale \} from '.\/lib';/);
    assert.match(asked, /Definitions of names it uses:\nsrc\/lib\.ts:1: export function scale\(n: number, by: number\): number \{/);
    assert.equal(editor.document.getText(), source);
  });

  test('Refactor: rejecting the preview leaves the file alone', async () => {
    const source = 'let value = 1;\n';
    const editor = await openFile('src/reject.ts', source);
    editor.selection = new vscode.Selection(0, 0, 0, 14);
    chat.fake.answer({ code: 'const value = 1;' });
    const review = nextReview();
    const outcome = run('pylot.refactor', 'use const');
    (await review).reject();
    assert.equal((await outcome).kind, 'rejected');
    assert.equal(editor.document.getText(), source);
  });

  test('Fix: sends the diagnostics at the cursor, and is offered as a quick fix', async () => {
    const source = 'const total: number = "4";\n';
    const editor = await openFile('src/fix.ts', source);
    const diagnostics = vscode.languages.createDiagnosticCollection('pylot-test');
    try {
      diagnostics.set(editor.document.uri, [
        new vscode.Diagnostic(new vscode.Range(0, 22, 0, 25), "Type 'string' is not assignable to type 'number'.", vscode.DiagnosticSeverity.Error),
      ]);
      editor.selection = new vscode.Selection(0, 23, 0, 23);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        editor.document.uri,
        new vscode.Range(0, 23, 0, 23),
      );
      const quickFix = actions.find((action) => action.title === 'Fix with Pylot');
      assert.equal(quickFix?.command?.command, 'pylot.fix', 'offered in the lightbulb');

      // Run as the lightbulb runs it, after the cursor moved on: the fix is for where it was offered.
      editor.selection = new vscode.Selection(1, 0, 1, 0);
      chat.fake.answer({ code: 'const total: number = 4;' });
      const review = nextReview();
      const outcome = run('pylot.fix', ...(quickFix.command.arguments ?? []));
      (await review).accept();
      assert.equal((await outcome).kind, 'applied');
      assert.equal(editor.document.getText(), 'const total: number = 4;\n');
      assert.match(chat.fake.requests[0]!.messages.at(-1)!.content, /line 1: error: Type 'string' is not assignable/);
    } finally {
      diagnostics.dispose();
    }
  });

  test('Fix: with no problem at the cursor it says so and asks nothing', async () => {
    const editor = await openFile('src/clean.ts', 'const fine = 1;\n');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const outcome = await run('pylot.fix');
    assert.equal(outcome.kind, 'refused');
    assert.match(outcome.detail!, /no problem at the cursor/);
    assert.equal(chat.fake.requests.length, 0);
  });

  test('an invalid answer is asked again once, then reported', async () => {
    const source = 'let retry = 1;\n';
    const editor = await openFile('src/retry.ts', source);
    editor.selection = new vscode.Selection(0, 0, 0, 14);
    // Invalid, then valid: the second try is applied.
    chat.fake.answer({ code: '   ' });
    chat.fake.answer({ code: 'const retry = 1;' });
    const review = nextReview();
    const outcome = run('pylot.refactor', 'use const');
    (await review).accept();
    assert.equal((await outcome).kind, 'applied');
    assert.equal(chat.fake.requests.length, 2);
    assert.match(chat.fake.requests[1]!.messages.at(-1)!.content, /not valid \(code: the code is empty\)/);

    // Invalid twice (once not JSON at all): reported, nothing applied, no third try.
    chat.fake.reset();
    chat.fake.answer('this is not JSON');
    chat.fake.answer({ code: '' });
    const failed = await run('pylot.refactor', 'use let');
    assert.equal(failed.kind, 'failed', failed.detail);
    assert.match(failed.detail!, /invalid answer twice/);
    assert.equal(chat.fake.requests.length, 2);
    assert.equal(editor.document.getText(), 'const retry = 1;\n');
  });

  test('a document edited while the model works is never clobbered', async () => {
    const source = 'let edited = 1;\n';
    const editor = await openFile('src/edited.ts', source);
    editor.selection = new vscode.Selection(0, 0, 0, 15);
    let release!: () => void;
    chat.fake.answer({ code: 'const edited = 1;' }, new Promise<void>((resolve) => (release = resolve)));
    let reviewed = false;
    const listening = (await pylot()).refactor.onDidShowReview((pending) => {
      reviewed = true;
      pending.accept();
    });
    try {
      const outcome = run('pylot.refactor', 'use const');
      await chat.fake.requested(1);
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '// mine\n'));
      release();
      const result = await outcome;
      assert.equal(result.kind, 'refused');
      assert.match(result.detail!, /changed while Pylot was working/);
      assert.equal(reviewed, false, 'no preview of a stale change');
      assert.equal(editor.document.getText(), `// mine\n${source}`);
    } finally {
      listening.dispose();
    }
  });

  test('an edit made while the preview is open is not clobbered either', async () => {
    const source = 'let during = 1;\n';
    const editor = await openFile('src/during.ts', source);
    editor.selection = new vscode.Selection(0, 0, 0, 15);
    chat.fake.answer({ code: 'const during = 1;' });
    const review = nextReview();
    const outcome = run('pylot.refactor', 'use const');
    const pending = await review;
    // The review editor has the file's place; the file changes behind it (another tool, a save from disk).
    const edit = new vscode.WorkspaceEdit();
    edit.insert(editor.document.uri, new vscode.Position(1, 0), 'more();\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    pending.accept();
    const result = await outcome;
    assert.equal(result.kind, 'refused', result.detail);
    assert.equal(editor.document.getText(), `${source}more();\n`);
  });

  test('Cancel aborts the request to the model', async () => {
    const editor = await openFile('src/cancel.ts', 'let slow = 1;\n');
    editor.selection = new vscode.Selection(0, 0, 0, 13);
    let release!: () => void;
    chat.fake.answer({ code: 'const slow = 1;' }, new Promise<void>((resolve) => (release = resolve)));
    const outcome = run('pylot.refactor', 'use const');
    await chat.fake.requested(1);
    (await pylot()).refactor.cancelRunning();
    assert.equal((await outcome).kind, 'cancelled');
    await waitFor('the sidecar to hang up on the server', () => chat.fake.abandoned > 0, 10_000);
    release();
    assert.equal(editor.document.getText(), 'let slow = 1;\n');
  });

  test("Generate Tests: a new test file beside the project's tests, in their style", async () => {
    await writeFile(
      'test/unit/existing.test.ts',
      "import { describe, it } from 'node:test';\nimport assert from 'node:assert/strict';\n\ndescribe('x', () => it('works', () => assert.ok(true)));\n",
    );
    const editor = await openFile('src/calc.ts', 'export function twice(n: number): number {\n  return n * 2;\n}\n');
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    const testCode =
      "import { it } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { twice } from '../../src/calc';\n\nit('doubles', () => assert.equal(twice(2), 4));\n";
    chat.fake.answer({ code: testCode });
    const review = nextReview();
    const outcome = run('pylot.generateTests');
    const pending = await review;
    assert.equal(pending.proposal.uri.path, vscode.Uri.joinPath(root, 'test/unit/calc.test.ts').path);
    pending.accept();
    assert.equal((await outcome).kind, 'applied');
    const written = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'test/unit/calc.test.ts')));
    assert.equal(written, testCode);
    const asked = chat.fake.requests[0]!.messages.at(-1)!.content;
    assert.match(asked, /use node:test/);
    assert.match(asked, /test\/unit\/existing\.test\.ts/);

    // Again, now that the test file exists: the model sees it and its new version is a diff of it.
    chat.fake.reset();
    await vscode.window.showTextDocument(editor.document);
    const more = `${testCode}it('doubles zero', () => assert.equal(twice(0), 0));\n`;
    chat.fake.answer({ code: more });
    const second = nextReview();
    const outcome2 = run('pylot.generateTests');
    const pending2 = await second;
    assert.deepEqual(
      pending2.hunks.map((hunk) => hunk.newLines),
      [["it('doubles zero', () => assert.equal(twice(0), 0));"]],
    );
    pending2.accept();
    assert.equal((await outcome2).kind, 'applied');
    const updated = vscode.workspace.textDocuments.find((doc) => doc.uri.path.endsWith('test/unit/calc.test.ts'));
    assert.equal(updated?.getText(), more);
    assert.match(chat.fake.requests[0]!.messages.at(-1)!.content, /as it is now; keep its tests and add yours/);
  });

  test('Explain: sent to the chat panel when there is one', async () => {
    const editor = await openFile('src/explain.ts', 'export const answer = 42;\n');
    editor.selection = new vscode.Selection(0, 0, 0, 25);
    if ((await vscode.commands.getCommands(true)).includes('pylot.openChat')) {
      // The real chat panel is installed: what it does with the prompt is its own tests' business.
      assert.deepEqual(await run('pylot.explain'), { kind: 'done', detail: 'sent to the chat panel' });
      return;
    }
    let received: { prompt: string; attachments: Array<{ label: string; text: string }>; send: boolean } | undefined;
    const stub = vscode.commands.registerCommand('pylot.openChat', (args: typeof received) => (received = args));
    try {
      const outcome = await run('pylot.explain');
      assert.equal(outcome.kind, 'done');
      assert.ok(received, 'pylot.openChat was called');
      assert.match(received.prompt, /Explain this TypeScript code/);
      assert.equal(received.attachments[0]!.text, 'export const answer = 42;');
      assert.equal(received.send, true);
      assert.equal(chat.fake.requests.length, 0, 'the chat panel asks the model, not the command');
    } finally {
      stub.dispose();
    }
  });

  test('Run Prompt: a workspace prompt file, and a built-in copied to the workspace', async () => {
    await writeFile(
      '.pylot/prompts/shout.md',
      '---\nname: Shout\ndescription: Upper-case the names\nselection: required\n---\nRename every variable in this {{language}} code to upper case.\n',
    );
    const editor = await openFile('src/prompted.ts', 'let quiet = 1;\n');
    editor.selection = new vscode.Selection(0, 0, 0, 14);
    chat.fake.answer({ code: 'let QUIET = 1;' });
    const review = nextReview();
    const outcome = run('pylot.runPrompt', 'shout');
    (await review).accept();
    assert.equal((await outcome).kind, 'applied');
    assert.equal(editor.document.getText(), 'let QUIET = 1;\n');
    assert.match(chat.fake.requests[0]!.messages.at(-1)!.content, /Rename every variable in this TypeScript code to upper case/);

    // selection: required, and nothing selected: refused before asking. (The review gave the file's
    // editor back as a new TextEditor.)
    vscode.window.activeTextEditor!.selection = new vscode.Selection(0, 0, 0, 0);
    const refused = await run('pylot.runPrompt', 'shout');
    assert.equal(refused.kind, 'refused');
    assert.equal(chat.fake.requests.length, 1);

    const copied = await run('pylot.copyBuiltInPrompt', 'simplify');
    assert.equal(copied.kind, 'done');
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, '.pylot/prompts/simplify.md')));
    assert.match(text, /^---\nname: Simplify\n/);
  });

  test("a workspace copy of a command's built-in prompt changes what that command asks", async () => {
    const override = await writeFile('.pylot/prompts/refactor.md', '---\nname: Refactor\n---\nFollow the house style. Change: {{instruction}}\n');
    try {
      const editor = await openFile('src/house.ts', 'let house = 1;\n');
      editor.selection = new vscode.Selection(0, 0, 0, 14);
      chat.fake.answer({ code: 'let house = 1;' });
      const outcome = await run('pylot.refactor', 'use const');
      assert.equal(outcome.kind, 'done');
      assert.match(chat.fake.requests[0]!.messages.at(-1)!.content, /^Follow the house style\. Change: use const/);
    } finally {
      await vscode.workspace.fs.delete(override);
    }
  });

  test('with no chat model it says so instead of failing obscurely', async () => {
    await setting('models.chat', undefined);
    try {
      const editor = await openFile('src/nomodel.ts', 'let x = 1;\n');
      editor.selection = new vscode.Selection(0, 0, 0, 10);
      const outcome = await run('pylot.refactor', 'use const');
      assert.equal(outcome.kind, 'failed');
      assert.match(outcome.detail!, /needs a chat model/);
    } finally {
      await useFakeModel();
    }
  });

  test('Write Commit Message: fills the Source Control input box from the staged diff', async () => {
    // The test profile turns Git off; on for this test only, then back as it was.
    const before = vscode.workspace.getConfiguration('git').inspect<boolean>('enabled')?.globalValue;
    await vscode.workspace.getConfiguration('git').update('enabled', true, vscode.ConfigurationTarget.Global);
    try {
      const repo = vscode.Uri.joinPath(root, 'repo');
      await writeFile('repo/notes.txt', 'first line\n');
      const git = (...args: string[]) => execFileSync('git', ['-C', repo.fsPath, ...args], { encoding: 'utf8' });
      git('init', '-q');
      git('add', 'notes.txt');
      const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
      assert.ok(extension, "VS Code's Git extension is built in");
      const exports = extension.isActive ? extension.exports : await extension.activate();
      await waitFor('Git to be enabled', () => exports.enabled, 30_000);
      await vscode.commands.executeCommand('git.openRepository', repo.fsPath);
      const repository = await waitFor('the repository', () => exports.getAPI(1).repositories.find((r) => r.rootUri.fsPath === repo.fsPath), 30_000);

      chat.fake.answer({ subject: 'Add release notes', body: 'Start a notes file for the next release.' });
      const outcome = await run('pylot.commitMessage', { rootUri: repository.rootUri });
      assert.equal(outcome.kind, 'done', outcome.detail);
      assert.equal(repository.inputBox.value, 'Add release notes\n\nStart a notes file for the next release.');
      assert.match(chat.fake.requests[0]!.messages.at(-1)!.content, /\+first line/);
    } finally {
      await vscode.workspace.getConfiguration('git').update('enabled', before, vscode.ConfigurationTarget.Global);
    }
  });

  suite('on the real node-llama-cpp engine, grammar-constrained', () => {
    const source = 'function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport const three = add(1, 2);\n';

    suiteTeardown(() => useFakeModel());

    test('Suggest Rename: the picked name renames every reference, undoably', async () => {
      await setting('models.chat', testModels().renameNames);
      const editor = await openFile('src/rename.ts', source);
      await waitForLanguageServer(editor.document);
      editor.selection = new vscode.Selection(0, 10, 0, 10);
      const names = nextNames();
      const outcome = run('pylot.suggestRename');
      const pending = await names;
      assert.deepEqual(pending.names, ['sumOf', 'addNumbers']);
      pending.pick('sumOf');
      const result = await outcome;
      assert.equal(result.kind, 'applied', result.detail);
      assert.equal(editor.document.getText(), source.replaceAll('add(', 'sumOf('));
      await undo(editor);
      assert.equal(editor.document.getText(), source);
    });

    test('Suggest Rename: names that are not identifiers are retried once, then reported', async () => {
      await setting('models.chat', testModels().renameBadNames);
      const editor = await openFile('src/rename2.ts', source);
      await waitForLanguageServer(editor.document);
      editor.selection = new vscode.Selection(0, 10, 0, 10);
      let shown = false;
      const listening = (await pylot()).refactor.onDidShowNames((pending) => {
        shown = true;
        pending.pick(undefined);
      });
      try {
        const result = await run('pylot.suggestRename');
        assert.equal(result.kind, 'failed');
        assert.match(result.detail!, /invalid answer twice \(names\.0: each name must be one identifier/);
        assert.equal(shown, false);
        assert.equal(editor.document.getText(), source);
      } finally {
        listening.dispose();
      }
    });
  });

  async function useFakeModel(): Promise<void> {
    await setting('models.chat', `server:${profile}`);
  }

  async function writeFile(path: string, text: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.joinPath(root, path);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    return uri;
  }

  async function openFile(path: string, text: string): Promise<vscode.TextEditor> {
    return vscode.window.showTextDocument(await writeFile(path, text));
  }
});

function run(command: string, ...args: unknown[]): Promise<Outcome> {
  return Promise.resolve(vscode.commands.executeCommand<Outcome>(command, ...args));
}

async function nextNames(): Promise<PendingNames> {
  const api = await pylot();
  return new Promise((resolve) => {
    const listening = api.refactor.onDidShowNames((pending) => {
      listening.dispose();
      resolve(pending);
    });
  });
}

function previewOpen(): boolean {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .some((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.scheme === 'pylot-proposed');
}

/** TypeScript's server starts lazily; renames need it. */
async function waitForLanguageServer(document: vscode.TextDocument): Promise<void> {
  await waitFor(
    "TypeScript's document symbols",
    async () => {
      const symbols = await vscode.commands.executeCommand<unknown[] | undefined>('vscode.executeDocumentSymbolProvider', document.uri);
      return (symbols?.length ?? 0) > 0;
    },
    90_000,
  );
}
