// Mirrors open documents to the sidecar by incremental edits (LSP-style): a keystroke sends a few
// bytes. Nothing is sent until the sidecar runs; after a restart every open document is sent again.
// Excluded and very large documents are never sent.
import * as vscode from 'vscode';
import { DidChangeDocument, DidCloseDocument, DidOpenDocument } from '../../protocol/sidecar';
import type { Sidecar } from '../sidecar/supervisor';
import type { PrivacyFilter } from './privacy';

const maxDocumentChars = 2_000_000;

export class DocumentSync implements vscode.Disposable {
  private readonly mirrored = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly sidecar: Sidecar,
    private readonly privacy: PrivacyFilter,
  ) {
    this.unsubscribe = sidecar.onReady(() => {
      this.mirrored.clear();
      for (const document of vscode.workspace.textDocuments) this.open(document);
    });
    this.subscriptions.push(
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
    this.send(DidOpenDocument, { uri, languageId: document.languageId, version: document.version, text: document.getText() });
  }

  private change(event: vscode.TextDocumentChangeEvent): void {
    const uri = event.document.uri.toString();
    if (!this.mirrored.has(uri) || !event.contentChanges.length) return;
    if (event.document.getText().length > maxDocumentChars) return this.close(event.document);
    this.send(DidChangeDocument, {
      uri,
      version: event.document.version,
      changes: event.contentChanges.map((change) => ({
        range: {
          start: { line: change.range.start.line, character: change.range.start.character },
          end: { line: change.range.end.line, character: change.range.end.character },
        },
        text: change.text,
      })),
    });
  }

  private close(document: vscode.TextDocument): void {
    const uri = document.uri.toString();
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
