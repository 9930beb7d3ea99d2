// Ghost text from the sidecar's completion engine. This side decides whether to ask at all (not
// in excluded files, not mid-line before code, not without a model) and how long the debounce is;
// the sidecar answers from the suggestions it made earlier, from the generation the user is typing
// through, or with a new generation (sidecar/completion/inline.ts owns all three).
import * as vscode from 'vscode';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { InlineCompletion } from '../../protocol/sidecar';
import type { Log } from '../log';
import type { ModelManager } from '../models/modelManager';
import type { PylotSettings } from '../settingsReader';
import type { Sidecar } from '../sidecar/supervisor';
import type { DocumentSync } from './documentSync';
import type { LatencyTracker } from './latency';
import type { PrivacyFilter } from './privacy';
import { longSuffixFollows, type AdaptiveDebounce } from './trigger';

export interface ProviderDeps {
  readonly sidecar: Sidecar;
  readonly models: ModelManager;
  readonly settings: () => PylotSettings;
  readonly log: Log;
  readonly latency: LatencyTracker;
  readonly debounce: AdaptiveDebounce;
  readonly documents: DocumentSync;
  readonly privacy: PrivacyFilter;
  /** Asked for a suggestion with no completion model set: the moment to offer one. */
  readonly onNoModel?: () => void;
  /** The suggestion VS Code will show (the first item), for the usage statistics. */
  readonly onShown?: (document: vscode.TextDocument, position: vscode.Position, text: string, latencyMs: number) => void;
  /** A next edit is shown in this document: it has the floor (one of the two at a time). */
  readonly nextEditShown?: (document: vscode.TextDocument) => boolean;
  /** A next edit to show as ghost text at this cursor: it replaces the completion (one of the two). */
  readonly nextEditAtCursor?: (document: vscode.TextDocument, position: vscode.Position) => { range: vscode.Range; text: string } | undefined;
}

export class InlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  /** The document and version the last ghost text was given for. */
  private shown: { uri: string; version: number } | undefined;

  constructor(private readonly deps: ProviderDeps) {}

  /** Ghost text was given for this document as it is now (a next edit then waits its turn). */
  showsGhostText(document: vscode.TextDocument): boolean {
    return this.shown?.uri === document.uri.toString() && this.shown.version === document.version;
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const { models, privacy } = this.deps;
    const settings = this.deps.settings();
    if (privacy.isExcluded(document.uri)) return undefined;
    const nextEdit = this.deps.nextEditAtCursor?.(document, position);
    if (nextEdit) return [new vscode.InlineCompletionItem(nextEdit.text, nextEdit.range)];
    if (!settings.completionEnabled || this.deps.nextEditShown?.(document)) return undefined;
    if (models.state('completion').state === 'none') {
      if (document.uri.scheme === 'file' || document.uri.scheme === 'vscode-remote' || document.uri.scheme === 'untitled') this.deps.onNoModel?.();
      return undefined;
    }
    const automatic = context.triggerKind === vscode.InlineCompletionTriggerKind.Automatic;
    if (automatic && longSuffixFollows(document.lineAt(position.line).text.slice(position.character))) return undefined;
    const delayMs = automatic ? this.deps.debounce.delay(Date.now(), this.deps.latency.summary().p50Ms) : 0;
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    try {
      const answer = await this.request(document, position, automatic ? 1 : 3, delayMs, abort.signal);
      if (answer.items[0] && !token.isCancellationRequested) this.deps.onShown?.(document, position, answer.items[0], answer.latencyMs);
      const found = items(answer.items, position, document);
      if (found) this.shown = { uri: document.uri.toString(), version: document.version };
      return found;
    } catch (error) {
      const quiet =
        error instanceof PylotError &&
        [
          ErrorCodes.Cancelled,
          ErrorCodes.NoModel,
          ErrorCodes.ModelInvalid,
          ErrorCodes.ModelNotFound,
          ErrorCodes.ModelTooLarge,
          ErrorCodes.ModelLoadFailed,
          ErrorCodes.AuthFailed,
        ].includes(error.code as never);
      // Load failures are reported once by the model manager; a completion that failed is only logged.
      if (!quiet) this.deps.log.warn(`completion failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      subscription.dispose();
    }
  }

  /** Asks for a suggestion where the cursor is now, e.g. right after one was accepted: the sidecar keeps it. */
  async prefetch(editor: vscode.TextEditor): Promise<void> {
    if (this.deps.models.state('completion').state !== 'ready' || this.deps.privacy.isExcluded(editor.document.uri)) return;
    await this.request(editor.document, editor.selection.active, 1, 0, new AbortController().signal).catch(() => undefined);
  }

  private async request(
    document: vscode.TextDocument,
    position: vscode.Position,
    alternatives: number,
    delayMs: number,
    signal: AbortSignal,
  ): Promise<{ items: readonly string[]; latencyMs: number }> {
    const { sidecar, models, documents, latency, log } = this.deps;
    await models.ensureLoaded('completion', signal);
    if (!documents.ensure(document)) return { items: [], latencyMs: 0 };
    const started = performance.now();
    const settings = this.deps.settings();
    const result = await sidecar.request(
      InlineCompletion,
      {
        uri: document.uri.toString(),
        version: document.version,
        position: { line: position.line, character: position.character },
        maxTokens: settings.maxTokens,
        timeLimitMs: settings.timeLimitMs,
        latencyTargetMs: settings.latencyTargetMs,
        alternatives,
        delayMs,
      },
      { signal },
    );
    const latencyMs = performance.now() - started - delayMs;
    latency.record(latencyMs, result);
    this.deps.models.noteAnswer('completion', result.server);
    if (!result.reused)
      log.debug(
        `completion: ${result.items.length} item(s), ${result.tokens} tokens, ${result.promptTokens ?? '?'} prompt tokens evaluated${result.anchored ? ' (anchored)' : ''}, ${result.engineMs.toFixed(0)} ms (${result.stopReason})`,
      );
    return { items: result.items, latencyMs };
  }
}

function items(found: readonly string[], position: vscode.Position, document: vscode.TextDocument): vscode.InlineCompletionItem[] | undefined {
  if (!found.length) return undefined;
  const accepted: vscode.Command = { command: 'pylot.completionAccepted', title: 'Prefetch the next completion', arguments: [document.uri.toString()] };
  return found.map((text) => new vscode.InlineCompletionItem(text, new vscode.Range(position, position), accepted));
}
