// Shared by the integration tests: the extension's API, settings (and a suite's own), fixture models,
// polling, a scripted chat server as the chat model, and the review a command shows.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PylotApi } from '../../../extension/main';
import type { PendingReview } from '../../../extension/review/reviewSession';
import { startFakeChatServer, type FakeChatServer } from './fakeChatServer';
import type { TestModels } from './fixtureScripts';

export { otherScript, script } from './fixtureScripts';

export function testModels(): TestModels {
  const raw = process.env.PYLOT_TEST_MODELS;
  if (!raw) throw new Error('PYLOT_TEST_MODELS is not set: run the integration tests through `npm test`.');
  return JSON.parse(raw) as TestModels;
}

export async function pylot(): Promise<PylotApi> {
  const extension = vscode.extensions.getExtension<PylotApi>('pylot.pylot');
  if (!extension) throw new Error('the Pylot extension is not installed in this VS Code');
  return extension.isActive ? extension.exports : extension.activate();
}

/** The folder the integration run opens as the workspace. */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const first = vscode.workspace.workspaceFolders?.[0];
  assert.ok(first, 'the integration run opens a workspace folder');
  return first;
}

export async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('pylot').update(key, value, vscode.ConfigurationTarget.Global);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Opens a fresh TypeScript editor with the cursor where a function body goes. */
export async function functionEditor(): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'function add(a: number, b: number): number {\n  \n}\n' });
  const editor = await vscode.window.showTextDocument(document);
  editor.selection = new vscode.Selection(1, 2, 1, 2);
  return editor;
}

/** Asks VS Code for ghost text and accepts it with its own commands, until the document has `text`. */
export async function acceptGhostText(editor: vscode.TextEditor, text: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `ghost text "${text}"`,
    async () => {
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await sleep(400);
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      return editor.document.getText().includes(text);
    },
    timeoutMs,
  );
}

/**
 * Registers a suite's hooks: `values` set before its tests (after the setup hooks registered
 * before this call), and after them `alsoReset` and then those settings back to their defaults, and
 * every editor closed.
 */
export function useSettings(values: Record<string, unknown>, alsoReset: readonly string[] = []): void {
  suiteSetup(async () => {
    for (const [key, value] of Object.entries(values)) await setting(key, value);
  });
  suiteTeardown(async () => {
    for (const key of [...alsoReset, ...Object.keys(values).reverse()]) await setting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
}

/**
 * Registers a suite's hooks that make a scripted OpenAI-compatible server (as the server profile
 * `profile`) the chat model: its queue cleared before each test, every editor closed after each,
 * the settings cleared and the server closed after the suite.
 */
export function useFakeChatModel(profile: string): { readonly fake: FakeChatServer } {
  let fake: FakeChatServer;
  suiteSetup(async () => {
    fake = await startFakeChatServer();
    await setting('servers', [{ name: profile, api: 'openai-compatible', baseUrl: fake.url, model: fake.model }]);
    await setting('models.chat', `server:${profile}`);
  });
  setup(() => fake.reset());
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  suiteTeardown(async () => {
    await setting('models.chat', undefined);
    await setting('servers', undefined);
    await fake?.close();
  });
  return {
    get fake() {
      return fake;
    },
  };
}

/** Replaces the `nth` match of `find` in `editor` with `replace`, as a user's rename reaches the mirror; returns where the new text ends. */
export async function replaceMatch(editor: vscode.TextEditor, find: string, replace: string, nth = 0): Promise<vscode.Position> {
  const text = editor.document.getText();
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(find, at + 1);
  assert.ok(at >= 0, `${find} is in the document`);
  const range = new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + find.length));
  assert.ok(await editor.edit((builder) => builder.replace(range, replace)));
  return editor.document.positionAt(at + replace.length);
}

/** The next review editor Pylot shows (a refactor, chat's Apply, an agent edit, inline edit). */
export async function nextReview(): Promise<PendingReview> {
  const api = await pylot();
  return new Promise((resolve) => {
    const listening = api.reviews.onDidShowReview((pending) => {
      listening.dispose();
      resolve(pending);
    });
  });
}

/** Undo in `editor`'s document, as the user would: with that editor in front. */
export async function undo(editor: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(editor.document);
  await vscode.commands.executeCommand('undo');
}
