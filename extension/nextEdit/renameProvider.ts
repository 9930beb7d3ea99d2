// A rename's other uses from the language's own rename provider (VS Code's `F2`), where one exists:
// the sidecar's rename suggestions (tree-sitter's uses of the old name) say which names were swapped
// and where the old name still stands; the provider is asked from there — the first declaration in
// the renamed name's scope, else the nearest use — for the new name. Its edits replace tree-sitter's: the provider knows
// a shadowed namesake from the same variable, a property from a value, and the uses in other files.
// It is bounded in time; slow, throwing, empty or touching a file the user would not want touched
// (a secret or ignored file, one outside the workspace), it is not used and tree-sitter's stand.
import * as vscode from 'vscode';
import type { NextEditSuggestion } from '../../protocol/nextEdit';

/** The provider's rename: its edits in this document as suggestions, and the whole edit to apply. */
export interface ProviderRename {
  readonly suggestions: NextEditSuggestion[];
  readonly edit: vscode.WorkspaceEdit;
  /** Other files it touches, as the workspace names them. */
  readonly otherFiles: string[];
}

/** Long enough for a language server that is up; a provider that takes longer is not waited for. */
export const renameProviderTimeoutMs = 2_000;

export async function providerRename(
  document: vscode.TextDocument,
  suggestions: readonly NextEditSuggestion[],
  allows: (uri: vscode.Uri) => boolean,
  timeoutMs = renameProviderTimeoutMs,
): Promise<ProviderRename | undefined> {
  const uses = suggestions.filter((s) => s.rule === 'rename' && s.rename);
  // The first declaration in the scope (a block's namesake further down shadows it), else the nearest use.
  const declarations = uses.filter((s) => s.rename!.declaration);
  const anchor = declarations.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)[0] ?? uses[0];
  if (!anchor) return undefined;
  const { from, to, site } = anchor.rename!;
  const at = toRange(anchor.range);
  // Only a place that still holds the old name can be renamed from.
  if (document.getText(at) !== from) return undefined;
  const edit = await withTimeout(
    Promise.resolve(vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>('vscode.executeDocumentRenameProvider', document.uri, at.start, to)),
    timeoutMs,
  ).catch(() => undefined);
  if (!edit || !(edit instanceof vscode.WorkspaceEdit)) return undefined;
  const entries = edit.entries();
  if (!entries.length) return undefined;
  const here = document.uri.toString();
  const otherFiles: string[] = [];
  let own: readonly vscode.TextEdit[] = [];
  for (const [uri, edits] of entries) {
    if (uri.toString() === here) own = edits;
    else if (!allows(uri) || !vscode.workspace.getWorkspaceFolder(uri)) return undefined;
    else otherFiles.push(vscode.workspace.asRelativePath(uri, false));
  }
  const siteRange = toRange(site);
  // Not the user's own new name again, nor a no-op.
  const visible = own.filter((e) => document.getText(e.range) !== e.newText && !overlaps(e.range, siteRange));
  if (!visible.length) return undefined;
  const others = otherFiles.length ? ` (and in ${otherFiles.join(', ')})` : '';
  const label = `Rename ${from} to ${to}${others}`;
  return {
    suggestions: visible.map((e) => ({ rule: 'rename', range: fromRange(e.range), text: e.newText, label })),
    edit: withoutSite(edit, document.uri, siteRange),
    otherFiles,
  };
}

function overlaps(a: vscode.Range, b: vscode.Range): boolean {
  return a.start.isBefore(b.end) && b.start.isBefore(a.end);
}

/** The edit without any change at the user's own new name (it is already what they typed). */
function withoutSite(edit: vscode.WorkspaceEdit, uri: vscode.Uri, site: vscode.Range): vscode.WorkspaceEdit {
  const result = new vscode.WorkspaceEdit();
  for (const [target, edits] of edit.entries()) {
    const same = target.toString() === uri.toString();
    result.set(
      target,
      edits.filter((e) => !same || !overlaps(e.range, site)),
    );
  }
  return result;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function toRange(range: NextEditSuggestion['range']): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function fromRange(range: vscode.Range): NextEditSuggestion['range'] {
  return { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } };
}
