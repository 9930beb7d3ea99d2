// The commands that rewrite the code at the cursor: Fix (from the diagnostics there), Refactor
// (from an instruction the user types) and Run Prompt (a prompt file's instruction).
import * as vscode from 'vscode';
import { askForCode, codeAnswerShape, reviewAndApply, type FlowDeps } from './editFlow';
import { buildMessages, contextFor, describeDiagnostic, fileNameOf, instructionFor, languageName } from './messages';
import type { PromptFile } from './promptFile';
import { proposeEdit } from '../review/proposal';
import type { Prompts } from './prompts';
import { CommandRefused, type Outcome, type Run, type StepResult } from './run';
import { diagnosticsIn, findTarget, wholeLines, type Target } from './target';

/** `where`: the range a quick fix was offered for; else the cursor's line or the selection. */
export async function fixCode(deps: FlowDeps, prompts: Prompts, editor: vscode.TextEditor, run: Run, where?: vscode.Range): Promise<StepResult> {
  const { document, selection } = editor;
  const at = where ?? (selection.isEmpty ? document.lineAt(selection.active.line).range : selection);
  if (where) editor.selection = new vscode.Selection(where.start, where.start);
  const problems = diagnosticsIn(document, wholeLines(document, at));
  if (!problems.length) throw new CommandRefused('there is no problem at the cursor to fix (no error or warning on this line or in the selection).');
  let target = await findTarget(editor);
  // The problem may lie outside the symbol found (e.g. on a decorator): widen to cover it.
  const covering = problems.reduce((range, problem) => range.union(problem.range), target.range);
  if (!target.range.contains(covering)) {
    const range = wholeLines(document, covering);
    target = { ...target, range, text: document.getText(range), kind: 'selection' };
  }
  const context = await contextFor(target, false);
  return rewrite(
    deps,
    target,
    `Fix ${problems.length === 1 ? 'the problem' : `${problems.length} problems`}`,
    instructionFor(await prompts.forCommand('fix'), target),
    { ...context, problems: problems.map(describeDiagnostic) },
    run,
  );
}

export async function refactorCode(deps: FlowDeps, prompts: Prompts, editor: vscode.TextEditor, run: Run, instruction?: string): Promise<StepResult> {
  instruction ??= await vscode.window.showInputBox({
    title: 'Pylot: Refactor',
    prompt: 'How should the code at the cursor (or the selection) change?',
    placeHolder: 'e.g. use async/await instead of callbacks',
    ignoreFocusOut: true,
  });
  if (!instruction?.trim()) return { kind: 'cancelled' } satisfies Outcome;
  const target = await findTarget(editor);
  const text = instructionFor(await prompts.forCommand('refactor'), target, { instruction: instruction.trim() });
  return rewrite(deps, target, `Refactor: ${instruction.trim()}`, text, await contextFor(target, false), run);
}

export async function runPromptFile(deps: FlowDeps, prompt: PromptFile, editor: vscode.TextEditor, run: Run): Promise<StepResult> {
  const target = await findTarget(editor, prompt.selection);
  const text = instructionFor(prompt, target, { selection: target.text });
  return rewrite(deps, target, prompt.name, text, await contextFor(target, false), run);
}

async function rewrite(
  deps: FlowDeps,
  target: Target,
  title: string,
  instruction: string,
  context: Awaited<ReturnType<typeof contextFor>>,
  run: Run,
): Promise<StepResult> {
  const { document } = target;
  const messages = buildMessages(
    instruction,
    codeAnswerShape,
    { fileName: fileNameOf(document), language: languageName(document.languageId), text: target.text },
    context,
  );
  const code = await askForCode(deps, messages, run);
  return () => reviewAndApply(deps, proposeEdit(title, document, target.version, target.range, code));
}
