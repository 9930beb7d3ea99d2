// Ghost text from the sidecar's completion model. The provider only cuts the fill-in-the-middle
// window out of the document; the prompt and the model live in the sidecar.
import type { Log } from '../log';
import * as vscode from 'vscode';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { Infill } from '../../protocol/sidecar';
import type { ModelManager } from '../models/modelManager';
import type { PylotSettings } from '../settings';
import type { Sidecar } from '../sidecar/supervisor';
import type { LatencyTracker } from './latency';

/** Characters of context on each side of the cursor; the sidecar trims further to the model's context. */
const prefixChars = 6_000;
const suffixChars = 2_000;
/** Typing pauses shorter than this do not start a generation. */
const debounceMs = 120;

export class InlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly models: ModelManager,
    private readonly settings: () => PylotSettings,
    private readonly log: Log,
    private readonly latency: LatencyTracker,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = this.settings();
    if (!settings.completionEnabled || this.models.state('completion').state === 'none') return undefined;
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    try {
      if (context.triggerKind === vscode.InlineCompletionTriggerKind.Automatic && !(await pause(debounceMs, abort.signal))) return undefined;
      await this.models.ensureLoaded('completion', abort.signal);
      const started = performance.now();
      const offset = document.offsetAt(position);
      const text = document.getText();
      const result = await this.sidecar.request(
        Infill,
        {
          prefix: text.slice(Math.max(0, offset - prefixChars), offset),
          suffix: text.slice(offset, offset + suffixChars),
          filename: vscode.workspace.asRelativePath(document.uri),
          maxTokens: settings.maxTokens,
        },
        { signal: abort.signal },
      );
      this.latency.record(performance.now() - started, result.tokens, result.engineMs);
      this.log.debug(`completion: ${result.tokens} tokens in ${result.engineMs.toFixed(0)} ms (${result.stopReason})`);
      if (!result.text.trim()) return undefined;
      return [new vscode.InlineCompletionItem(result.text, new vscode.Range(position, position))];
    } catch (error) {
      const quiet = error instanceof PylotError && [ErrorCodes.Cancelled, ErrorCodes.NoModel, ErrorCodes.ModelInvalid, ErrorCodes.ModelNotFound, ErrorCodes.ModelTooLarge, ErrorCodes.ModelLoadFailed].includes(error.code as never);
      // Load failures are reported once by the model manager; a completion that failed is only logged.
      if (!quiet) this.log.warn(`completion failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      subscription.dispose();
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(!signal.aborted), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(false);
    }, { once: true });
  });
}
