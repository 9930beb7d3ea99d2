// The `@file` and `@symbol` pickers: VS Code's own quick pick (keyboard friendly, fuzzy), so the
// panel needs no file list of its own.
import * as vscode from 'vscode';
import type { Attachment } from '../../protocol/chat';
import { fileAttachment, symbolAttachment, type ContextDeps } from './chatContext';

export async function pickFile(deps: ContextDeps): Promise<Attachment | undefined> {
  const files = await vscode.workspace.findFiles('**/*', '{**/node_modules/**,**/.git/**}', 5000);
  const items = files
    .filter((uri) => !deps.isExcluded(uri))
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { title: 'Attach a file to the chat', placeHolder: 'File name', matchOnDescription: true });
  return picked && fileAttachment(deps, picked.label);
}

export async function pickSymbol(deps: ContextDeps): Promise<Attachment | undefined> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { symbol: string }>();
  pick.title = 'Attach a symbol to the chat';
  pick.placeholder = 'Type a function, class or variable name';
  let search = 0;
  pick.onDidChangeValue(async (value) => {
    const mine = ++search;
    if (!value.trim()) return void (pick.items = []);
    pick.busy = true;
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>('vscode.executeWorkspaceSymbolProvider', value)) ?? [];
    if (mine !== search) return;
    pick.busy = false;
    pick.items = symbols.slice(0, 200).map((s) => ({ label: s.name, description: vscode.workspace.asRelativePath(s.location.uri), symbol: s.name }));
  });
  const chosen = await new Promise<string | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]?.symbol));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  return chosen ? symbolAttachment(deps, chosen) : undefined;
}
