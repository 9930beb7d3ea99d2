// "Pylot: Suggest Rename": the model proposes names for the symbol at the cursor; the one the user
// picks goes through the language's own rename provider, so every reference changes, as one edit.
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import { askModel } from './ask';
import type { FlowDeps } from './editFlow';
import { buildMessages, fileNameOf, instructionFor, languageName } from './messages';
import type { Prompts } from './prompts';
import { CommandRefused, type Outcome, type Run, type StepResult } from './run';
import { enclosingSymbol, importLines, referenceLines, wholeLines } from './target';

/** A name list waiting for the user's pick; tests pick through it as the QuickPick would. */
export interface PendingNames {
  readonly names: readonly string[];
  pick(name: string | undefined): void;
}

export interface RenameDeps extends FlowDeps {
  readonly namesShown: (pending: PendingNames) => void;
}

const identifier = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

export function namesAnswer(current: string) {
  return z.object({
    names: z
      .array(
        z.string().check(
          z.refine((name) => identifier.test(name), 'each name must be one identifier: letters, digits, _ or $, not starting with a digit'),
          z.refine((name) => name !== current, `each name must differ from the current name "${current}"`),
        ),
      )
      .check(z.minLength(1), z.maxLength(5)),
  });
}
const namesAnswerSchema = {
  type: 'object',
  properties: { names: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5 } },
  required: ['names'],
};

export async function suggestRename(deps: RenameDeps, prompts: Prompts, editor: vscode.TextEditor, run: Run): Promise<StepResult> {
  const { document } = editor;
  const position = editor.selection.active;
  const version = document.version;
  const wordRange = document.getWordRangeAtPosition(position);
  if (!wordRange) throw new CommandRefused('put the cursor on the name to rename.');
  const current = document.getText(wordRange);
  // Before asking the model: can this name be renamed at all?
  await vscode.commands.executeCommand('vscode.prepareRename', document.uri, position).then(undefined, (error: unknown) => {
    throw new CommandRefused(`"${current}" cannot be renamed here: ${error instanceof Error ? error.message : String(error)}`);
  });

  const symbol = await enclosingSymbol(document, position);
  // The enclosing symbol shows how the name is used; a big one (a long class) only around the cursor.
  const small = symbol && symbol.range.end.line - symbol.range.start.line <= 120;
  const around = new vscode.Range(Math.max(0, position.line - 30), 0, Math.min(document.lineCount - 1, position.line + 30), 0);
  const scope = wholeLines(document, small ? symbol.range : around);
  const declared = symbol && symbol.selectionRange.contains(position) ? symbol : undefined;
  const references = declared ? await referenceLines(document, declared) : [];
  const instruction = instructionFor(await prompts.forCommand('suggestRename'), { document }, { name: current });
  const messages = buildMessages(
    instruction,
    'Answer as JSON: {"names": ["<name>", …]}',
    { fileName: fileNameOf(document), language: languageName(document.languageId), text: document.getText(scope) },
    { imports: importLines(document), references },
  );
  const { names } = await askModel(deps, { messages, jsonSchema: namesAnswerSchema, schema: namesAnswer(current), maxTokens: 256 }, run);

  return () => renameTo(deps, editor.document, position, version, current, [...new Set(names)]);
}

async function renameTo(
  deps: RenameDeps,
  document: vscode.TextDocument,
  position: vscode.Position,
  version: number,
  current: string,
  names: string[],
): Promise<Outcome> {
  const chosen = await pickName(deps, current, names);
  if (!chosen) return { kind: 'rejected' };
  if (document.version !== version)
    throw new CommandRefused(`the file changed while Pylot was suggesting names for "${current}", so nothing was renamed. Run the command again.`);
  const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>('vscode.executeDocumentRenameProvider', document.uri, position, chosen);
  if (!edit || edit.size === 0) throw new CommandRefused(`the language's rename provider had no edit for renaming "${current}".`);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code did not apply the rename of "${current}" to "${chosen}".`);
  const places = edit.entries().reduce((sum, [, edits]) => sum + edits.length, 0);
  return { kind: 'applied', detail: `renamed ${current} to ${chosen} in ${places} place(s)` };
}

async function pickName(deps: RenameDeps, current: string, names: string[]): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick();
  pick.title = `Pylot: rename "${current}" to…`;
  pick.placeholder = "The rename changes every reference, through the language's rename";
  pick.items = names.map((name) => ({ label: name }));
  pick.ignoreFocusOut = true;
  try {
    return await new Promise<string | undefined>((resolve) => {
      const decide = (name: string | undefined) => {
        resolve(name);
        pick.hide();
      };
      pick.onDidAccept(() => decide(pick.selectedItems[0]?.label));
      pick.onDidHide(() => decide(undefined));
      pick.show();
      deps.namesShown({ names, pick: decide });
    });
  } finally {
    pick.dispose();
  }
}
