// Ghost text from the sidecar's completion engine. This side decides when to ask (adaptive
// debounce, not mid-line, never in excluded files) and answers from its cache when it can —
// exact positions and typed-through suggestions — so the engine runs as little as possible, at
// most one generation at a time, and a generation the user is typing through is awaited, not
// restarted. The prompt, the model and post-processing live in the sidecar.
import * as vscode from 'vscode';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { InlineCompletion } from '../../protocol/sidecar';
import type { Log } from '../log';
import type { ModelManager } from '../models/modelManager';
import type { PylotSettings } from '../settings';
import type { Sidecar } from '../sidecar/supervisor';
import { afterChars, beforeChars, typedThroughChars, type Around, type CompletionCache } from './cache';
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
  readonly cache: CompletionCache;
  readonly debounce: AdaptiveDebounce;
  readonly documents: DocumentSync;
  readonly privacy: PrivacyFilter;
  /** Asked for a suggestion with no completion model set: the moment to offer one. */
  readonly onNoModel?: () => void;
}

interface InFlight {
  readonly around: Around;
  readonly abort: AbortController;
  readonly done: Promise<readonly string[]>;
}

export class InlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  private inflight: InFlight | undefined;

  constructor(private readonly deps: ProviderDeps) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const { models, cache, privacy } = this.deps;
    const settings = this.deps.settings();
    if (!settings.completionEnabled || privacy.isExcluded(document.uri)) return undefined;
    if (models.state('completion').state === 'none') {
      if (document.uri.scheme === 'file' || document.uri.scheme === 'vscode-remote' || document.uri.scheme === 'untitled') this.deps.onNoModel?.();
      return undefined;
    }
    const automatic = context.triggerKind === vscode.InlineCompletionTriggerKind.Automatic;
    if (automatic && longSuffixFollows(document.lineAt(position.line).text.slice(position.character))) return undefined;

    const around = aroundCursor(document, position);
    const between = (from: number, to: number) => document.getText(new vscode.Range(document.positionAt(from), document.positionAt(to)));
    const cached = cache.lookup(around, between);
    if (cached) return items(cached, position, document);

    try {
      // Typing what is being generated: wait for it. The sidecar stops it once the typing departs
      // from what it says, and then this asks anew.
      const typedThrough = this.typedThroughInFlight(around, between);
      if (typedThrough) {
        const found = await untilCancelled(typedThrough, token);
        if (found.length || token.isCancellationRequested) return items(found, position, document);
      }
      this.inflight?.abort.abort();
      this.inflight = undefined;
      if (automatic && !(await pause(this.deps.debounce.delay(Date.now(), this.deps.latency.summary().p50Ms), token))) return undefined;
      const found = await this.generate(document, position, around, automatic ? 1 : 3, token);
      return items(found, position, document);
    } catch (error) {
      const quiet = error instanceof PylotError && [ErrorCodes.Cancelled, ErrorCodes.NoModel, ErrorCodes.ModelInvalid, ErrorCodes.ModelNotFound, ErrorCodes.ModelTooLarge, ErrorCodes.ModelLoadFailed, ErrorCodes.AuthFailed].includes(error.code as never);
      // Load failures are reported once by the model manager; a completion that failed is only logged.
      if (!quiet) this.deps.log.warn(`completion failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Fills the cache for where the cursor is now, e.g. right after a suggestion was accepted. */
  async prefetch(editor: vscode.TextEditor): Promise<void> {
    if (this.deps.models.state('completion').state !== 'ready' || this.deps.privacy.isExcluded(editor.document.uri)) return;
    const position = editor.selection.active;
    const around = aroundCursor(editor.document, position);
    if (this.deps.cache.lookup(around, () => '')) return;
    const source = new vscode.CancellationTokenSource();
    await this.generate(editor.document, position, around, 1, source.token).catch(() => undefined);
    source.dispose();
  }

  private async generate(document: vscode.TextDocument, position: vscode.Position, around: Around, alternatives: number, token: vscode.CancellationToken): Promise<readonly string[]> {
    const { sidecar, models, documents, cache, latency, log } = this.deps;
    const abort = new AbortController();
    const loading = models.ensureLoaded('completion', abort.signal);
    const done = (async () => {
      await loading;
      if (!documents.ensure(document)) return [];
      const started = performance.now();
      const settings = this.deps.settings();
      const result = await sidecar.request(
        InlineCompletion,
        { uri: document.uri.toString(), version: document.version, position: { line: position.line, character: position.character }, maxTokens: settings.maxTokens, timeLimitMs: settings.timeLimitMs, alternatives },
        { signal: abort.signal },
      );
      latency.record(performance.now() - started, result.tokens, result.engineMs);
      log.debug(`completion: ${result.items.length} item(s), ${result.tokens} tokens, ${result.promptTokens ?? '?'} prompt tokens evaluated${result.anchored ? ' (anchored)' : ''}, ${result.engineMs.toFixed(0)} ms (${result.stopReason})`);
      // What a stopped generation said is a fragment, not a suggestion worth keeping.
      if (result.stopReason !== 'aborted') cache.remember(around, result.items);
      return result.items;
    })();
    const inflight = { around, abort, done };
    this.inflight = inflight;
    void done.finally(() => this.inflight === inflight && (this.inflight = undefined)).catch(() => undefined);
    // A cancelled call leaves its generation running: the next keystroke may be typing through it.
    return untilCancelled(done, token);
  }

  /** The generation in flight, trimmed, when the user has only typed the start of what it produces. */
  private typedThroughInFlight(around: Around, between: (from: number, to: number) => string): Promise<readonly string[]> | undefined {
    const inflight = this.inflight;
    if (!inflight || inflight.around.uri !== around.uri) return undefined;
    const typedLength = around.offset - inflight.around.offset;
    if (typedLength <= 0 || typedLength > typedThroughChars) return undefined;
    const typed = between(inflight.around.offset, around.offset);
    if ((inflight.around.before + typed).slice(-beforeChars) !== around.before || inflight.around.after !== around.after) return undefined;
    return inflight.done.then((found) => found.filter((item) => item.startsWith(typed) && item.length > typed.length).map((item) => item.slice(typed.length)));
  }
}

export function aroundCursor(document: vscode.TextDocument, position: vscode.Position): Around {
  const offset = document.offsetAt(position);
  return {
    uri: document.uri.toString(),
    offset,
    before: document.getText(new vscode.Range(document.positionAt(Math.max(0, offset - beforeChars)), position)),
    after: document.getText(new vscode.Range(position, document.positionAt(offset + afterChars))),
  };
}

function items(found: readonly string[], position: vscode.Position, document: vscode.TextDocument): vscode.InlineCompletionItem[] | undefined {
  if (!found.length) return undefined;
  const accepted: vscode.Command = { command: 'pylot.completionAccepted', title: 'Prefetch the next completion', arguments: [document.uri.toString()] };
  return found.map((text) => new vscode.InlineCompletionItem(text, new vscode.Range(position, position), accepted));
}

function untilCancelled<T>(promise: Promise<T>, token: vscode.CancellationToken): Promise<T> {
  if (token.isCancellationRequested) return Promise.reject(new PylotError(ErrorCodes.Cancelled, 'Cancelled'));
  return new Promise<T>((resolve, reject) => {
    const subscription = token.onCancellationRequested(() => reject(new PylotError(ErrorCodes.Cancelled, 'Cancelled')));
    promise.then(resolve, reject).finally(() => subscription.dispose());
  });
}

function pause(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve(!token.isCancellationRequested);
    }, ms);
    const subscription = token.onCancellationRequested(() => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(false);
    });
  });
}
