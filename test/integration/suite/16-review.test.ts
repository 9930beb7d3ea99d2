// The one review flow, in the real extension host, for each source of a proposed change: a refactor
// command, chat's Apply to file, an agent edit (in its card by default, or with pylot.agent.reviewEdits in the editor; Stop closes it) and inline edit (on a server chat model — a scripted OpenAI-compatible
// server — and on a local scripted GGUF through the real node-llama-cpp engine). Each time: the review
// editor shows old and new lines, the real commands accept one hunk and reject another, the file holds
// exactly the kept hunk, one undo restores it, and a file edited meanwhile is refused.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AgentEventParams } from '../../../protocol/agent';
import type { AgentUi, ApprovalDecision } from '../../../extension/agent/ui';
import type { PendingReview } from '../../../extension/review/reviewSession';
import { startScriptedChatServer, type ScriptedChatServer } from './scriptedChatServer';
import { nextReview, pylot, setting, testModels, undo, useFakeChatModel, waitFor } from './helpers';

const profile = 'review-fake';
const source = 'let first = 1;\nkeep();\nlet second = 2;\n';
const proposed = 'const first = 1;\nkeep();\nconst second = 2;';
/** The review editor while both hunks are pending: each old line above its new line. */
const pendingView = 'let first = 1;\nconst first = 1;\nkeep();\nlet second = 2;\nconst second = 2;\n';
/** The first hunk rejected, the second accepted. */
const keptSecond = 'let first = 1;\nkeep();\nconst second = 2;\n';

suite('Pylot review flow', () => {
  const chat = useFakeChatModel(profile);
  let root: vscode.Uri;
  let files = 0;

  suiteSetup(() => {
    root = vscode.workspace.workspaceFolders![0]!.uri;
  });

  /** Opens `source`, selects its lines and runs Refactor… with the fake model proposing `proposed`: the editor, the review shown, and the command's outcome. */
  async function refactorUnderReview() {
    const editor = await openFile(source);
    editor.selection = new vscode.Selection(0, 0, 2, 15);
    chat.fake.answer({ code: proposed });
    const shown = nextReview();
    const outcome = vscode.commands.executeCommand<{ kind: string; detail?: string } | undefined>('pylot.refactor', 'use const');
    return { editor, review: await shown, outcome };
  }

  test('refactor: the review shows old and new lines with Accept / Reject lenses; reject one, accept the other; one undo', async () => {
    const { editor, review, outcome } = await refactorUnderReview();
    const view = await reviewEditor(review, pendingView);
    assert.equal(editor.document.getText(), source, 'nothing changes before the user decides');
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', review.viewUri)) ?? [];
    assert.deepEqual(
      lenses.map((lens) => [lens.range.start.line, lens.command?.title]),
      [
        [0, '$(check) Accept'],
        [0, '$(close) Reject'],
        [0, 'Accept all 2'],
        [0, 'Reject all'],
        [3, '$(check) Accept'],
        [3, '$(close) Reject'],
      ],
    );
    await decideWithKeys(view);
    assert.equal((await outcome)?.kind, 'applied');
    await expectKeptSecondThenUndo(editor);
    assert.doesNotMatch(chat.fake.requests[0]!.messages.at(-1)!.content, /the review/);
  });

  test('refactor: a file edited while under review is refused, the edit kept and nothing applied', async () => {
    const { editor, review, outcome } = await refactorUnderReview();
    await reviewEditor(review, pendingView);
    await editElsewhere(editor.document);
    const ended = await outcome;
    assert.equal(ended?.kind, 'refused');
    assert.match(ended?.detail ?? '', /changed while .* under review, so nothing was applied/);
    assert.equal(editor.document.getText(), `// mine\n${source}`);
    assert.ok(!reviewTabOpen(review), 'the review editor closed');
  });

  test("chat's Apply to file: the code block as a review of the whole file; reject one hunk, accept the other; one undo", async () => {
    const editor = await openFile(source);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const api = await pylot();
    const shown = nextReview();
    const applied = api.chat.applyCode(`${proposed}\n`);
    const review = await shown;
    const view = await reviewEditor(review, pendingView);
    await decideWithKeys(view);
    assert.equal(await applied, true);
    await expectKeptSecondThenUndo(editor);
  });

  test('closing the review editor rejects the change: nothing written, the command ends', async () => {
    const { editor, review, outcome } = await refactorUnderReview();
    await reviewEditor(review, pendingView);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.equal((await outcome)?.kind, 'rejected');
    assert.equal(editor.document.getText(), source);
  });

  test("chat's Apply to file: refused when the file changes under review", async () => {
    const editor = await openFile(source);
    const api = await pylot();
    const shown = nextReview();
    const applied = api.chat.applyCode(`${proposed}\n`);
    const review = await shown;
    await reviewEditor(review, pendingView);
    await editElsewhere(editor.document);
    assert.equal(await applied, false);
    assert.equal((await review.result).kind, 'stale');
    assert.equal(editor.document.getText(), `// mine\n${source}`);
  });

  test('inline edit on a server model: plain text (no grammar), only the region and a few lines around it, streamed into the review', async () => {
    const above = Array.from({ length: 40 }, (_, i) => `above${i}();`).join('\n');
    const below = Array.from({ length: 40 }, (_, i) => `below${i}();`).join('\n');
    const editor = await openFile(`${above}\n${source}${below}\n`);
    editor.selection = new vscode.Selection(40, 0, 42, 15);
    chat.fake.answer(`\`\`\`ts\n${proposed}\n\`\`\`\n`);
    const shown = nextReview();
    const result = vscode.commands.executeCommand<{ kind: string }>('pylot.inlineEdit', 'use const');
    const review = await shown;
    const view = await reviewEditor(review, `${above}\n${pendingView}${below}\n`);
    assert.equal(view.selection.active.line, 40, 'the cursor starts on the first hunk');
    await decideWithKeys(view);
    assert.equal((await result)?.kind, 'applied');
    assert.equal(editor.document.getText(), `${above}\n${keptSecond}${below}\n`);
    await undo(editor);
    assert.equal(editor.document.getText(), `${above}\n${source}${below}\n`);

    const asked = chat.fake.requests[0]!;
    assert.equal(asked.response_format, undefined, 'no grammar: plain text');
    const prompt = asked.messages.map((m) => m.content).join('\n');
    assert.match(prompt, /<region>\nlet first = 1;\nkeep\(\);\nlet second = 2;\n<\/region>/);
    assert.match(prompt, /above39\(\);/, 'the lines just above');
    assert.match(prompt, /below0\(\);/, 'the lines just below');
    assert.doesNotMatch(prompt, /above0\(\);|above20\(\);|below20\(\);|below39\(\);/, 'not the whole file');
  });

  test('inline edit: the file edited while the answer streams in is refused', async () => {
    const editor = await openFile(source);
    editor.selection = new vscode.Selection(0, 0, 2, 15);
    let release!: () => void;
    chat.fake.answer(proposed, new Promise<void>((resolve) => (release = resolve)));
    const shown = nextReview();
    const result = vscode.commands.executeCommand<{ kind: string }>('pylot.inlineEdit', 'use const');
    const review = await shown;
    await chat.fake.requested(1);
    await editElsewhere(editor.document);
    release();
    assert.equal((await result)?.kind, 'stale');
    assert.equal(editor.document.getText(), `// mine\n${source}`);
    assert.ok(!reviewTabOpen(review), 'the review editor closed');
  });

  test('inline edit on a local GGUF chat model (node-llama-cpp): the line at the cursor, re-indented; Accept all', async () => {
    await setting('models.chat', testModels().scripted);
    try {
      const text = 'function f(a: number, b: number) {\n  return a - b;\n}\n';
      const editor = await openFile(text);
      editor.selection = new vscode.Selection(1, 4, 1, 4);
      const shown = nextReview();
      const result = vscode.commands.executeCommand<{ kind: string }>('pylot.inlineEdit', 'add them');
      const review = await shown;
      const view = await reviewEditor(review, 'function f(a: number, b: number) {\n  return a - b;\n  return a + b;\n}\n');
      await vscode.commands.executeCommand('pylot.review.acceptAll');
      assert.equal((await result)?.kind, 'applied');
      assert.equal(editor.document.getText(), text.replace('a - b', 'a + b'));
      assert.ok(view.document.isClosed || !reviewTabOpen(review));
    } finally {
      await setting('models.chat', `server:${profile}`);
    }
  });

  async function openFile(text: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.joinPath(root, `src/review-${++files}.ts`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    return vscode.window.showTextDocument(uri);
  }
});

/** The review editor, once it shows `text` (a streamed proposal arrives over time) and has finished streaming. */
async function reviewEditor(review: PendingReview, text: string): Promise<vscode.TextEditor> {
  return waitFor(
    `the review editor showing ${JSON.stringify(text)}`,
    () => {
      const editor = vscode.window.activeTextEditor;
      return editor?.document.uri.toString() === review.viewUri.toString() && editor.document.getText() === text && !review.streaming && editor;
    },
    60_000,
  );
}

/** The keyboard's commands: reject the hunk at the cursor (the first), go to the next, accept it. */
async function decideWithKeys(view: vscode.TextEditor): Promise<void> {
  const first = view.selection.active.line;
  await vscode.commands.executeCommand('pylot.review.rejectHunk');
  await waitFor('the first hunk rejected', () => !view.document.getText().includes('const first'));
  await vscode.commands.executeCommand('pylot.review.nextHunk');
  assert.equal(view.selection.active.line, first + 2, 'the cursor on the second hunk');
  await vscode.commands.executeCommand('pylot.review.acceptHunk');
}

async function expectKeptSecondThenUndo(editor: vscode.TextEditor): Promise<void> {
  assert.equal(editor.document.getText(), keptSecond);
  await undo(editor);
  assert.equal(editor.document.getText(), source, 'one undo takes the whole review back');
}

/** The user (or another tool) edits the file under review. */
async function editElsewhere(document: vscode.TextDocument): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, new vscode.Position(0, 0), '// mine\n');
  assert.ok(await vscode.workspace.applyEdit(edit));
}

function reviewTabOpen(review: PendingReview): boolean {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .some((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === review.viewUri.toString());
}

suite('Pylot review flow: agent edits (pylot.agent.reviewEdits)', () => {
  let server: ScriptedChatServer;
  let file: vscode.Uri;
  const edit = JSON.stringify({ tool: 'edit_file', args: { path: 'agent-review.ts', oldText: source.trimEnd(), newText: proposed } });
  const done = JSON.stringify({ answer: 'done' });

  suiteSetup(async () => {
    server = await startScriptedChatServer();
    await setting('servers', [{ name: 'review-agent', api: 'openai-compatible', baseUrl: server.url, model: 'scripted-agent', retries: 0 }]);
    await setting('models.chat', 'server:review-agent');
    await setting('agent.reviewEdits', true);
    file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'agent-review.ts');
  });

  setup(async () => {
    server.clear(); // a stopped turn leaves its answer unasked
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(source));
    await waitFor('VS Code to see the reset file', () => {
      const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === file.toString());
      return !open || (open.getText() === source && !open.isDirty);
    });
  });

  suiteTeardown(async () => {
    for (const key of ['models.chat', 'servers', 'agent.reviewEdits']) await setting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  /** Asks the agent to use const in the file; it proposes the edit, which an allowing UI lets through to its review: the UI, the turn, the review shown. */
  async function agentEditUnderReview(signal?: AbortSignal) {
    const api = await pylot();
    server.reply(edit, done);
    const ui = new AllowingUi();
    const shown = nextReview();
    const turn = api.agent.runAgentTurn({ task: 'use const in agent-review.ts' }, ui, signal);
    return { ui, turn, review: await shown };
  }

  test('allowed, the edit is reviewed per hunk: reject one, accept the other; saved; the model hears what was kept; one undo', async () => {
    const { ui, turn, review } = await agentEditUnderReview();
    const view = await reviewEditor(review, pendingView);
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)), source, 'nothing written while reviewing');
    await decideWithKeys(view);
    assert.equal((await turn).outcome, 'answered');
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)), keptSecond, 'the kept hunk, saved');
    const [result] = ui.results;
    assert.equal(result?.status, 'ok');
    assert.match(result?.output ?? '', /kept 1 of the edit's 2 changes and rejected the others/);
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), source);
  });

  test("the agent's Stop closes an open review: the rest rejected, nothing written, the file on disk unchanged", async () => {
    const stop = new AbortController();
    const { turn, review } = await agentEditUnderReview(stop.signal);
    const view = await reviewEditor(review, pendingView);
    // One hunk decided, one still open when the user stops the agent.
    await vscode.commands.executeCommand('pylot.review.acceptHunk');
    await waitFor('the first hunk accepted', () => !view.document.getText().includes('let first'));
    stop.abort();
    assert.equal((await turn).outcome, 'cancelled');
    assert.deepEqual(await review.result, { kind: 'cancelled' });
    await waitFor('the review editor closed', () => !reviewTabOpen(review));
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)), source, 'the file on disk is unchanged');
    const document = await vscode.workspace.openTextDocument(file);
    assert.equal(document.getText(), source);
    assert.equal(document.isDirty, false, 'nothing waits unsaved in the editor either');
  });

  test('the file edited while the agent edit is reviewed: nothing written, and the model is told', async () => {
    const { ui, turn, review } = await agentEditUnderReview();
    await reviewEditor(review, pendingView);
    const document = await vscode.workspace.openTextDocument(file);
    await editElsewhere(document);
    await turn;
    assert.equal(document.getText(), `// mine\n${source}`);
    assert.equal(ui.results[0]?.status, 'error');
    assert.match(ui.results[0]?.output ?? '', /changed while the user reviewed the edit; nothing was written/);
  });
});

suite('Pylot review flow: agent edits reviewed in the card (the default)', () => {
  let server: ScriptedChatServer;
  let file: vscode.Uri;
  const edit = JSON.stringify({ tool: 'edit_file', args: { path: 'agent-card.ts', oldText: source.trimEnd(), newText: proposed } });

  suiteSetup(async () => {
    server = await startScriptedChatServer();
    await setting('servers', [{ name: 'card-agent', api: 'openai-compatible', baseUrl: server.url, model: 'scripted-agent', retries: 0 }]);
    await setting('models.chat', 'server:card-agent');
    file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'agent-card.ts');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(source));
  });

  suiteTeardown(async () => {
    for (const key of ['models.chat', 'servers']) await setting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  test('one change rejected in the card: the other written as one edit, saved, no review editor; the model told; one undo', async () => {
    const api = await pylot();
    server.reply(edit, JSON.stringify({ answer: 'done' }));
    let reviewed = false;
    const listening = api.reviews.onDidShowReview(() => (reviewed = true));
    const ui = new AllowingUi([0]);
    const result = await api.agent.runAgentTurn({ task: 'use const in agent-card.ts' }, ui);
    listening.dispose();
    assert.equal(result.outcome, 'answered');
    assert.equal(reviewed, false, 'the card was the review: no review editor after Allow');
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)), keptSecond, 'exactly the kept change, saved');
    assert.equal(ui.results[0]?.status, 'ok');
    assert.match(ui.results[0]?.output ?? '', /kept 1 of the edit's 2 changes and rejected the others/);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    await undo(editor);
    assert.equal(editor.document.getText(), source, 'one undo takes the edit back');
  });
});

/** Allows every call once, as "Allow once" on the card would; keeps the tools' results. */
class AllowingUi implements AgentUi {
  readonly results: Array<{ status: string; output: string }> = [];
  /** `rejectedHunks`: the changes rejected in the card before Allow. */
  constructor(private readonly rejectedHunks?: number[]) {}
  onEvent(event: AgentEventParams): void {
    if (event.type === 'toolResult') this.results.push({ status: event.status, output: event.output });
  }
  async requestApproval(): Promise<ApprovalDecision> {
    return { kind: 'allowOnce', ...(this.rejectedHunks ? { rejectedHunks: this.rejectedHunks } : {}) };
  }
  async askContinue(): Promise<boolean> {
    return false;
  }
}
