// Wires the refactor commands and their code actions into VS Code. The
// one entry main.ts calls; what it returns lets tests take the user's part in a preview.
import * as vscode from 'vscode';
import { CountTokens } from '../../protocol/sidecar';
import { rulesPrompt } from '../chat/workspaceRules';
import type { Log } from '../log';
import type { ModelManager } from '../models/modelManager';
import type { Sidecar } from '../sidecar/supervisor';
import { RefactorCodeActions } from './codeActions';
import { writeCommitMessage } from './commitMessageCommand';
import { documentCode } from './documentCommand';
import { fixCode, refactorCode, runPromptFile } from './editCommands';
import { explainCode } from './explainCommand';
import { generateTests } from './generateTestsCommand';
import { copyBuiltInPrompt, pickPrompt } from './promptCommands';
import { Prompts } from './prompts';
import { suggestRename, type PendingNames, type RenameDeps } from './renameCommand';
import type { PendingReview, Reviews } from '../review/reviewSession';
import { cancelRunningCommands, CommandRefused, reportFailure, runCommand, type Outcome, type Run, type Step } from './run';

export interface RefactorApi {
  /** A review is waiting for accept / reject (any source's: the review flow is shared). */
  readonly onDidShowReview: vscode.Event<PendingReview>;
  /** Suggested names are waiting for a pick. */
  readonly onDidShowNames: vscode.Event<PendingNames>;
  /** What the Cancel button of the command's progress does. */
  cancelRunning(): void;
}

export function registerRefactorCommands(
  context: vscode.ExtensionContext,
  base: { sidecar: Sidecar; models: ModelManager; log: Log; reviews: Reviews; hunksDecided?: (kept: number, rejected: number) => void },
): RefactorApi {
  const namesShown = new vscode.EventEmitter<PendingNames>();
  const prompts = new Prompts(context.extensionUri);
  const deps: RenameDeps = {
    ...base,
    namesShown: (pending) => namesShown.fire(pending),
    // The cap counted in the chat model's own tokens, as in chat.
    rules: () =>
      rulesPrompt(
        base.models,
        (message) => base.log.warn(message),
        async (texts) => (await base.sidecar.request(CountTokens, { role: 'chat', texts })).tokens,
      ),
  };
  const { log } = base;

  /** A command on the active editor: refused clearly when there is none. */
  const onEditor = (id: string, title: string, step: (editor: vscode.TextEditor, run: Run, ...args: unknown[]) => ReturnType<Step>) =>
    vscode.commands.registerCommand(id, (...args: unknown[]): Promise<Outcome> =>
      runCommand(title, log, (run) => {
        const editor = vscode.window.activeTextEditor;
        if (!editor) throw new CommandRefused(`open a file first: ${title} works on the code in the editor.`);
        return step(editor, run, ...args);
      }),
    );

  context.subscriptions.push(
    namesShown,
    vscode.languages.registerCodeActionsProvider({ pattern: '**' }, new RefactorCodeActions(), RefactorCodeActions.metadata),
    onEditor('pylot.explain', 'Explain', (editor) => explainCode(prompts, editor)),
    onEditor('pylot.document', 'Document', (editor, run) => documentCode(deps, prompts, editor, run)),
    onEditor('pylot.generateTests', 'Generate Tests', (editor, run) => generateTests(deps, prompts, editor, run)),
    onEditor('pylot.fix', 'Fix', (editor, run, uri, range) =>
      fixCode(
        deps,
        prompts,
        editor,
        run,
        uri instanceof vscode.Uri && uri.toString() === editor.document.uri.toString() && range instanceof vscode.Range ? range : undefined,
      ),
    ),
    onEditor('pylot.refactor', 'Refactor', (editor, run, instruction) =>
      refactorCode(deps, prompts, editor, run, typeof instruction === 'string' ? instruction : undefined),
    ),
    onEditor('pylot.suggestRename', 'Suggest Rename', (editor, run) => suggestRename(deps, prompts, editor, run)),
    vscode.commands.registerCommand('pylot.runPrompt', async (id?: unknown): Promise<Outcome> => {
      let prompt;
      try {
        prompt = await pickPrompt(prompts, typeof id === 'string' ? id : undefined);
      } catch (error) {
        return reportFailure('Run Prompt', error, log);
      }
      if (!prompt) return { kind: 'cancelled' };
      const chosen = prompt;
      return runCommand(chosen.name, log, (run) => {
        const editor = vscode.window.activeTextEditor;
        if (!editor) throw new CommandRefused(`open a file first: "${chosen.name}" works on the code in the editor.`);
        return runPromptFile(deps, chosen, editor, run);
      });
    }),
    // No model involved, so no progress: only a pick and a copy.
    vscode.commands.registerCommand('pylot.copyBuiltInPrompt', async (id?: unknown): Promise<Outcome> => {
      try {
        const copied = await copyBuiltInPrompt(prompts, typeof id === 'string' ? id : undefined);
        return copied ? { kind: 'done', detail: copied.toString() } : { kind: 'cancelled' };
      } catch (error) {
        return reportFailure('Copy Built-in Prompt', error, log);
      }
    }),
    vscode.commands.registerCommand('pylot.commitMessage', (scm?: { rootUri?: vscode.Uri }) =>
      runCommand('Write Commit Message', log, (run) => writeCommitMessage(deps, prompts, run, scm)),
    ),
  );
  return { onDidShowReview: base.reviews.onDidShowReview, onDidShowNames: namesShown.event, cancelRunning: cancelRunningCommands };
}
