// Pylot: Suggest Next Edits — the on-demand way to the sidecar's model-free next edits (a renamed
// name's other uses, a change made twice, a changed signature's calls) for the active editor: a
// list, nearest first; picking an edit applies it as one undoable edit, picking a place moves the
// cursor there. Excluded and secret files are never asked about (they are not mirrored either).
import * as vscode from 'vscode';
import { NextEditSuggest, type NextEditSuggestion } from '../../protocol/nextEdit';
import type { DocumentSync } from '../completion/documentSync';
import type { PrivacyFilter } from '../completion/privacy';
import type { Log } from '../log';
import type { Sidecar } from '../sidecar/supervisor';

export interface NextEditDeps {
  readonly sidecar: Sidecar;
  readonly documents: DocumentSync;
  readonly privacy: PrivacyFilter;
  readonly log: Log;
}

export function registerNextEditCommand(deps: NextEditDeps): vscode.Disposable {
  return vscode.commands.registerCommand('pylot.nextEdit.suggest', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const { document } = editor;
    if (deps.privacy.isExcluded(document.uri) || !deps.documents.ensure(document)) {
      vscode.window.setStatusBarMessage('Pylot suggests no edits in this file.', 4_000);
      return;
    }
    let suggestions: NextEditSuggestion[];
    try {
      const position = editor.selection.active;
      ({ suggestions } = await deps.sidecar.request(NextEditSuggest, {
        uri: document.uri.toString(),
        version: document.version,
        position: { line: position.line, character: position.character },
      }));
    } catch (error) {
      deps.log.warn(`next edits failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!suggestions.length) {
      vscode.window.setStatusBarMessage('Pylot: no next edit to suggest.', 4_000);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      suggestions.map((suggestion) => ({
        label: suggestion.label,
        description: `line ${suggestion.range.start.line + 1}`,
        detail: preview(document, suggestion),
        suggestion,
      })),
      { title: 'Pylot: next edits', placeHolder: 'Pick an edit to apply, or a place to go to' },
    );
    if (!picked) return;
    await apply(editor, picked.suggestion);
  });
}

function rangeOf(suggestion: NextEditSuggestion): vscode.Range {
  const { start, end } = suggestion.range;
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

/** The line as it would read after the edit (or as it reads, for a place to look at). */
function preview(document: vscode.TextDocument, suggestion: NextEditSuggestion): string {
  const range = rangeOf(suggestion);
  const line = document.lineAt(range.start.line).text;
  if (suggestion.text === undefined || range.end.line !== range.start.line) return line.trim();
  return (line.slice(0, range.start.character) + suggestion.text + line.slice(range.end.character)).trim();
}

async function apply(editor: vscode.TextEditor, suggestion: NextEditSuggestion): Promise<void> {
  const range = rangeOf(suggestion);
  if (suggestion.text !== undefined) {
    const applied = await editor.edit((builder) => builder.replace(range, suggestion.text!));
    if (!applied) return;
  }
  const end = suggestion.text === undefined ? range.start : range.start.translate(0, suggestion.text.split('\n')[0]!.length);
  editor.selection = new vscode.Selection(end, end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
