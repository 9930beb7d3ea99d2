// The keystroke-path context engine: for a cursor in a mirrored document, the snippets a completion
// prompt should carry, assembled from every source inside one time box. Sources run in order of
// worth (the enclosing scope, imported definitions, edits, then the rest); whatever misses the
// deadline is finished in the background so the next request has it. No source reads a file or a
// document the boundary (boundary.ts) refuses, and every candidate is judged again at the end.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ContextSnippet } from '../../protocol/context';
import { cutWindow, type CompletionWindow } from '../completion/window';
import type { DocumentStore, TextDocument } from '../documents/store';
import { log } from '../log';
import { defaultBudgetChars, fitBudget, rankCandidates } from './assemble';
import { ContextBoundary } from './boundary';
import { deadlineIn, type Candidate } from './candidate';
import { DocumentTrees } from './documentTrees';
import { clipboardCandidates, editedCandidates, openTabCandidates, visitedCandidates, type SignalDeps, type SignalSite } from './editorSignals';
import { enclosingCandidates, enclosingScopes } from './enclosing';
import { FileOutlines } from './fileOutlines';
import { grammarFor, type Tree } from './grammars';
import { importedDefinitions, packageDepth } from './importedDefinitions';
import { tokenSet, WindowIndex } from './jaccard';
import { outlineOf, textOutline } from './outline/outline';
import { FsCache } from './resolve/fsCache';
import { Resolver } from './resolve/resolve';
import { SiblingUsage } from './siblingUsage';
import { SignalState } from './signals';
import { subwords } from './usage';

export interface Assembly {
  readonly snippets: ContextSnippet[];
  readonly elapsedMs: number;
  readonly timedOut: boolean;
}

export interface AssemblyOptions {
  readonly budgetChars?: number;
  /** The time box for the whole assembly. */
  readonly timeBoxMs?: number;
}

/** Below the 30 ms p95 target, leaving room for ranking and the event loop. */
export const defaultTimeBoxMs = 20;
const queryLines = 12;
const maxBackgroundFiles = 256;
const warmDocuments = 4;
const warmTimeBoxMs = 2_000;

export class ContextService {
  readonly signals = new SignalState();
  /** Told the workspace folders by context/signals; refuses every file until then. */
  readonly boundary = new ContextBoundary();
  readonly trees = new DocumentTrees();
  readonly fs = new FsCache();
  readonly outlines = new FileOutlines(this.fs, this.boundary);
  /** Import resolution; its scope takes the workspace folders (setRoots) and a Python environment. */
  readonly resolver = new Resolver(this.fs);
  private readonly siblings = new SiblingUsage(this.fs, this.boundary);
  private readonly windows = new WindowIndex();
  private readonly roots = new Map<string, string>();
  private readonly background: string[] = [];
  private warming = false;
  private warmedDocuments: Promise<void> = Promise.resolve();

  constructor(private readonly documents: Pick<DocumentStore, 'peek'>) {}

  async assemble(document: TextDocument, window: CompletionWindow, options: AssemblyOptions = {}): Promise<Assembly> {
    const started = performance.now();
    const { ranked, timedOut } = await this.candidatesAt(document, window, options.timeBoxMs ?? defaultTimeBoxMs);
    const snippets = fitBudget(ranked, options.budgetChars ?? defaultBudgetChars)
      .reverse()
      .map(({ filename, text, source, score }) => ({ filename, text, source, score }));
    return { snippets, elapsedMs: performance.now() - started, timedOut };
  }
  /**
   * What the extension says of the workspace: its folders bound what context may read and where
   * imports resolve; a configured Python environment adds its installed packages.
   */
  setWorkspace(folders: readonly string[], exclude: readonly string[] = [], pythonEnvironment?: string): void {
    const environment = pythonEnvironment ? environmentRoot(pythonEnvironment) : undefined;
    this.boundary.setWorkspace(folders, exclude, environment ? [environment] : []);
    this.resolver.scope.setRoots(folders);
    this.resolver.pythonEnvironment = environment;
  }

  /** Every source's candidates, ranked and deduplicated against the window, before the budget. */
  async candidatesAt(document: TextDocument, window: CompletionWindow, timeBoxMs: number): Promise<{ ranked: Candidate[]; timedOut: boolean }> {
    // The document's own tree first, outside the box: usually an incremental reparse (< 1 ms), but the
    // first in a session also loads the grammar and has V8 compile its parser (~0.1–1 s, once).
    this.trees.retain((uri) => this.documents.peek(uri) !== undefined);
    const tree = await this.trees.treeFor(document);
    const deadline = deadlineIn(timeBoxMs);
    const candidates: Candidate[] = [];
    const filePath = pathOf(document.uri);
    const filename = filePath ? this.filenameOf(filePath) : document.uri;
    const cursorLine = lineOf(document.text, window.offset);
    const windowText = window.prefix + window.suffix;
    const around = aroundCursor(document.text, window.offset);

    const grammar = await grammarFor(document.languageId);
    const scopes = tree ? enclosingScopes(tree, window.offset) : {};
    candidates.push(...enclosingCandidates(document.text, scopes, window.start, filePath ?? document.uri, filename));

    // A language without a grammar (Kotlin) is outlined from its text.
    const outline = tree && grammar ? outlineOf(document.languageId, tree, grammar.tags) : textOutline(document.languageId, document.text);
    if (outline && filePath) {
      const scope = scopes.fn ?? scopes.cls;
      const nearbyWords = new Set(subwords(around + (scope ? document.text.slice(scope.start, Math.min(scope.end, scope.start + 300)) : '')));
      const { candidates: imported, pending } = await importedDefinitions(
        {
          path: filePath,
          languageId: document.languageId,
          text: document.text,
          outline,
          cursorLine,
          scopes,
          nearbyWords,
          functionName: scopes.fn && functionNameOf(document.text.slice(scopes.fn.start, Math.min(scopes.fn.end, scopes.fn.start + 200))),
          wordsOfFunctionAt: tree && functionWords(tree, document.text),
        },
        {
          resolver: this.resolver,
          outlines: this.outlines,
          openText: (file) => this.openTextOf(file),
          filenameOf: (file) => this.filenameOf(file),
          deadline,
          ownPackageDepth: packageDepth(filePath),
          siblings: this.siblings,
        },
      );
      candidates.push(...imported);
      this.warmLater(pending);
    }

    const windowLines = { start: lineOf(document.text, window.start), end: lineOf(document.text, window.end) };
    const site: SignalSite = { uri: document.uri, windowLines, query: tokenSet(around), now: Date.now() };
    const deps: SignalDeps = {
      documentOf: (uri) => (this.boundary.allowsUri(uri) ? this.documents.peek(uri) : undefined),
      windows: this.windows,
      filenameOf: (uri) => this.displayNameOfUri(uri),
      deadline,
    };
    candidates.push(...editedCandidates(this.signals, site, deps), ...clipboardCandidates(this.signals, site));
    candidates.push(...visitedCandidates(this.signals, site, deps), ...openTabCandidates(this.signals, site, deps));

    // The current document's own scopes aside, each candidate's origin once more: one place no source can bypass.
    const clipboardSource = this.signals.clipboard?.source;
    const allowed = candidates.filter((candidate) => candidate.source === 'enclosing' || this.boundary.allowsSource(candidate.file, clipboardSource));
    return { ranked: rankCandidates(allowed, windowText), timedOut: deadline.expired() };
  }

  /**
   * Prepares the context of documents the user has open (their trees and imported files), in the
   * background, so the first completion in them finds it ready.
   */
  warm(uris: readonly string[]): Promise<void> {
    const documents = uris
      .slice(0, warmDocuments)
      .map((uri) => this.documents.peek(uri))
      .filter((d): d is TextDocument => d !== undefined);
    if (!documents.length) return this.warmedDocuments;
    return (this.warmedDocuments = this.warmedDocuments.then(async () => {
      for (const document of documents) {
        await this.candidatesAt(document, cutWindow(document.text, 0), warmTimeBoxMs).catch((error: unknown) =>
          log('debug', `context: could not warm ${document.uri}: ${String(error)}`),
        );
      }
    }));
  }

  dispose(): void {
    this.trees.dispose();
  }

  /** Parses files the time box left out, one per turn of the event loop, so requests stay responsive. */
  private warmLater(paths: readonly string[]): void {
    for (const file of paths) if (this.background.length < maxBackgroundFiles && !this.background.includes(file)) this.background.push(file);
    if (this.warming || !this.background.length) return;
    this.warming = true;
    const next = () => {
      const file = this.background.shift();
      if (file === undefined) {
        this.warming = false;
        return;
      }
      this.outlines.load(file, this.openTextOf(file)).then(
        () => setImmediate(next),
        (error: unknown) => {
          log('debug', `context: could not outline ${file}: ${String(error)}`);
          setImmediate(next);
        },
      );
    };
    setImmediate(next);
  }

  private openTextOf(file: string): { text: string; version: number } | undefined {
    // VS Code percent-encodes more of a path (e.g. `@` in node_modules/@scope) than Node does.
    const vscodeStyle = `file://${file.split('/').map(encodeURIComponent).join('/')}`;
    const document = this.documents.peek(pathToFileURL(file).href) ?? this.documents.peek(vscodeStyle);
    return document && { text: document.text, version: document.version };
  }

  /** A document's name as prompts show it: its path relative to its project, else the URI. */
  displayNameOfUri(uri: string): string {
    const file = pathOf(uri);
    return file ? this.filenameOf(file) : uri;
  }

  /** The path relative to its project root (the nearest folder with .git or a package manifest). */
  filenameOf(file: string): string {
    const dir = path.dirname(file);
    let root = this.roots.get(dir);
    if (root === undefined) {
      root = dir;
      for (let candidate = dir; ; candidate = path.dirname(candidate)) {
        if (
          ['.git', 'package.json', 'pyproject.toml', 'setup.py', 'go.mod', 'Cargo.toml', 'pom.xml', 'settings.gradle', 'settings.gradle.kts'].some((marker) =>
            this.fs.stat(path.join(candidate, marker)),
          )
        ) {
          root = candidate;
          if (this.fs.stat(path.join(candidate, '.git'))) break;
          // A package inside node_modules is named from the project that holds it.
          if (!candidate.includes(`${path.sep}node_modules${path.sep}`)) break;
        }
        if (path.dirname(candidate) === candidate) break;
      }
      this.roots.set(dir, root);
    }
    return path.relative(root, file) || path.basename(file);
  }
}

/** The words of the header of the function around a line (memoized per assembly). */
function functionWords(tree: Tree, text: string): (line: number) => ReadonlySet<string> | undefined {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const memo = new Map<number, ReadonlySet<string> | undefined>();
  return (line) => {
    if (!memo.has(line)) {
      const fn = enclosingScopes(tree, (starts[line] ?? 0) + 1).fn;
      memo.set(line, fn && new Set(subwords(text.slice(fn.start, Math.min(fn.end, fn.start + 300)))));
    }
    return memo.get(line);
  };
}

const notNames = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'async', 'await', 'new', 'typeof']);

/** The name a function's header declares (`function f(`, `f(`, `const f = (`, `def f(`), if any. */
export function functionNameOf(header: string): string | undefined {
  const match =
    /\bdef\s+([A-Za-z_]\w*)|\bfunction\*?\s+([A-Za-z_$][\w$]*)|([A-Za-z_$][\w$]*)\s*(?:[:=]\s*(?:async\s*)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>)|\(|<[^>]*>\s*\()/.exec(
      header,
    );
  const name = match?.[1] ?? match?.[2] ?? match?.[3];
  return name && !notNames.has(name) ? name : undefined;
}

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The lines just above the cursor and the line below: what the snippets should resemble. */
function aroundCursor(text: string, offset: number): string {
  let start = offset;
  for (let i = 0; i < queryLines && start > 0; i++) start = text.lastIndexOf('\n', start - 2) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const nextEnd = lineEnd < 0 ? text.length : text.indexOf('\n', lineEnd + 1);
  return text.slice(start, nextEnd < 0 ? text.length : nextEnd);
}

/** A Python environment's folder, from its interpreter (…/bin/python, …\Scripts\python.exe) or the folder itself. */
export function environmentRoot(configured: string): string {
  const resolved = path.resolve(configured);
  const interpreter = /^python[\d.]*(\.exe)?$/i.test(path.basename(resolved)) && /^(bin|Scripts)$/.test(path.basename(path.dirname(resolved)));
  return interpreter ? path.dirname(path.dirname(resolved)) : resolved;
}
