// Where prompts come from: the built-in ones shipped in media/prompts/*.md, and the workspace's
// .pylot/prompts/*.md. A workspace prompt with a built-in's file name replaces it, so copying a
// built-in into the workspace and editing it changes what that command asks.
import * as vscode from 'vscode';
import { parsePromptFile, type PromptFile } from './promptFile';

export const workspacePromptFolder = '.pylot/prompts';

/** Built-in prompts that belong to a command of their own, rather than to the Run Prompt picker. */
export const commandPromptIds = new Set(['explain', 'document', 'fix', 'refactor', 'generateTests', 'suggestRename', 'commitMessage']);

export interface PromptSet {
  readonly builtIn: readonly PromptFile[];
  readonly workspace: readonly PromptFile[];
  /** Files that could not be read as prompts, with why. */
  readonly problems: readonly string[];
}

export class Prompts {
  constructor(private readonly extensionUri: vscode.Uri) {}

  builtInFolder(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'media', 'prompts');
  }

  async load(): Promise<PromptSet> {
    const problems: string[] = [];
    const builtIn = await readFolder(this.builtInFolder(), problems);
    const workspace: PromptFile[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? [])
      workspace.push(...(await readFolder(vscode.Uri.joinPath(folder.uri, workspacePromptFolder), problems)));
    return { builtIn, workspace, problems };
  }

  /** The prompt a command uses: the workspace's copy when there is one. */
  async forCommand(id: string): Promise<PromptFile> {
    const { builtIn, workspace } = await this.load();
    const prompt = workspace.find((p) => p.id === id) ?? builtIn.find((p) => p.id === id);
    if (!prompt) throw new Error(`Pylot's built-in prompt "${id}" is missing from ${this.builtInFolder().fsPath}; reinstall Pylot.`);
    return prompt;
  }
}

async function readFolder(folder: vscode.Uri, problems: string[]): Promise<PromptFile[]> {
  let entries: Array<[string, vscode.FileType]>;
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return []; // no such folder: no prompts there
  }
  const prompts: PromptFile[] = [];
  for (const [name, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
    if (type !== vscode.FileType.File || !name.toLowerCase().endsWith('.md')) continue;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, name)));
    const parsed = parsePromptFile(name, text);
    if (parsed.ok) prompts.push(parsed.prompt);
    else problems.push(parsed.error);
  }
  return prompts;
}
