// Warms the completion prompt where the user has stopped: a second after the cursor last moved or
// the editor changed, the sidecar evaluates the prompt for that spot at background priority, so the
// first keystroke there costs only its own tokens.
import * as vscode from 'vscode';
import { WarmCompletion } from '../../protocol/sidecar';
import type { Log } from '../log';
import type { ModelManager } from '../models/modelManager';
import type { Sidecar } from '../sidecar/supervisor';
import type { DocumentSync } from './documentSync';
import type { PrivacyFilter } from './privacy';

const idleMs = 1_000;

export interface WarmupDeps {
  readonly sidecar: Sidecar;
  readonly models: ModelManager;
  readonly documents: DocumentSync;
  readonly privacy: PrivacyFilter;
  readonly enabled: () => boolean;
  readonly log: Log;
}

export function registerWarmup(deps: WarmupDeps): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  let inFlight: AbortController | undefined;
  const cancel = () => {
    clearTimeout(timer);
    inFlight?.abort();
    inFlight = undefined;
  };
  const schedule = (editor: vscode.TextEditor | undefined) => {
    cancel();
    if (editor) timer = setTimeout(() => void warm(editor), idleMs);
  };
  const warm = async (editor: vscode.TextEditor) => {
    const { document, selection } = editor;
    if (!deps.enabled() || !selection.isEmpty || deps.models.state('completion').state !== 'ready' || deps.privacy.isExcluded(document.uri)) return;
    if (!deps.documents.ensure(document)) return;
    const abort = new AbortController();
    inFlight = abort;
    try {
      const position = { line: selection.active.line, character: selection.active.character };
      const result = await deps.sidecar.request(
        WarmCompletion,
        { uri: document.uri.toString(), version: document.version, position },
        { signal: abort.signal },
      );
      if (result.warmed)
        deps.log.debug(
          `completion prompt warmed at ${document.uri.path.split('/').pop()}:${position.line + 1} (${result.promptTokens ?? '?'} tokens evaluated)`,
        );
    } catch {
      // Superseded, pre-empted or stale: the next completion builds its prompt anyway.
    } finally {
      if (inFlight === abort) inFlight = undefined;
    }
  };
  const subscriptions = [
    vscode.window.onDidChangeActiveTextEditor(schedule),
    // Each keystroke moves the cursor too and so restarts the wait; after typing, the spot is
    // usually anchored already and the sidecar returns at once.
    vscode.window.onDidChangeTextEditorSelection((event) => schedule(event.textEditor)),
    vscode.workspace.onDidChangeTextDocument(() => cancel()),
  ];
  return { dispose: () => (cancel(), subscriptions.forEach((s) => s.dispose())) };
}
