// The refactor commands in the lightbulb and the Refactor… menu: a quick fix where there are
// diagnostics, rewrites (document, refactor, tests, rename) and a source action to explain.
import * as vscode from 'vscode';

export const pylotFix = vscode.CodeActionKind.QuickFix.append('pylot');
export const pylotRewrite = vscode.CodeActionKind.RefactorRewrite.append('pylot');
export const pylotSource = vscode.CodeActionKind.Source.append('pylot');

export class RefactorCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [pylotFix, pylotRewrite, pylotSource] };

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const wanted = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind) || kind.contains(context.only);
    const actions: vscode.CodeAction[] = [];
    const action = (title: string, kind: vscode.CodeActionKind, command: string, diagnostics?: vscode.Diagnostic[]) => {
      if (!wanted(kind)) return;
      const item = new vscode.CodeAction(title, kind);
      // The range the lightbulb was for: the cursor may have moved by the time the command runs.
      item.command = { command, title, arguments: diagnostics ? [document.uri, diagnostics.reduce((all, d) => all.union(d.range), range)] : [] };
      if (diagnostics) item.diagnostics = diagnostics;
      actions.push(item);
    };
    if (context.diagnostics.length) action('Fix with Pylot', pylotFix, 'pylot.fix', [...context.diagnostics]);
    // Only when asked (the Refactor… menu or a selection), so the lightbulb is not on every line.
    const asked = context.triggerKind === vscode.CodeActionTriggerKind.Invoke || !range.isEmpty;
    if (asked && document.uri.scheme !== 'output') {
      action('Pylot: Refactor…', pylotRewrite, 'pylot.refactor');
      action('Pylot: Document', pylotRewrite, 'pylot.document');
      action('Pylot: Suggest a Better Name', pylotRewrite, 'pylot.suggestRename');
      action('Pylot: Generate Tests', pylotRewrite, 'pylot.generateTests');
      action('Pylot: Explain', pylotSource, 'pylot.explain');
    }
    return actions;
  }
}
