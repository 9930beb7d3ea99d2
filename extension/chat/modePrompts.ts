// The modes' system prompts, kept as readable Markdown in media/prompts/chat/<mode>.md so they can be
// reviewed and changed without touching code. Read once per session.
import * as vscode from 'vscode';
import type { ChatMode } from '../../protocol/chat';

export class ModePrompts {
  private readonly cache = new Map<ChatMode, Promise<string>>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  get(mode: ChatMode): Promise<string> {
    let prompt = this.cache.get(mode);
    if (!prompt) {
      const file = vscode.Uri.joinPath(this.extensionUri, 'media', 'prompts', 'chat', `${mode}.md`);
      prompt = Promise.resolve(vscode.workspace.fs.readFile(file)).then((bytes) => new TextDecoder().decode(bytes).trim());
      prompt.catch(() => this.cache.delete(mode));
      this.cache.set(mode, prompt);
    }
    return prompt;
  }
}
