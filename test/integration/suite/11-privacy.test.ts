// No user code in logs or stored files: completions, chat, the agent, a refactor and the index run
// on a workspace with marker strings — in the files, in the prompts, in what the models say — and
// then every log, the diagnostics report and every file Pylot may have stored are searched for
// them. Only the stores that must hold code may (listed below; issue 18's encryption covers them).
// Then `pylot.trace` is turned on: the log holds code (so the search did look where logs are) and
// Show Diagnostics still leaves it out.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { acceptGhostText, nextReview, pylot, setting, testModels, waitFor } from './helpers';
import { startFakeChatServer, type FakeChatServer } from './fakeChatServer';

/** Each marker, where it comes from. None is a word any code or log of Pylot's own contains. */
const markers = {
  fileText: 'kwLedgerFileMark', // a workspace file's text: the index, the agent's read_file
  documentText: 'kwOpenDocumentMark', // the document completions are asked in
  completion: 'kwCompletionMark', // what the completion model says (fixtureScripts.ts)
  chatMessage: 'kwChatQuestionMark', // what the user asks in the chat
  chatReply: 'kwChatReplyMark', // what the chat model answers (fixtureScripts.ts)
  agentTask: 'kwAgentTaskMark',
  agentCall: 'kwAgentCallMark', // inside a tool call's arguments the model proposes
  agentAnswer: 'kwAgentAnswerMark',
  refactorSource: 'kwRefactorSourceMark', // the selected code
  refactorInstruction: 'kwRefactorAskMark',
  refactorOutput: 'kwRefactorOutputMark', // the code the model proposes
} as const;
type Marker = keyof typeof markers;

/**
 * The only stored files that may hold user code, and which markers each may hold. Both are what
 * issue 18's encryption at rest covers: chat history lives in the workspace's state database
 * (workspaceState; VS Code's SQLite file), the index keeps chunk text and keyword postings.
 */
const mayHoldCode: ReadonlyArray<{ where: RegExp; markers: readonly Marker[]; why: string }> = [
  { where: /\/User\/workspaceStorage\/[^/]+\/state\.vscdb(\.backup)?$/, markers: ['chatMessage', 'chatReply'], why: 'chat history (workspaceState)' },
  // The workspace's files as the index read them, the refactor's applied output included.
  { where: /\/pylot\.pylot\/index\//, markers: ['fileText', 'refactorSource', 'refactorOutput'], why: "the workspace index's chunks and postings" },
];

/** VS Code's own copies of what the user types and saves (hot exit, local history): not Pylot's to keep. */
const vsCodeOwnContent = [/\/User\/Backups\//, /\/User\/History\//];

suite('Privacy: no user code in logs or stored files', () => {
  const models = testModels();
  let fake: FakeChatServer;
  let root: vscode.Uri;

  suiteSetup(async () => {
    fake = await startFakeChatServer();
    root = vscode.workspace.workspaceFolders![0]!.uri;
    await setting('servers', [{ name: 'privacy-lab', api: 'openai-compatible', baseUrl: fake.url, model: fake.model, retries: 0 }]);
    await setting('threads', 1);
    await write('src/ledger.ts', `export const ${markers.fileText} = 42;\n`);
    await write('src/refactor.ts', `let ${markers.refactorSource} = 1;\n`);
  });

  suiteTeardown(async () => {
    for (const key of ['servers', 'threads', 'models.completion', 'models.chat', 'trace']) await setting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fake.close();
  });

  test('completions, chat, the agent, a refactor and the index leave no marker in any log, the diagnostics or a stored file', async () => {
    const api = await pylot();

    // Index: the file with a marker is indexed (it is searched by its marker).
    await waitFor('the ledger indexed', async () => (await api.searchCodebase(markers.fileText, 5)).results[0]?.relativePath === 'src/ledger.ts');

    // Completion: the model's suggestion, accepted into a document with its own marker.
    await setting('models.completion', models.privacyCompletion);
    const document = await vscode.workspace.openTextDocument({
      language: 'typescript',
      content: `// ${markers.documentText}\nfunction add(a: number, b: number): number {\n  \n}\n`,
    });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(2, 2, 2, 2);
    await acceptGhostText(editor, markers.completion);

    // Chat on the real local engine.
    await setting('models.chat', models.privacyChat);
    await vscode.commands.executeCommand('pylot.newChat');
    const reply = await api.chat.open({ prompt: `What does ${markers.chatMessage} mean?`, send: true });
    assert.equal(reply?.error, undefined);
    assert.match(reply?.text ?? '', new RegExp(markers.chatReply));

    // Agent, through the command whose progress goes to the log: reads the ledger, proposes a call
    // with a marker in its arguments, answers.
    await setting('models.chat', 'server:privacy-lab');
    fake.answer({ tool: 'read_file', args: { path: 'src/ledger.ts' } });
    fake.answer({ tool: 'list_files', args: { path: markers.agentCall } });
    fake.answer({ answer: `It holds ${markers.agentAnswer}.` });
    const result = await vscode.commands.executeCommand<{ outcome: string; answer: string } | undefined>(
      'pylot.runAgent',
      `${markers.agentTask}: what is in src/ledger.ts?`,
    );
    assert.equal(result?.outcome, 'answered');
    assert.ok(JSON.stringify(fake.requests).includes(markers.fileText), 'the model was shown the file');

    // Refactor, previewed and applied.
    const source = await vscode.window.showTextDocument(uri('src/refactor.ts'));
    source.selection = new vscode.Selection(0, 0, 0, source.document.lineAt(0).text.length);
    fake.answer({ code: `const ${markers.refactorOutput} = 1;` });
    const review = nextReview();
    const outcome = vscode.commands.executeCommand<{ kind: string }>('pylot.refactor', `rename it to ${markers.refactorInstruction}`);
    (await review).accept();
    assert.equal((await outcome)?.kind, 'applied');
    assert.ok(source.document.getText().includes(markers.refactorOutput));

    const quietReport = await diagnostics();

    // Trace on: the sidecar restarts with it, and the log holds code from both processes.
    const quietPid = api.sidecar.pid;
    await setting('trace', true);
    await waitFor('the sidecar restarted with trace on', () => api.sidecar.pid !== quietPid && api.sidecar.status.status === 'ready', 60_000);
    await vscode.commands.executeCommand('pylot.newChat');
    fake.answer('kwTracedReplyMark');
    await api.chat.open({ prompt: 'kwTracedQuestionMark', send: true });
    fake.answer({ answer: 'done' });
    await vscode.commands.executeCommand('pylot.runAgent', 'kwTracedTaskMark');
    const logs = path.resolve(api.storage.logs, '..', '..', '..');
    const pylotLog = await waitFor(
      'the traced lines in the Pylot log',
      () => {
        const file = files(logs).find((name) => path.basename(name) === 'Pylot.log');
        const text = file ? readFileSync(file, 'utf8') : '';
        return text.includes('kwTracedTaskMark') && /sidecar: generate on .*kwTracedQuestionMark.*kwTracedReplyMark/.test(text) && file;
      },
      30_000,
    );
    const tracedReport = await diagnostics();
    assert.ok(!/kwTraced/.test(tracedReport), 'Show Diagnostics leaves code out under trace too');
    assert.match(tracedReport, /‹code, \d+ chars›/, 'and says where code was left out');

    // Every file under the profile (logs, global and workspace storage, state databases) and the
    // two diagnostics reports, searched for the markers of the first half.
    const profile = path.resolve(api.storage.global, '..', '..', '..', '..');
    assert.ok(pylotLog.startsWith(profile), `the logs (${pylotLog}) are inside the profile searched (${profile})`);
    const searched = files(profile).filter((file) => !file.includes('/extensions/') && !vsCodeOwnContent.some((own) => own.test(file)));
    assert.ok(
      searched.some((file) => file.startsWith(api.storage.global) || file.startsWith(api.storage.workspace ?? '\0')),
      'Pylot stored files there',
    );
    const found: string[] = [];
    for (const file of searched) {
      const text = readFileSync(file).toString('latin1');
      const allowed = mayHoldCode.filter((exception) => exception.where.test(file)).flatMap((exception) => exception.markers);
      for (const [name, marker] of Object.entries(markers)) if (text.includes(marker) && !allowed.includes(name as Marker)) found.push(`${marker} in ${file}`);
    }
    for (const [name, report] of [
      ['diagnostics', quietReport],
      ['diagnostics under trace', tracedReport],
    ]) {
      for (const marker of Object.values(markers)) if (report!.includes(marker)) found.push(`${marker} in the ${name}`);
    }
    assert.deepEqual(found, [], `user code where it must not be (searched ${searched.length} files)`);
  });

  function uri(relative: string): vscode.Uri {
    return vscode.Uri.joinPath(root, relative);
  }

  async function write(relative: string, text: string): Promise<void> {
    await vscode.workspace.fs.writeFile(uri(relative), new TextEncoder().encode(text));
  }
});

async function diagnostics(): Promise<string> {
  const before = vscode.window.activeTextEditor?.document;
  void vscode.commands.executeCommand('pylot.showDiagnostics');
  return waitFor('the diagnostics document', () => {
    const document = vscode.window.activeTextEditor?.document;
    return document !== before && document?.languageId === 'markdown' && document.getText().startsWith('# Pylot diagnostics') && document.getText();
  });
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}
