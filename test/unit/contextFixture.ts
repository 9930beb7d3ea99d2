// A throwaway workspace on disk and a cursor in one of its files, for the context engine's tests,
// and the readings of assembled context those tests share.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { pathToFileURL } from 'node:url';
import { cutWindow } from '../../sidecar/completion/window';
import { ContextService, type AssemblyOptions } from '../../sidecar/context/contextService';
import { languageOfFile } from '../../sidecar/context/resolve/resolve';
import { TextDocument } from '../../sidecar/documents/store';

/** Marks the cursor in a fixture file's text. */
export const cursor = '⟨|⟩';

/** A snippet of assembled context, as far as these tests read it. */
type Snippet = { source: string; filename: string; text: string };

/** The snippets that came from imported definitions. */
export const importedSnippets = <S extends Snippet>(snippets: S[]): S[] => snippets.filter((s) => s.source === 'imported');

/** Each imported snippet as `file: its first line`: what a reader checks first. */
export const importedFirstLines = (snippets: Snippet[]): string[] => importedSnippets(snippets).map((s) => `${s.filename}: ${s.text.split('\n')[0]}`);

/** Makes workspaces for one suite (call it inside `describe`); all are disposed after the suite. */
export function suiteWorkspaces(): (files: Record<string, string>) => Workspace {
  const made: Workspace[] = [];
  after(() => made.forEach((w) => w.dispose()));
  return (files) => {
    const w = new Workspace(files);
    made.push(w);
    return w;
  };
}

export class Workspace {
  readonly open = new Map<string, TextDocument>();
  readonly service = new ContextService({ peek: (uri) => this.open.get(uri) });

  /** `root`: an existing folder to use as the workspace (the default is a fresh one, removed by dispose). */
  constructor(
    files: Record<string, string>,
    readonly root = mkdtempSync(path.join(tmpdir(), 'pylot-context-')),
  ) {
    // The workspace is this folder, as the extension says: context is read, and imports resolve, only inside it.
    this.service.setWorkspace([this.root]);
    for (const [name, text] of Object.entries(files)) this.write(name, text.replace(cursor, ''));
  }

  write(name: string, text: string): void {
    const file = path.join(this.root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }

  uri(name: string): string {
    return pathToFileURL(path.join(this.root, name)).href;
  }

  /** Opens `name` in the mirror with `text` (the cursor marked) and assembles context at the cursor. */
  async assembleAt(name: string, text: string, options: AssemblyOptions = { timeBoxMs: 10_000 }) {
    const offset = text.indexOf(cursor);
    if (offset < 0) throw new Error(`no cursor marker in ${name}`);
    const document = this.openDocument(name, text.replace(cursor, ''));
    return this.service.assemble(document, cutWindow(document.text, offset), options);
  }

  openDocument(name: string, text: string, version = 1): TextDocument {
    const document = new TextDocument(this.uri(name), languageOfFile(name) ?? 'plaintext', version, text);
    this.open.set(document.uri, document);
    return document;
  }

  dispose(): void {
    this.service.dispose();
    rmSync(this.root, { recursive: true, force: true });
  }
}
