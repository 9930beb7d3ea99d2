// "Pylot: Generate Tests": a test file for the code at the cursor, where and how the project
// writes its tests (testStyle.ts learns that from the existing ones). A new file is previewed
// against nothing; an existing test file gets the model's whole new version, previewed hunk by hunk.
import * as vscode from 'vscode';
import { askForCode, reviewAndApply, type FlowDeps } from './editFlow';
import { buildMessages, contextFor, fileNameOf, instructionFor, languageName } from './messages';
import { proposeEdit, proposeNewFile } from '../review/proposal';
import type { Prompts } from './prompts';
import { CommandRefused, type Run, type StepResult } from './run';
import { findTarget } from './target';
import { detectTestStyle, frameworkOf } from './testStyle';

const testGlobs = '**/{*.test.*,*.spec.*,*_test.*,test_*.py,*Test.java,*Tests.java,*Test.kt,*Tests.cs}';
const excluded = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/build/**,**/target/**,**/.venv/**,**/vendor/**}';

export async function generateTests(deps: FlowDeps, prompts: Prompts, editor: vscode.TextEditor, run: Run): Promise<StepResult> {
  const { document } = editor;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  if (document.isUntitled || !folder) throw new CommandRefused('save the file in a workspace folder first, so Pylot knows where its tests go.');
  const target = await findTarget(editor);
  const relative = vscode.workspace.asRelativePath(document.uri, false);
  const existing = (await vscode.workspace.findFiles(new vscode.RelativePattern(folder, testGlobs), excluded, 500))
    .filter((uri) => uri.toString() !== document.uri.toString())
    .map((uri) => vscode.workspace.asRelativePath(uri, false));
  const style = detectTestStyle(relative, existing);
  const exampleText = style.example ? await readText(vscode.Uri.joinPath(folder.uri, style.example)) : undefined;
  const framework = (exampleText && frameworkOf(exampleText)) || defaultFramework(document.languageId);
  const testUri = vscode.Uri.joinPath(folder.uri, style.testPath);
  const current = await vscode.workspace.openTextDocument(testUri).then(
    (doc) => doc,
    () => undefined,
  );

  const extra = [];
  if (exampleText && style.example) extra.push({ title: `An existing test in this project (${style.example}), to follow its style`, text: clip(exampleText) });
  if (current) extra.push({ title: `The test file ${style.testPath} as it is now; keep its tests and add yours`, text: current.getText() });
  const instruction = instructionFor(await prompts.forCommand('generateTests'), target, { testPath: style.testPath, framework });
  const context = await contextFor(target, false);
  const messages = buildMessages(
    instruction,
    'Answer as JSON: {"code": "<the whole test file>"}',
    { fileName: fileNameOf(document), language: languageName(document.languageId), text: target.text },
    { ...context, extra },
  );
  const code = await askForCode(deps, messages, run);
  const title = `Tests for ${target.symbol?.name ?? relative}`;
  if (!current) return () => reviewAndApply(deps, proposeNewFile(`${title} (${style.testPath})`, testUri, code.endsWith('\n') ? code : `${code}\n`));
  const all = new vscode.Range(0, 0, current.lineCount - 1, current.lineAt(current.lineCount - 1).text.length);
  return () => reviewAndApply(deps, proposeEdit(title, current, current.version, all, code));
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  return vscode.workspace.fs.readFile(uri).then(
    (bytes) => new TextDecoder().decode(bytes),
    () => undefined,
  );
}

/** An example only needs to show the style: its head is enough. */
function clip(text: string, maxLines = 80): string {
  const lines = text.split(/\r?\n/);
  return lines.length <= maxLines ? text : `${lines.slice(0, maxLines).join('\n')}\n…`;
}

function defaultFramework(languageId: string): string {
  const defaults: Record<string, string> = {
    python: 'pytest',
    go: 'the testing package',
    rust: '#[test] functions',
    java: 'JUnit 5',
    typescript: 'node:test with node:assert',
    javascript: 'node:test with node:assert',
  };
  return defaults[languageId] ?? 'the usual test framework of the language';
}
