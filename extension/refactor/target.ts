// What a command works on: the selection (widened to whole lines), else the symbol around the
// cursor from the language's document symbol provider, else the whole file. Plus the cheap context
// a model needs to do it well: the file's imports, the symbol's references, diagnostics.
import * as vscode from 'vscode';
import type { SelectionNeed } from './promptFile';
import { CommandRefused } from './run';

export interface Target {
  readonly document: vscode.TextDocument;
  /** The version the request is made against: nothing is applied onto another. */
  readonly version: number;
  /** Whole lines. */
  readonly range: vscode.Range;
  readonly text: string;
  readonly kind: 'selection' | 'symbol' | 'file';
  /** The enclosing symbol, when there is one. */
  readonly symbol?: vscode.DocumentSymbol;
}

const symbolKinds = new Set([
  vscode.SymbolKind.Function,
  vscode.SymbolKind.Method,
  vscode.SymbolKind.Constructor,
  vscode.SymbolKind.Class,
  vscode.SymbolKind.Interface,
  vscode.SymbolKind.Enum,
  vscode.SymbolKind.Struct,
  vscode.SymbolKind.Module,
]);

/** The file is small enough to be the target when nothing smaller is found. */
const wholeFileLines = 400;
/** A language server still starting is not worth waiting for. */
const symbolTimeoutMs = 3_000;

export async function findTarget(editor: vscode.TextEditor, need: SelectionNeed = 'optional'): Promise<Target> {
  const { document, selection } = editor;
  const version = document.version;
  if (need === 'none') return fileTarget(document, version);
  if (!selection.isEmpty) {
    const range = wholeLines(document, selection);
    return { document, version, range, text: document.getText(range), kind: 'selection', symbol: await enclosingSymbol(document, selection.start) };
  }
  if (need === 'required') throw new CommandRefused('select the code to work on first.');
  const symbol = await enclosingSymbol(document, selection.active);
  if (symbol) {
    const range = wholeLines(document, symbol.range);
    return { document, version, range, text: document.getText(range), kind: 'symbol', symbol };
  }
  if (document.lineCount <= wholeFileLines) return fileTarget(document, version);
  throw new CommandRefused('no function or class around the cursor: select the code to work on.');
}

function fileTarget(document: vscode.TextDocument, version: number): Target {
  const range = wholeLines(document, new vscode.Range(0, 0, document.lineCount - 1, 0));
  return { document, version, range, text: document.getText(range), kind: 'file' };
}

export function wholeLines(document: vscode.TextDocument, range: vscode.Range): vscode.Range {
  // A selection ending at column 0 of a line does not include that line.
  const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  return new vscode.Range(range.start.line, 0, endLine, document.lineAt(endLine).text.length);
}

/** The innermost function, class or similar that contains the position. */
export async function enclosingSymbol(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.DocumentSymbol | undefined> {
  const symbols = await withTimeout(
    vscode.commands.executeCommand<Array<vscode.DocumentSymbol | vscode.SymbolInformation> | undefined>('vscode.executeDocumentSymbolProvider', document.uri),
    symbolTimeoutMs,
  );
  let found: vscode.DocumentSymbol | undefined;
  let level = (symbols ?? []).filter((symbol): symbol is vscode.DocumentSymbol => 'children' in symbol);
  for (;;) {
    const inner = level.find((symbol) => symbol.range.contains(position));
    if (!inner) return found;
    if (symbolKinds.has(inner.kind)) found = inner;
    level = inner.children;
  }
}

/** The file's import lines: what the model needs to know which names come from where. */
export function importLines(document: vscode.TextDocument): string[] {
  const pattern =
    /^\s*(import\b|from\s+\S+\s+import\b|export\s+(\*|\{[^}]*\})\s+from\b|#include\b|using\s+[\w.]+;|use\s+[\w:]+|require\(|(const|let|var)\s+.+=\s*require\(|package\s+\w)/;
  const lines: string[] = [];
  for (let line = 0; line < Math.min(document.lineCount, 200); line++) {
    const text = document.lineAt(line).text;
    if (pattern.test(text)) lines.push(text);
  }
  return lines;
}

/** Up to `limit` places that use the symbol, each as "file:line: text", within a short time. */
export async function referenceLines(document: vscode.TextDocument, symbol: vscode.DocumentSymbol, limit = 8): Promise<string[]> {
  const locations = await withTimeout(
    vscode.commands.executeCommand<vscode.Location[] | undefined>('vscode.executeReferenceProvider', document.uri, symbol.selectionRange.start),
    symbolTimeoutMs,
  );
  const outside = (locations ?? []).filter((location) => !(location.uri.toString() === document.uri.toString() && symbol.range.contains(location.range)));
  const lines: string[] = [];
  for (const location of outside.slice(0, limit)) {
    const doc = await vscode.workspace.openTextDocument(location.uri).then(
      (d) => d,
      () => undefined,
    );
    if (doc)
      lines.push(`${vscode.workspace.asRelativePath(location.uri)}:${location.range.start.line + 1}: ${doc.lineAt(location.range.start.line).text.trim()}`);
  }
  return lines;
}

/**
 * Where the names the target uses but does not declare are defined, as "file:line: text": the
 * signatures a model would otherwise guess. Asked of the definition provider for a few names at
 * once, within a short time; names it cannot resolve are left out.
 */
export async function definitionLines(target: Target, limit = 8): Promise<string[]> {
  const { document, range } = target;
  const start = document.offsetAt(range.start);
  const seen = new Set<string>();
  const asks: Array<Promise<string | undefined>> = [];
  for (const match of target.text.matchAll(/\b[A-Za-z_$][\w$]*(?=\s*[(<.])/g)) {
    if (seen.has(match[0]) || keywords.has(match[0]) || asks.length >= limit) continue;
    seen.add(match[0]);
    const position = document.positionAt(start + match.index);
    asks.push(
      withTimeout(
        vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink> | undefined>('vscode.executeDefinitionProvider', document.uri, position),
        symbolTimeoutMs,
      ).then(async (found) => {
        const first = found?.[0];
        if (!first) return undefined;
        const uri = 'targetUri' in first ? first.targetUri : first.uri;
        const at = 'targetUri' in first ? first.targetRange : first.range;
        if (uri.toString() === document.uri.toString() && range.contains(at)) return undefined;
        const doc = await vscode.workspace.openTextDocument(uri).then(
          (d) => d,
          () => undefined,
        );
        return doc && `${vscode.workspace.asRelativePath(uri)}:${at.start.line + 1}: ${doc.lineAt(at.start.line).text.trim()}`;
      }),
    );
  }
  return (await Promise.all(asks)).filter((line): line is string => Boolean(line));
}

const keywords = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'function',
  'return',
  'await',
  'typeof',
  'new',
  'super',
  'this',
  'self',
  'def',
  'print',
  'console',
]);

/** The diagnostics overlapping the range, most severe first. */
export function diagnosticsIn(document: vscode.TextDocument, range: vscode.Range): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(document.uri)
    .filter((diagnostic) => diagnostic.range.intersection(range) !== undefined)
    .sort((a, b) => a.severity - b.severity);
}

function withTimeout<T>(promise: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
