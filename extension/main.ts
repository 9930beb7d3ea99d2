// Pylot's extension entry: a thin client. Activation only wires things up; the sidecar (and with it
// llama.cpp) starts on first need.

/** Set by esbuild's banner as the bundle starts evaluating; here its dependencies are loaded. */
declare const __pylotLoadStart: number;
const bundleLoadMs = performance.now() - __pylotLoadStart;

import * as vscode from 'vscode';
import { ErrorCodes } from '../protocol/rpc';
import { AgentChatBackend } from './agent/chatBackend';
import { registerAgent, type AgentApi } from './agent/register';
import type { PanelState } from '../protocol/webview';
import { message, registerCommands, showError } from './commands';
import { createLog } from './log';
import { registerWarmup } from './completion/warmup';
import { registerCodebaseIndex, type CodebaseSearchResult, type CodeSearch } from './index/codebaseIndex';
import type { IndexStatus } from '../protocol/index';
import { InlineCompletionProvider } from './completion/inlineProvider';
import { DocumentSync } from './completion/documentSync';
import { NextEditController } from './nextEdit/nextEditController';
import { SignalReporter } from './context/signalReporter';
import { LatencyTracker } from './completion/latency';
import { PrivacyFilter } from './completion/privacy';
import { AdaptiveDebounce } from './completion/trigger';
import { ModelManager } from './models/modelManager';
import { sidecarChoices } from './models/choices';
import { loadWithProgress } from './models/selectModel';
import { ServerHealthMonitor } from './models/health';
import { resolveSpec } from './models/sources';
import { demoModelPath, FirstNeedOffer, useDemoModels, warnIfAiFeaturesDisabled } from './onboarding';
import { StatusViewProvider } from './panel/statusView';
import { ProposedDocuments } from './proposedDocuments';
import { Reviews } from './review/reviewSession';
import { registerInlineEdit } from './inlineEdit/inlineEdit';
import { registerRefactorCommands, type RefactorApi } from './refactor/register';
import { readSetting, readSettings, restartKeys, type PylotSettings } from './settingsReader';
import { forwardSidecarLog } from './sidecar/logForwarding';
import { Sidecar } from './sidecar/supervisor';
import { roles, roleView, StatusBar } from './statusBar';
import { registerChat, type ChatApi } from './chat/registerChat';
import { UsageService } from './stats/usageService';
import { PylotChatModelProvider } from './lm/chatProvider';
import { LocalApiService } from './localApi/localApiService';
import type { LocalApiState } from '../protocol/localApi';

/** What activate() returns; integration tests use it to observe and poke the running extension. */
export interface PylotApi {
  readonly sidecar: Sidecar;
  readonly models: ModelManager;
  /** How completions were answered: by the engine, or from the cache. */
  completionStats(): { engineCalls: number; cacheHits: number; cacheMisses: number };
  /** Looks at the servers roles run on now, instead of at the next poll. */
  readonly serverHealth: ServerHealthMonitor;
  /** Evaluating the bundle plus running activate(): what Pylot adds to VS Code's start. */
  readonly activationMs: number;
  statusText(): string;
  statusTooltip(): string;
  readonly chat: ChatApi;
  /** The agent: runAgentTurn(request, ui) for the chat panel and the tests. */
  readonly agent: AgentApi;
  /** The review flow every proposed change goes through, for tests to take the user's part. */
  readonly reviews: Reviews;
  /** The refactor commands' previews, for tests to accept or reject. */
  readonly refactor: RefactorApi;
  /** The workspace index: what `@codebase` and the agent's search_code ask. */
  searchCodebase(query: string, limit?: number): Promise<CodebaseSearchResult>;
  indexStatus(): IndexStatus[];
  /** Where VS Code lets Pylot write: what the privacy test searches for user code. */
  readonly storage: { readonly global: string; readonly workspace?: string; readonly logs: string };
  /** Where each workspace folder's index is stored. */
  indexStorage(): string[];
  /** The loopback API: its state as the sidecar last reported it, and its status bar item's text. */
  localApi(): { state: LocalApiState; statusText: string };
}

let running: Sidecar | undefined;

export function activate(context: vscode.ExtensionContext): PylotApi {
  const activateStart = performance.now();
  // Read at each line (not from `settings`): a bad setting is logged while `settings` is being read.
  const log = createLog(() => readSetting('trace', () => undefined));
  let settings: PylotSettings = readSettings((warning) => log.warn(warning));
  /** The chat model runs without the draft model the user set: the log and a notice say why, once per load. */
  const warnDraftUnused = (why: string) => {
    log.warn(why);
    void vscode.window.showWarningMessage(`Pylot: ${why}`);
  };
  const version = String(context.extension.packageJSON.version);
  const sidecar = new Sidecar({
    modulePath: context.asAbsolutePath('dist/sidecar.mjs'),
    nodePath: settings.nodePath || undefined,
    client: { name: 'pylot-vscode', version },
    settings: () => ({
      threads: settings.threads,
      gpu: settings.gpu,
      flashAttention: settings.flashAttention,
      kvCacheType: settings.kvCacheType,
      trace: settings.trace,
    }),
    cacheDir: context.globalStorageUri.scheme === 'file' ? context.globalStorageUri.fsPath : undefined,
    log: (line) => forwardSidecarLog(log, line),
  });
  running = sidecar;
  const models = new ModelManager(sidecar, (role) => {
    const spec = settings.models[role];
    if (!spec) return undefined;
    const fallback = settings.fallbacks[role];
    const draft = role === 'chat' ? settings.chatDraftModel : '';
    return {
      spec,
      contextSize: settings.contextSize,
      variant: JSON.stringify([fallback, draft, settings.contextSize]),
      resolve: async () => ({
        source: await resolveSpec(spec, settings, context.secrets),
        fallback: fallback ? await resolveSpec(fallback, settings, context.secrets) : undefined,
        // A draft that cannot be found only costs its speed-up: chat loads without it, and says why.
        draft: draft
          ? await resolveSpec(draft, settings, context.secrets).catch((error: unknown) => {
              warnDraftUnused(`The draft model ${draft} is not used: ${message(error)} Chat runs without it.`);
              return undefined;
            })
          : undefined,
      }),
    };
  });
  const latency = new LatencyTracker(() => statusBar.update());
  const firstNeed = new FirstNeedOffer(context.globalState, () => statusBar.update());
  const statusBar = new StatusBar(
    sidecar,
    models,
    () => latency.summary(),
    () => firstNeed.hasBeenNeeded,
  );
  const serverHealth = new ServerHealthMonitor(sidecar, models, log);
  const privacy = new PrivacyFilter(() => settings.exclude);
  const documents = new DocumentSync(sidecar, privacy);
  // Ghost text and a next edit take turns: each asks whether the other is shown.
  let nextEdits: NextEditController | undefined;
  const completions = new InlineCompletionProvider({
    nextEditShown: (document) => nextEdits?.isShowing(document) ?? false,
    nextEditAtCursor: (document, position) => nextEdits?.ghostTextAt(document, position),
    sidecar,
    models,
    settings: () => settings,
    log,
    latency,
    debounce: new AdaptiveDebounce(),
    documents,
    privacy,
    onNoModel: () => firstNeed.noteNeed(),
    onShown: (document, position, text, latencyMs) => usage.completionShown(document, position, text, latencyMs),
  });
  const codebase = registerCodebaseIndex(context, sidecar, log);
  const panel = new StatusViewProvider(context.extensionUri, () => panelState(sidecar, models, usage), log);
  const usage = new UsageService({
    storage: context.globalStorageUri,
    log,
    completionModel: () => models.state('completion').model?.name,
    onChange: () => panel.refreshSoon(),
  });
  void usage.ready.then(() => panel.refresh());
  const chatModels = new PylotChatModelProvider(sidecar, models, () => settings, context.secrets);
  const localApi = new LocalApiService(sidecar, models, context.secrets, () => settings, log);
  const refresh = () => {
    statusBar.update();
    panel.refresh();
    chatModels.refresh();
  };

  context.subscriptions.push(
    log,
    usage,
    statusBar,
    models,
    chatModels,
    localApi,
    vscode.lm.registerLanguageModelChatProvider('pylot', chatModels),
    { dispose: () => void sidecar.dispose() },
    { dispose: sidecar.onStatus(refresh) },
    models.onDidChange(refresh),
    vscode.window.registerWebviewViewProvider(StatusViewProvider.viewId, panel),
    privacy,
    documents,
    new SignalReporter(sidecar, privacy),
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, completions),
    registerWarmup({ sidecar, models, documents, privacy, enabled: () => settings.completionEnabled, log }),
    (nextEdits = new NextEditController({ sidecar, documents, privacy, log, models, ghostTextShown: (document) => completions.showsGhostText(document) })),
    vscode.commands.registerCommand('pylot.completionAccepted', () => {
      // After VS Code has applied the accepted text: the next completion is likely wanted right there.
      setTimeout(() => vscode.window.activeTextEditor && void completions.prefetch(vscode.window.activeTextEditor), 0);
    }),
    ...registerCommands({
      sidecar,
      models,
      log,
      latency,
      settings: () => settings,
      secrets: context.secrets,
      version,
      moreChoices: sidecarChoices(sidecar, () => settings, log),
      documents,
      privacy,
    }),
    models.onDidFail(({ role, error }) => {
      if (error.code === ErrorCodes.NoModel) return;
      const action = error.code === ErrorCodes.AuthFailed ? 'Set Server API Key' : 'Select Model…';
      void showError(`Pylot could not load the ${role} model: ${error.message}`, log, action);
    }),
    models.onDidSkipDraft(({ model }) => warnDraftUnused(model.draftUnused ?? '')),
    models.onDidFallBack(({ role, model }) => {
      log.warn(`${role}: ${model.name} stands in for ${model.fallbackFrom?.key}: ${model.fallbackFrom?.reason}`);
      void vscode.window
        .showWarningMessage(`Pylot: ${role} now runs on the fallback, ${model.name}. ${model.fallbackFrom?.reason ?? ''}`, 'Restart Engine')
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand('pylot.restartSidecar');
        });
    }),
    serverHealth,
    vscode.commands.registerCommand('pylot.useDemoModel', async () => {
      const set = await useDemoModels((role) => settings.models[role]);
      // Where the user was typing: show the suggestion now instead of at the next keystroke.
      if (set.includes('completion') && vscode.window.activeTextEditor) {
        await loadWithProgress(models, 'completion', settings.models.completion ?? demoModelPath()!);
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      }
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('pylot')) return;
      settings = readSettings((warning) => log.warn(warning));
      if (event.affectsConfiguration('pylot.completion.exclude')) void privacy.reload();
      if (event.affectsConfiguration('pylot.localApi')) void localApi.apply();
      if (restartKeys.some((key) => event.affectsConfiguration(key)) && sidecar.status.status === 'ready') {
        log.info('Engine settings changed; restarting the sidecar.');
        void sidecar.restart().catch((error: unknown) => log.error(`Restart failed: ${message(error)}`));
      }
      for (const role of ['completion', 'chat', 'embeddings'] as const) {
        if (
          ['models', 'fallback'].some((group) => event.affectsConfiguration(`pylot.${group}.${role}`)) ||
          (role === 'chat' && event.affectsConfiguration('pylot.chat.draftModel')) ||
          event.affectsConfiguration('pylot.contextSize') ||
          event.affectsConfiguration('pylot.servers')
        ) {
          void models.reconcile(role);
        }
      }
      refresh();
    }),
  );
  sidecar.onReady((info) => {
    const { hardware } = info;
    log.info(`Engine ready: ${hardware.backend}, ${hardware.cpu.simd}, ${hardware.cpu.threads} threads (pid ${info.server.pid})`);
    if (hardware.gpuNotice) void vscode.window.showWarningMessage(`Pylot: ${hardware.gpuNotice}`);
  });
  sidecar.onStatus(({ status, detail, gaveUp }) => {
    if (status !== 'stopped' || !detail) return;
    const text = gaveUp ? `Pylot's engine stopped because ${detail}.` : `Pylot's engine stopped: ${detail}`;
    void showError(text, log, 'Restart');
  });

  const proposed = new ProposedDocuments();
  const reviews = new Reviews(proposed);
  context.subscriptions.push(proposed, reviews, registerInlineEdit({ sidecar, models, log, reviews }));
  const refactor = registerRefactorCommands(context, {
    sidecar,
    models,
    log,
    reviews,
    hunksDecided: (kept, rejected) => usage.proposals('refactor', kept, rejected),
  });
  const searchCode: CodeSearch = (query, options) => codebase.search(query, options);
  const chat = registerChat(context, {
    sidecar,
    models,
    log,
    privacy,
    searchCode,
    reviews,
    chatVote: (model, vote, note) => usage.chatVote(model, vote, note),
  });
  const agent = registerAgent(context, sidecar, models, log, searchCode, proposed, (kept) => usage.proposals('agent', kept ? 1 : 0, kept ? 0 : 1), reviews);
  context.subscriptions.push(chat.setBackend('agent', new AgentChatBackend(agent)));

  void vscode.commands.executeCommand('setContext', 'pylot.demoAvailable', demoModelPath() !== undefined);
  if (settings.models.completion && settings.completionEnabled) void warnIfAiFeaturesDisabled(context.globalState);
  const activationMs = bundleLoadMs + performance.now() - activateStart;
  log.info(`Activated in ${activationMs.toFixed(1)} ms (bundle ${bundleLoadMs.toFixed(1)} ms); the engine starts on first use.`);
  return {
    sidecar,
    models,
    serverHealth,
    activationMs,
    reviews,
    refactor,
    statusText: () => statusBar.text,
    statusTooltip: () => statusBar.tooltip,
    chat,
    agent,
    completionStats: () => ({ engineCalls: latency.summary().count, cacheHits: latency.hits, cacheMisses: latency.misses }),
    searchCodebase: (query, limit) => codebase.search(query, { limit }),
    indexStatus: () => codebase.status(),
    storage: { global: context.globalStorageUri.fsPath, workspace: context.storageUri?.fsPath, logs: context.logUri.fsPath },
    indexStorage: () => codebase.storageDirs(),
    localApi: () => ({ state: localApi.current, statusText: localApi.text }),
  };
}

export function deactivate(): Promise<void> | undefined {
  return running?.dispose();
}

function panelState(sidecar: Sidecar, models: ModelManager, usage: UsageService): PanelState {
  return {
    sidecar: { ...sidecar.status, pid: sidecar.pid },
    hardware: sidecar.info?.hardware,
    roles: roles.map((role) => roleView(models, role)),
    usage: usage.stats(),
  };
}
