// "Pylot: Explain": the explanation belongs in the chat panel (`pylot.openChat`, where the user can
// ask follow-ups). Until a chat panel is installed, it streams into a read-only Markdown document
// beside the code instead.
import * as vscode from 'vscode';
import { Generate, GenerateDelta } from '../../protocol/sidecar';
import type { FlowDeps } from './editFlow';
import { buildMessages, contextFor, fileNameOf, instructionFor, languageName } from './messages';
import type { Prompts } from './prompts';
import type { Outcome, Run } from './run';
import { findTarget } from './target';

export const explanationScheme = 'pylot-explanation';

/** The read-only documents explanations stream into. */
export class ExplanationDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private next = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  create(title: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: explanationScheme, path: `/${this.next++}/${title.replace(/[\\/:*?"<>|]/g, '_')}.md` });
    this.texts.set(uri.toString(), '');
    return uri;
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export async function explainCode(deps: FlowDeps, prompts: Prompts, explanations: ExplanationDocuments, editor: vscode.TextEditor, run: Run): Promise<Outcome> {
  const target = await findTarget(editor);
  const { document } = target;
  const instruction = instructionFor(await prompts.forCommand('explain'), target);
  const where = `${fileNameOf(document)}:${target.range.start.line + 1}-${target.range.end.line + 1}`;
  if ((await vscode.commands.getCommands(true)).includes('pylot.openChat')) {
    const attachments = [{ label: where, text: target.text, uri: document.uri.toString() }];
    await vscode.commands.executeCommand('pylot.openChat', { prompt: instruction, attachments, send: true });
    return { kind: 'done', detail: 'sent to the chat panel' };
  }

  run.report('loading the chat model…');
  const model = await deps.models.ensureLoaded('chat', run.signal);
  run.report(`${model.name} is writing…`);
  const context = await contextFor(target, true);
  // Prose, not JSON: the user message as the other commands build it, with a system message of its own.
  const user = buildMessages(instruction, 'Answer in Markdown.', { fileName: fileNameOf(document), language: languageName(document.languageId), text: target.text }, context).at(-1)!;
  const messages = [{ role: 'system' as const, content: 'You are Pylot, a careful coding assistant working inside VS Code.' }, user];
  const uri = explanations.create(`Explanation of ${target.symbol?.name ?? where}`);
  const heading = `# ${target.symbol?.name ?? where}\n\n`;
  explanations.set(uri, `${heading}_Pylot is thinking…_\n`);
  const shown = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(shown, 'markdown');
  await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: true });

  const streamId = `explain-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  let text = '';
  const unsubscribe = deps.sidecar.onNotification(GenerateDelta, (delta) => {
    if (delta.streamId !== streamId) return;
    text += delta.text;
    explanations.set(uri, heading + text);
  });
  try {
    const result = await deps.sidecar.request(Generate, { role: 'chat', messages, maxTokens: 1536, temperature: 0.2, streamId }, { signal: run.signal });
    explanations.set(uri, heading + result.text);
    return { kind: 'done', detail: result.text };
  } catch (error) {
    explanations.set(uri, `${heading}${text}\n\n_(stopped: ${error instanceof Error ? error.message : String(error)})_\n`);
    throw error;
  } finally {
    unsubscribe();
  }
}
