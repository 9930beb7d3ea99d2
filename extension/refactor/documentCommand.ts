// "Pylot: Document": a doc comment for the function or class at the cursor (or the selection) in
// the language's convention. The model writes the text; docComment.ts puts it where it belongs,
// replacing a doc comment that is already there.
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import { askModel } from './ask';
import { declarationEnd, docConvention, existingCommentLines, withDocComment } from './docComment';
import { reviewAndApply, type FlowDeps } from './editFlow';
import { splitLines } from '../review/hunks';
import { buildMessages, contextFor, fileNameOf, instructionFor, languageName } from './messages';
import { proposeEdit } from '../review/proposal';
import type { Prompts } from './prompts';
import { CommandRefused, type Run, type StepResult } from './run';
import { findTarget, type Target } from './target';

const DocAnswer = z.object({ doc: z.string().check(z.refine((doc) => doc.trim().length > 0, 'the doc comment is empty')) });
const docAnswerSchema = { type: 'object', properties: { doc: { type: 'string' } }, required: ['doc'] };

export async function documentCode(deps: FlowDeps, prompts: Prompts, editor: vscode.TextEditor, run: Run): Promise<StepResult> {
  const found = await findTarget(editor);
  const target = found.kind === 'file' ? declarationAtCursor(editor, found) : found;
  const { document } = target;
  const convention = docConvention(document.languageId);
  const instruction = instructionFor(await prompts.forCommand('document'), target, { docStyle: convention.style });
  const messages = buildMessages(
    instruction,
    'Answer as JSON: {"doc": "<the comment text, without comment markers>"}',
    { fileName: fileNameOf(document), language: languageName(document.languageId), text: target.text },
    await contextFor(target, true),
  );
  const { doc } = await askModel(deps, { messages, jsonSchema: docAnswerSchema, schema: DocAnswer, maxTokens: 1024 }, run);

  // The lines from an existing doc comment above the declaration to its end are rewritten.
  const above = [];
  for (let line = Math.max(0, target.range.start.line - 40); line < target.range.start.line; line++) above.push(document.lineAt(line).text);
  const replaced = existingCommentLines(document.languageId, above);
  const startLine = target.range.start.line - replaced;
  const range = new vscode.Range(startLine, 0, target.range.end.line, target.range.end.character);
  const indentUnit = editor.options.insertSpaces === false ? '\t' : ' '.repeat(Number(editor.options.tabSize) || 4);
  const declaration = splitLines(target.text);
  const newText = withDocComment(document.languageId, declaration, doc, indentUnit).join('\n');
  const name = target.symbol?.name ?? 'the selection';
  return () => reviewAndApply(deps, proposeEdit(`Document ${name}`, document, target.version, range, newText));
}

/** Without a symbol provider, the declaration on the cursor's line and its indented body. */
function declarationAtCursor(editor: vscode.TextEditor, whole: Target): Target {
  const { document } = editor;
  const line = editor.selection.active.line;
  if (!document.lineAt(line).text.trim()) throw new CommandRefused('put the cursor on the declaration to document, or select it.');
  const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
  const end = declarationEnd(lines, line);
  const full = new vscode.Range(line, 0, end, document.lineAt(end).text.length);
  return { ...whole, range: full, text: document.getText(full), kind: 'selection' };
}
