// "Pylot: Explain": the explanation belongs in the chat panel, where the user can ask follow-ups:
// the command hands the code and the instruction to `pylot.openChat`, which asks the chat model.
import * as vscode from 'vscode';
import { fileNameOf, instructionFor } from './messages';
import type { Prompts } from './prompts';
import type { Outcome } from './run';
import { findTarget } from './target';

export async function explainCode(prompts: Prompts, editor: vscode.TextEditor): Promise<Outcome> {
  const target = await findTarget(editor);
  const { document } = target;
  const instruction = instructionFor(await prompts.forCommand('explain'), target);
  const where = `${fileNameOf(document)}:${target.range.start.line + 1}-${target.range.end.line + 1}`;
  const attachments = [{ label: where, text: target.text, uri: document.uri.toString() }];
  await vscode.commands.executeCommand('pylot.openChat', { prompt: instruction, attachments, send: true });
  return { kind: 'done', detail: 'sent to the chat panel' };
}
