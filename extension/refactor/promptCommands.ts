// "Pylot: Run Prompt…" (the workspace's .pylot/prompts and the built-in presets in one picker) and
// "Pylot: Copy Built-in Prompt to Workspace" (the way to adjust what a command or preset asks).
import * as vscode from 'vscode';
import type { PromptFile } from './promptFile';
import { commandPromptIds, workspacePromptFolder, type Prompts } from './prompts';
import { CommandRefused } from './run';

interface PromptItem extends vscode.QuickPickItem {
  readonly prompt?: PromptFile;
}

/** Asks which prompt to run; `id` picks one without asking (keybindings, tests). */
export async function pickPrompt(prompts: Prompts, id?: string): Promise<PromptFile | undefined> {
  const { builtIn, workspace, problems } = await prompts.load();
  if (problems.length) void vscode.window.showWarningMessage(`Pylot: some prompt files were skipped. ${problems.join(' ')}`);
  const presets = builtIn.filter((p) => !commandPromptIds.has(p.id) && !workspace.some((w) => w.id === p.id));
  const runnable = workspace.filter((p) => !commandPromptIds.has(p.id));
  if (id) {
    const found = [...runnable, ...presets].find((p) => p.id === id);
    if (!found) throw new CommandRefused(`there is no prompt "${id}" in ${workspacePromptFolder} nor among the built-in prompts.`);
    return found;
  }
  const item = (prompt: PromptFile): PromptItem => ({
    label: prompt.name,
    description: selectionHint(prompt),
    detail: prompt.description || undefined,
    prompt,
  });
  const items: PromptItem[] = [];
  if (runnable.length) items.push({ label: 'This workspace', kind: vscode.QuickPickItemKind.Separator }, ...runnable.map(item));
  items.push({ label: 'Built in', kind: vscode.QuickPickItemKind.Separator }, ...presets.map(item));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Pylot: Run Prompt',
    placeHolder: `Prompts from ${workspacePromptFolder}/*.md and Pylot's own`,
    matchOnDetail: true,
  });
  return picked?.prompt;
}

/** Copies a built-in prompt into the first workspace folder's .pylot/prompts and opens it. */
export async function copyBuiltInPrompt(prompts: Prompts, id?: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new CommandRefused('open a folder first: prompt files live in its .pylot/prompts.');
  const { builtIn } = await prompts.load();
  const prompt = id
    ? builtIn.find((p) => p.id === id)
    : (
        await vscode.window.showQuickPick(
          builtIn.map((p) => ({ label: p.name, description: `${p.id}.md`, detail: p.description, prompt: p })),
          { title: 'Pylot: Copy Built-in Prompt to Workspace' },
        )
      )?.prompt;
  if (!prompt) return undefined;
  const source = vscode.Uri.joinPath(prompts.builtInFolder(), `${prompt.id}.md`);
  const target = vscode.Uri.joinPath(folder.uri, workspacePromptFolder, `${prompt.id}.md`);
  const exists = await vscode.workspace.fs.stat(target).then(
    () => true,
    () => false,
  );
  if (exists) {
    const choice = await vscode.window.showWarningMessage(`${workspacePromptFolder}/${prompt.id}.md already exists.`, 'Open It', 'Replace It');
    if (!choice) return undefined;
    if (choice === 'Open It') {
      await vscode.window.showTextDocument(target);
      return target;
    }
  }
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, workspacePromptFolder));
  await vscode.workspace.fs.copy(source, target, { overwrite: true });
  await vscode.window.showTextDocument(target);
  return target;
}

function selectionHint(prompt: PromptFile): string {
  return prompt.selection === 'required' ? 'needs a selection' : prompt.selection === 'none' ? 'whole file' : '';
}
