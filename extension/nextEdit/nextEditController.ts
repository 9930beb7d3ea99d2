// Next edit suggestions in the editor, on the stable API: the sidecar's suggestions for the active
// document (after a pause in typing, or when asked), the nearest one drawn as a decoration — the
// text it replaces struck through, the new text beside it, and a hint — with Tab to jump to it, Tab
// again to accept it (one undoable edit), Esc to dismiss. A place to look at (a call site) is
// outlined; Tab jumps there, Tab again moves on. Excluded files are never asked about; typing
// clears what is shown. The mode is per language (`pylot.nextEdit.mode`), and it can be snoozed.
// Ghost text and a next edit take turns: no completion while one is shown, no eager one over ghost text.
// An edit right at the cursor that only adds text is shown as ghost text instead (the inline
// completion provider asks ghostTextAt), accepted with VS Code's own Tab.
// A rename's other uses come from the language's rename provider where it answers (renameProvider.ts):
// all its places in this document are drawn, Tab jumps to the nearest, Tab again applies the whole
// rename as one edit (other files included, named in the hint).
import * as vscode from 'vscode';
import { NextEditSuggest, type NextEditSuggestion } from '../../protocol/nextEdit';
import type { SettingKey, SettingValue } from '../../protocol/settings';
import type { DocumentSync } from '../completion/documentSync';
import type { PrivacyFilter } from '../completion/privacy';
import type { Log } from '../log';
import type { ModelManager } from '../models/modelManager';
import { validSetting } from '../settingsReader';
import type { Sidecar } from '../sidecar/supervisor';
import { providerRename, type ProviderRename } from './renameProvider';

export interface NextEditDeps {
  readonly sidecar: Sidecar;
  readonly documents: DocumentSync;
  readonly privacy: PrivacyFilter;
  readonly log: Log;
  /** Loads the model a next-edit request may use (the completion model; the chat model for `instruct`). */
  readonly models?: Pick<ModelManager, 'state' | 'ensureLoaded'>;
  /** Ghost text is shown in this document now: an eager next edit waits (one of the two at a time). */
  readonly ghostTextShown?: (document: vscode.TextDocument) => boolean;
}

interface Shown {
  readonly editor: vscode.TextEditor;
  readonly version: number;
  readonly suggestions: NextEditSuggestion[];
  index: number;
  /** Tab has moved the cursor to it: the next Tab accepts. */
  jumped: boolean;
  /** The rename provider's rename: the suggestions are its places here, accepted all at once. */
  readonly rename?: ProviderRename;
}

export type TabResult = 'jumped' | 'accepted' | 'next' | undefined;

/** A suggested edit shown as ghost text at the cursor. */
interface AtCursor {
  readonly document: vscode.TextDocument;
  readonly version: number;
  readonly range: vscode.Range;
  readonly text: string;
}

const contextKey = 'pylot.nextEditVisible';

export class NextEditController implements vscode.Disposable {
  private shown: Shown | undefined;
  private atCursor: AtCursor | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending: AbortController | undefined;
  private snoozedUntil = 0;
  private readonly removed = vscode.window.createTextEditorDecorationType({
    textDecoration: 'line-through',
    backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
  });
  private readonly inserted = vscode.window.createTextEditorDecorationType({});
  private readonly place = vscode.window.createTextEditorDecorationType({ border: '1px dashed', borderColor: new vscode.ThemeColor('editorInfo.foreground') });
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: NextEditDeps) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => this.onChange(event)),
      vscode.window.onDidChangeActiveTextEditor(() => this.clear()),
      vscode.commands.registerCommand('pylot.nextEdit.suggest', () => this.suggest(true)),
      vscode.commands.registerCommand('pylot.nextEdit.tab', () => this.tab()),
      vscode.commands.registerCommand('pylot.nextEdit.dismiss', () => this.clear()),
      vscode.commands.registerCommand('pylot.nextEdit.snooze', () => this.snooze()),
    ];
  }

  private setting<K extends SettingKey>(key: K, document?: vscode.TextDocument): SettingValue<K> {
    const config = vscode.workspace.getConfiguration('pylot', document && { uri: document.uri, languageId: document.languageId });
    return validSetting(key, config.get(key), (problem) => this.deps.log.warn(problem));
  }

  private onChange(event: vscode.TextDocumentChangeEvent): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || event.document !== editor.document || !event.contentChanges.length) return;
    this.clear();
    const mode = this.setting('nextEdit.mode', event.document);
    // An edit is the engine's first need: it starts now, so the edits that follow are in its history.
    if (mode !== 'off' && !this.deps.privacy.isExcluded(event.document.uri)) void this.deps.sidecar.ensureStarted().catch(() => undefined);
    if (mode !== 'eager' || Date.now() < this.snoozedUntil) return;
    this.timer = setTimeout(() => void this.suggest(false), this.setting('nextEdit.pauseMs'));
  }

  /** Asks the sidecar and shows the nearest suggestion; returns how many there are. */
  async suggest(asked: boolean): Promise<number> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return 0;
    const { document } = editor;
    if (this.setting('nextEdit.mode', document) === 'off' || this.deps.privacy.isExcluded(document.uri)) {
      if (asked) vscode.window.setStatusBarMessage('Pylot suggests no edits in this file.', 4_000);
      return 0;
    }
    this.pending?.abort();
    const pending = (this.pending = new AbortController());
    const version = document.version;
    const position = editor.selection.active;
    const model = this.setting('nextEdit.model', document);
    await this.deps.sidecar.ensureStarted().catch(() => undefined);
    // Loading the model a request may use starts the engine too, as typing does for ghost text.
    await this.loadModels(model, pending.signal);
    if (pending.signal.aborted || document.version !== version) return 0;
    if (!this.deps.documents.ensure(document)) return 0;
    let suggestions: NextEditSuggestion[];
    try {
      ({ suggestions } = await this.deps.sidecar.request(
        NextEditSuggest,
        {
          uri: document.uri.toString(),
          version,
          position: { line: position.line, character: position.character },
          model,
        },
        { signal: pending.signal },
      ));
    } catch (error) {
      if (!pending.signal.aborted) this.deps.log.debug(`next edits: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
    if (pending.signal.aborted || document.version !== version || vscode.window.activeTextEditor !== editor) return 0;
    if (!asked && this.deps.ghostTextShown?.(document)) return 0;
    const rename = await providerRename(document, suggestions, (uri) => !this.deps.privacy.isExcluded(uri));
    if (pending.signal.aborted || document.version !== version || vscode.window.activeTextEditor !== editor) return 0;
    if (rename) suggestions = byDistance(rename.suggestions, position);
    if (!suggestions.length) {
      if (asked) vscode.window.setStatusBarMessage('Pylot: no next edit to suggest.', 4_000);
      return 0;
    }
    const ghost = ghostText(document, position, suggestions[0]!);
    if (ghost) {
      this.atCursor = { document, version, ...ghost };
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      return suggestions.length;
    }
    this.shown = { editor, version, suggestions, index: 0, jumped: false, ...(rename && { rename }) };
    this.draw();
    return suggestions.length;
  }

  /** The suggested edit at this cursor, to show as ghost text (the inline completion provider asks). */
  ghostTextAt(document: vscode.TextDocument, position: vscode.Position): { range: vscode.Range; text: string } | undefined {
    const at = this.atCursor;
    if (!at || at.document !== document || at.version !== document.version || !at.range.start.isEqual(position)) return undefined;
    return { range: at.range, text: at.text };
  }

  /** The models a request with this choice may use, loaded first (a load failure is the model manager's to report). */
  private async loadModels(model: SettingValue<'nextEdit.model'>, signal: AbortSignal): Promise<void> {
    const { models } = this.deps;
    if (!models || model === 'off') return;
    for (const role of model === 'instruct' ? (['completion', 'chat'] as const) : (['completion'] as const)) {
      if (models.state(role).state !== 'none') await models.ensureLoaded(role, signal).catch(() => undefined);
    }
  }

  /** A suggestion is shown in this document (inline completions then wait). */
  isShowing(document: vscode.TextDocument): boolean {
    return this.current()?.editor.document === document;
  }

  /** Tab: jump to the suggestion, or accept it once the cursor is there. */
  async tab(): Promise<TabResult> {
    const shown = this.current();
    if (!shown) return undefined;
    const suggestion = shown.suggestions[shown.index]!;
    const range = rangeOf(suggestion);
    if (!shown.jumped) {
      shown.jumped = true;
      shown.editor.selection = new vscode.Selection(range.start, range.start);
      shown.editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      this.draw();
      return 'jumped';
    }
    if (suggestion.text === undefined) {
      // A place to look at: Tab again moves on to the next one.
      if (shown.index + 1 >= shown.suggestions.length) return void this.clear();
      shown.index++;
      shown.jumped = false;
      this.draw();
      return 'next';
    }
    this.clear();
    if (shown.rename) return this.acceptRename(shown.editor, shown.suggestions, range, shown.rename);
    const text = suggestion.text;
    if (!(await shown.editor.edit((builder) => builder.replace(range, text)))) return undefined;
    const end = range.start.translate(0, text.split('\n')[0]!.length);
    shown.editor.selection = new vscode.Selection(end, end);
    return 'accepted';
  }

  /** The provider's whole rename: one edit of this document (one undo), or its WorkspaceEdit when it reaches other files. */
  private async acceptRename(editor: vscode.TextEditor, places: readonly NextEditSuggestion[], at: vscode.Range, rename: ProviderRename): Promise<TabResult> {
    const applied = rename.otherFiles.length
      ? await vscode.workspace.applyEdit(rename.edit)
      : await editor.edit((builder) => {
          for (const place of places) builder.replace(rangeOf(place), place.text!);
        });
    if (!applied) return undefined;
    // The cursor goes to the end of the place it was at, past what the edits before it on its line added.
    let shift = 0;
    for (const place of places) {
      const range = rangeOf(place);
      if (range.end.line === at.start.line && range.end.isBeforeOrEqual(at.start)) shift += place.text!.length - (range.end.character - range.start.character);
    }
    const text = places.find((place) => rangeOf(place).isEqual(at))?.text ?? '';
    const end = at.start.translate(0, shift + text.length);
    editor.selection = new vscode.Selection(end, end);
    return 'accepted';
  }

  /** Keeps eager suggestions away for a while; run again while snoozed, it brings them back. */
  private snooze(): void {
    if (Date.now() < this.snoozedUntil) {
      this.snoozedUntil = 0;
      vscode.window.setStatusBarMessage('Pylot: next edits are back.', 4_000);
      return;
    }
    const minutes = this.setting('nextEdit.snoozeMinutes');
    this.snoozedUntil = Date.now() + minutes * 60_000;
    this.clear();
    vscode.window.setStatusBarMessage(`Pylot: next edits snoozed for ${minutes} minutes.`, 4_000);
  }

  /** What is shown, while its editor and text are still the ones it was made for. */
  private current(): Shown | undefined {
    const shown = this.shown;
    if (shown && (shown.editor.document.version !== shown.version || vscode.window.activeTextEditor !== shown.editor)) return void this.clear();
    return shown;
  }

  private draw(): void {
    const shown = this.shown!;
    const { editor } = shown;
    const suggestion = shown.suggestions[shown.index]!;
    const range = rangeOf(suggestion);
    const count = shown.suggestions.length;
    const more = shown.rename ? (count > 1 ? ` (${count} places here)` : '') : count > 1 ? ` (${shown.index + 1} of ${count})` : '';
    const hint =
      suggestion.text === undefined
        ? `  ${suggestion.label}: Tab to jump, Tab again for the next, Esc to dismiss${more}`
        : `  ${suggestion.label}: Tab to jump, Tab again to accept, Esc to dismiss${more}`;
    const lineEnd = editor.document.lineAt(range.end.line).range.end;
    const hintDecoration = { range: new vscode.Range(lineEnd, lineEnd), renderOptions: after(hint, 'editorCodeLens.foreground') };
    if (suggestion.text === undefined) {
      editor.setDecorations(this.removed, []);
      editor.setDecorations(this.place, [{ range }]);
      editor.setDecorations(this.inserted, [hintDecoration]);
    } else {
      // A provider's rename is drawn at every place at once: it is accepted as one.
      const drawn = shown.rename ? shown.suggestions : [suggestion];
      editor.setDecorations(this.place, []);
      editor.setDecorations(
        this.removed,
        drawn.map(rangeOf).filter((r) => !r.isEmpty),
      );
      const insertedText = drawn.map((s) => ({
        range: new vscode.Range(rangeOf(s).end, rangeOf(s).end),
        renderOptions: after(s.text!, 'editor.foreground', 'diffEditor.insertedTextBackground'),
      }));
      editor.setDecorations(this.inserted, [...insertedText, hintDecoration]);
    }
    void vscode.commands.executeCommand('setContext', contextKey, true);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending?.abort();
    this.atCursor = undefined;
    const shown = this.shown;
    this.shown = undefined;
    if (!shown) return;
    for (const type of [this.removed, this.inserted, this.place]) shown.editor.setDecorations(type, []);
    void vscode.commands.executeCommand('setContext', contextKey, false);
  }

  dispose(): void {
    this.clear();
    for (const disposable of [...this.subscriptions, this.removed, this.inserted, this.place]) disposable.dispose();
  }
}

function after(contentText: string, color: string, background?: string): vscode.DecorationInstanceRenderOptions {
  return {
    after: {
      contentText,
      color: new vscode.ThemeColor(color),
      backgroundColor: background && new vscode.ThemeColor(background),
      fontStyle: background ? undefined : 'italic',
    },
  };
}

/** An edit that starts at the cursor, on its line, and only adds to the text it covers: ghost text can show it. */
function ghostText(
  document: vscode.TextDocument,
  position: vscode.Position,
  suggestion: NextEditSuggestion,
): { range: vscode.Range; text: string } | undefined {
  if (suggestion.text === undefined) return undefined;
  const range = rangeOf(suggestion);
  if (!range.start.isEqual(position) || !range.isSingleLine) return undefined;
  const replaced = document.getText(range);
  return suggestion.text.startsWith(replaced) && suggestion.text.length > replaced.length ? { range, text: suggestion.text } : undefined;
}

/** Nearest to the cursor first. */
function byDistance(suggestions: NextEditSuggestion[], position: vscode.Position): NextEditSuggestion[] {
  const distance = (s: NextEditSuggestion) => {
    const range = rangeOf(s);
    return Math.abs(range.start.line - position.line) * 10_000 + Math.abs(range.start.character - position.character);
  };
  return suggestions.sort((a, b) => distance(a) - distance(b));
}

function rangeOf(suggestion: NextEditSuggestion): vscode.Range {
  const { start, end } = suggestion.range;
  return new vscode.Range(start.line, start.character, end.line, end.character);
}
