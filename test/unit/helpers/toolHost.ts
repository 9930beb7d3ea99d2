// A plain ToolHost for unit tests: files on disk, editors and language servers as the test sets
// them; it records what the tools write and run instead of opening diffs or starting processes.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CodebaseSearchResult } from '../../../extension/index/codebaseIndex';
import type { FileChange, SymbolLocation, Target, ToolHost } from '../../../extension/agent/tools/tool';

export class RecordingHost implements ToolHost {
  writes: string[] = [];
  runs: string[] = [];
  /** The folder each run was in. */
  runFolders: string[] = [];
  /** Open editors' text by absolute path. */
  open = new Map<string, string>();
  symbols: SymbolLocation[] = [];
  index: CodebaseSearchResult = { results: [], mode: 'keyword' };

  constructor(private readonly root: string) {}

  openText(target: Target) {
    return this.open.get(target.absolute);
  }
  preview({ target, before, after }: FileChange) {
    return { path: target.relative, before, after, show: async () => undefined };
  }
  async write({ target, after }: FileChange) {
    this.writes.push(target.relative);
    mkdirSync(path.dirname(target.absolute), { recursive: true });
    writeFileSync(target.absolute, after);
  }
  async workspaceSymbols(name: string) {
    return this.symbols.filter((s) => s.name === name);
  }
  async relativePath(absolute: string) {
    return path.relative(this.root, absolute).split(path.sep).join('/');
  }
  async searchIndex() {
    return this.index;
  }
  async run(command: string, cwd: string) {
    this.runs.push(command);
    this.runFolders.push(cwd);
    return `$ ${command}\nexit code 0`;
  }
  async readCommand(id: string): Promise<string> {
    throw new Error(`No command ${id} is running (this host runs nothing).`);
  }
}
