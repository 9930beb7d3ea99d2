// The workspace index in the real extension host: the workspace folder is indexed in the sidecar
// (with the embeddings role's model), answers codebase queries through the extension's API, and
// a change saved in an editor is found; pausing holds new work back until resumed; with encryption
// at rest on, no stored file holds the code, and turning it off converts the store back.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { pylot, setting, testModels, waitFor } from './helpers';

const encoder = new TextEncoder();

suite('Pylot workspace index', () => {
  let folder: vscode.WorkspaceFolder;

  suiteSetup(async () => {
    const first = vscode.workspace.workspaceFolders?.[0];
    assert.ok(first, 'the integration run opens a workspace folder');
    folder = first;
    await write('src/billing.ts', 'export function computeInvoiceTotal(lines: number[]): number {\n  return lines.reduce((sum, line) => sum + line, 0);\n}\n');
    await write('src/shipping.py', 'def estimate_delivery_days(distance_km):\n    return max(1, distance_km // 500)\n');
    await write('.env', 'INVOICE_SECRET=computeInvoiceTotal\n');
    await setting('models.embeddings', testModels().embedding);
    await (await pylot()).models.ensureLoaded('embeddings');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('pylot.resumeIndexing');
    await setting('models.embeddings', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('an indexed workspace answers a codebase query through the API', async () => {
    const api = await pylot();
    const answer = await waitFor('the folder indexed with vectors', async () => {
      const result = await api.searchCodebase('computeInvoiceTotal', 5);
      const indexed = api.indexStatus().find((status) => status.root === folder.uri.fsPath);
      return result.results[0]?.relativePath === 'src/billing.ts' && indexed?.vectors === 'ready' && result;
    });
    assert.equal(answer.mode, 'hybrid');
    assert.equal(answer.results[0]!.startLine, 1);
    assert.match(answer.results[0]!.text, /computeInvoiceTotal/);
    assert.ok(
      answer.results.every((result) => result.relativePath !== '.env'),
      'secrets are never indexed',
    );
  });

  test('a change saved in an editor is found', async () => {
    const api = await pylot();
    const uri = vscode.Uri.joinPath(folder.uri, 'src/billing.ts');
    const editor = await vscode.window.showTextDocument(uri);
    const end = editor.document.lineCount - 1;
    await editor.edit((edit) =>
      edit.insert(new vscode.Position(end, 0), '\nexport function applyLoyaltyDiscount(total: number): number {\n  return total * 0.9;\n}\n'),
    );
    assert.ok(await editor.document.save());
    const found = await waitFor('the saved function', async () => {
      const { results } = await api.searchCodebase('applyLoyaltyDiscount', 5);
      return results.find((result) => result.text.includes('applyLoyaltyDiscount'));
    });
    assert.equal(found.relativePath, 'src/billing.ts');
    assert.ok(found.endLine >= 6, `the chunk reaches the new lines (ends at ${found.endLine})`);
  });

  test('pausing holds new files back; resuming indexes them', async () => {
    const api = await pylot();
    await vscode.commands.executeCommand('pylot.pauseIndexing');
    await write('src/paused.ts', 'export const whilePausedMarker = true;\n');
    await waitFor('the index paused', () => api.indexStatus().some((status) => status.state === 'paused'));
    const held = await api.searchCodebase('whilePausedMarker', 5);
    assert.ok(held.results.every((result) => result.relativePath !== 'src/paused.ts'));
    await vscode.commands.executeCommand('pylot.resumeIndexing');
    await waitFor('the new file found', async () => (await api.searchCodebase('whilePausedMarker', 5)).results[0]?.relativePath === 'src/paused.ts');
  });

  test('with encryption at rest on, no stored file holds the code, and search still answers', async () => {
    const api = await pylot();
    const [dir] = api.indexStorage();
    assert.ok(dir);
    const markers = ['computeInvoiceTotal', 'estimate_delivery_days', 'applyLoyaltyDiscount'];
    const mode = () => existsSync(join(dir, 'atrest.json')) && (JSON.parse(readFileSync(join(dir, 'atrest.json'), 'utf8')) as { encrypted: boolean }).encrypted;
    const leaks = (at: string): string[] =>
      readdirSync(at).flatMap((name) => {
        const file = join(at, name);
        if (statSync(file).isDirectory()) return leaks(file);
        const bytes = readFileSync(file);
        return markers.some((marker) => bytes.includes(marker)) ? [file] : [];
      });
    assert.ok(leaks(dir).length > 0, 'a plain index holds the code');
    await setting('privacy.encryptAtRest', true);
    await waitFor('the index encrypted', () => mode() === true);
    await waitFor(
      'an answer from the encrypted index',
      async () => (await api.searchCodebase('computeInvoiceTotal', 5)).results[0]?.relativePath === 'src/billing.ts',
    );
    assert.deepEqual(leaks(dir), []);
    await setting('privacy.encryptAtRest', undefined);
    await waitFor('the index plain again', () => existsSync(join(dir, 'atrest.json')) && mode() === false);
    await waitFor(
      'an answer from the plain index',
      async () => (await api.searchCodebase('applyLoyaltyDiscount', 5)).results[0]?.relativePath === 'src/billing.ts',
    );
    assert.ok(leaks(dir).length > 0);
  });

  async function write(relative: string, text: string): Promise<void> {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, relative), encoder.encode(text));
  }
});
