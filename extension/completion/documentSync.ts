// Mirrors open documents to the sidecar by incremental edits (LSP-style): a keystroke sends a few
// bytes. Nothing is sent until the sidecar runs; after a restart every open document is sent again.
// Excluded and very large documents are never sent. The edits made in the active editor while the
// sidecar starts are replayed to it, so the edit that started it is in the next-edit history too.
import * as vscode from 'vscode';
import { DidChangeDocument, DidCloseDocument, DidOpenDocument } from '../../protocol/sidecar';
import type { Sidecar } from '../sidecar/supervisor';
import type { PrivacyFilter } from './privacy';

const maxDocumentChars = 2_000_000;
/** Edits kept for replay while the sidecar starts; more and the document is sent as it is then. */
const maxEarlyChanges = 500;

type Change = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };
/** The active document as it was before the sidecar ran, and the edits made to it since. */
interface EarlyDocument {
  readonly languageId: string;
  readonly version: number;
  readonly text: string;
  readonly changes: { version: number; changes: Change[] }[];
}

export class DocumentSync implements vscode.Disposable {
  private readonly mirrored = new Set<string>();
  private readonly early = new Map<string, EarlyDocument>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly sidecar: Sidecar,
    private readonly privacy: PrivacyFilter,
  ) {
    this.unsubscribe = sidecar.onReady(() => {
      this.mirrored.clear();
      for (const document of vscode.workspace.textDocuments) this.open(document);
      this.early.clear();
    });
    this.keepEarly(vscode.window.activeTextEditor);
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => this.keepEarly(editor)),
      vscode.workspace.onDidOpenTextDocument((document) => this.open(document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.close(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.change(event)),
    );
  }

  /** True when the sidecar has this document, at its current version. */
  has(document: vscode.TextDocument): boolean {
    return this.mirrored.has(document.uri.toString());
  }

  /** Sends a document now if it is not mirrored yet (e.g. opened before the sidecar started). */
  ensure(document: vscode.TextDocument): boolean {
    if (!this.has(document)) this.open(document);
    return this.has(document);
  }

  private open(document: vscode.TextDocument): void {
    if (this.sidecar.status.status !== 'ready' || !this.eligible(document)) return;
    const uri = document.uri.toString();
    this.mirrored.add(uri);
    const early = this.early.get(uri);
    if (early && early.changes.at(-1)?.version === document.version) {
      this.send(DidOpenDocument, { uri, languageId: early.languageId, version: early.version, text: early.text });
      for (const { version, changes } of early.changes) this.send(DidChangeDocument, { uri, version, changes });
      return;
    }
    this.send(DidOpenDocument, { uri, languageId: document.languageId, version: document.version, text: document.getText() });
  }

  /** Before the sidecar runs, remembers the active document's text for the replay. */
  private keepEarly(editor: vscode.TextEditor | undefined): void {
    if (this.sidecar.status.status === 'ready') return;
    this.early.clear();
    const document = editor?.document;
    if (!document || !this.eligible(document)) return;
    this.early.set(document.uri.toString(), { languageId: document.languageId, version: document.version, text: document.getText(), changes: [] });
  }

  private change(event: vscode.TextDocumentChangeEvent): void {
    const uri = event.document.uri.toString();
    if (!event.contentChanges.length) return;
    const changes = event.contentChanges.map((change) => ({
      range: {
        start: { line: change.range.start.line, character: change.range.start.character },
        end: { line: change.range.end.line, character: change.range.end.character },
      },
      text: change.text,
    }));
    const early = this.early.get(uri);
    if (early && !this.mirrored.has(uri)) {
      early.changes.push({ version: event.document.version, changes });
      if (early.changes.length > maxEarlyChanges) this.early.delete(uri);
    }
    if (!this.mirrored.has(uri)) return;
    if (event.document.getText().length > maxDocumentChars) return this.close(event.document);
    this.send(DidChangeDocument, { uri, version: event.document.version, changes });
  }

  private close(document: vscode.TextDocument): void {
    const uri = document.uri.toString();
    this.early.delete(uri);
    if (!this.mirrored.delete(uri)) return;
    this.send(DidCloseDocument, { uri });
  }

  private eligible(document: vscode.TextDocument): boolean {
    return !this.privacy.isExcluded(document.uri) && document.getText().length <= maxDocumentChars;
  }

  private send(def: typeof DidOpenDocument | typeof DidChangeDocument | typeof DidCloseDocument, params: unknown): void {
    this.sidecar.notify(def, params as never);
  }

  dispose(): void {
    this.unsubscribe();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
