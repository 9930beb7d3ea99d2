// Turns mentions into attachments the model reads: files, symbols, the selection, problems,
// codebase hits and the uncommitted git changes. Secret and excluded files are never attached; big files are cut to a budget.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Attachment } from '../../protocol/chat';
import type { Sidecar } from '../sidecar/supervisor';
import type { CodeSearch } from '../index/codebaseIndex';
import { gitAttachment } from './gitContext';
import { searchCodebase } from './codebase';
import { parseMentions, type Mention } from './mentions';

/** One attachment's most characters (~10k tokens at our estimate); the context fit trims further. */
const maxAttachmentChars = 30_000;
const maxProblems = 100;

export interface ContextDeps {
  readonly sidecar: Sidecar;
  /** The workspace index, for `@codebase`. */
  readonly searchCode: CodeSearch;
  readonly isExcluded: (uri: vscode.Uri) => boolean;
  /** The editor the user was last in (the panel has focus while they type). */
  readonly lastEditor: () => vscode.TextEditor | undefined;
  /** The project's rules files that apply now, as chips (none when off or untrusted). */
  readonly projectRules?: () => Promise<Attachment[]>;
}

/** Resolves the message's mentions; one that cannot be resolved becomes a chip that says why. */
export async function resolveMentions(deps: ContextDeps, text: string, signal: AbortSignal): Promise<Attachment[]> {
  const { mentions, query } = parseMentions(text);
  const attachments: Attachment[] = [];
  for (const mention of mentions) attachments.push(await resolve(deps, mention, query, signal));
  return attachments;
}

async function resolve(deps: ContextDeps, mention: Mention, query: string, signal: AbortSignal): Promise<Attachment> {
  switch (mention.kind) {
    case 'file':
      return fileAttachment(deps, mention.path);
    case 'symbol':
      return symbolAttachment(deps, mention.name);
    case 'selection': {
      const editor = deps.lastEditor();
      if (editor && deps.isExcluded(editor.document.uri)) return { kind: 'selection', label: 'selection: in an excluded file', text: '' };
      return selectionAttachment(editor) ?? { kind: 'selection', label: 'selection: nothing selected', text: '' };
    }
    case 'problems':
      return problemsAttachment();
    case 'git':
      return gitAttachment(deps.isExcluded, maxAttachmentChars, signal);
    case 'codebase': {
      const search = await searchCodebase(deps.searchCode, query, signal);
      if (!search.available) return { kind: 'codebase', label: `codebase: index not available (${search.reason})`, text: '' };
      const text = search.hits.map((hit) => fenced(`${hit.path}:${hit.startLine}-${hit.endLine}`, hit.text)).join('\n\n');
      return { kind: 'codebase', label: `codebase: ${search.hits.length} result(s)${search.note && !search.hits.length ? ` (${search.note})` : ''}`, text };
    }
  }
}

export function selectionAttachment(editor: vscode.TextEditor | undefined): Attachment | undefined {
  if (!editor || editor.selection.isEmpty) return undefined;
  const { document, selection } = editor;
  const name = path.basename(document.uri.path);
  const lines = selection.start.line === selection.end.line ? `${selection.start.line + 1}` : `${selection.start.line + 1}-${selection.end.line + 1}`;
  return { kind: 'selection', label: `${name}:${lines}`, text: cap(document.getText(selection)), uri: document.uri.toString() };
}

/** A whole file as an attachment (pylot.openChat callers and the file picker use it too). */
export async function fileAttachment(deps: ContextDeps, relativePath: string): Promise<Attachment> {
  const uri = await findFile(relativePath);
  if (!uri) return { kind: 'file', label: `${relativePath}: not found`, text: '' };
  if (deps.isExcluded(uri)) return { kind: 'file', label: `${relativePath}: excluded (secret or .pylotignore)`, text: '' };
  const document = await vscode.workspace.openTextDocument(uri);
  return { kind: 'file', label: vscode.workspace.asRelativePath(uri), text: cap(document.getText()), uri: uri.toString() };
}

export async function symbolAttachment(deps: ContextDeps, name: string): Promise<Attachment> {
  const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>('vscode.executeWorkspaceSymbolProvider', name)) ?? [];
  const symbol = symbols.find((s) => s.name === name) ?? symbols.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!symbol) return { kind: 'symbol', label: `${name}: no such symbol`, text: '' };
  const { uri, range } = symbol.location;
  if (deps.isExcluded(uri)) return { kind: 'symbol', label: `${name}: in an excluded file`, text: '' };
  const document = await vscode.workspace.openTextDocument(uri);
  const full = (await enclosingSymbolRange(uri, range)) ?? range;
  return {
    kind: 'symbol',
    label: `${name} (${vscode.workspace.asRelativePath(uri)}:${full.start.line + 1})`,
    text: cap(document.getText(full)),
    uri: uri.toString(),
  };
}

/** Workspace symbols may carry only the name's range; the document's symbols know the body's. */
async function enclosingSymbolRange(uri: vscode.Uri, range: vscode.Range): Promise<vscode.Range | undefined> {
  const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', uri)) ?? [];
  let best: vscode.Range | undefined;
  const visit = (list: readonly vscode.DocumentSymbol[]) => {
    for (const symbol of list) {
      if (!('range' in symbol) || !symbol.range.contains(range.start)) continue;
      best = symbol.range;
      visit(symbol.children ?? []);
    }
  };
  visit(symbols);
  return best;
}

function problemsAttachment(): Attachment {
  const lines: string[] = [];
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    for (const d of diagnostics) {
      if (d.severity > vscode.DiagnosticSeverity.Warning) continue;
      const severity = d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning';
      lines.push(`${vscode.workspace.asRelativePath(uri)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severity}: ${d.message}`);
    }
  }
  const shown = lines.slice(0, maxProblems);
  const more = lines.length > shown.length ? `\n(${lines.length - shown.length} more not shown)` : '';
  return { kind: 'problems', label: `problems: ${lines.length}`, text: shown.length ? shown.join('\n') + more : 'No errors or warnings.' };
}

async function findFile(relativePath: string): Promise<vscode.Uri | undefined> {
  const cleaned = relativePath.replace(/^\.\//, '');
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const candidate = vscode.Uri.joinPath(folder.uri, cleaned);
    // joinPath normalises `..`: stay inside the folder.
    if (!candidate.path.startsWith(folder.uri.path.replace(/\/?$/, '/'))) continue;
    if (
      await vscode.workspace.fs.stat(candidate).then(
        (s) => s.type === vscode.FileType.File,
        () => false,
      )
    )
      return candidate;
  }
  const found = await vscode.workspace.findFiles(`**/${cleaned.replace(/[[\]{}*?]/g, '')}`, undefined, 1);
  return found[0];
}

/** The model's view of a message: its attachments first, fenced, then what the user asked. */
export function userMessage(text: string, attachments: readonly Attachment[]): string {
  const context = attachments.filter((a) => a.text).map((a) => fenced(`${a.kind === 'problems' ? 'Problems' : a.label}`, a.text));
  return context.length ? `${context.join('\n\n')}\n\n${text}` : text;
}

function fenced(title: string, body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${title}:\n${fence}\n${body}\n${fence}`;
}

function cap(text: string): string {
  return text.length <= maxAttachmentChars ? text : `${text.slice(0, maxAttachmentChars)}\n[… cut at ${maxAttachmentChars} characters …]`;
}
