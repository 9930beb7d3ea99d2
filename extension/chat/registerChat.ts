// The chat panel's wiring: view, controller, backends, commands and the selection offer. main.ts
// calls registerChat() once; the returned ChatApi is how the agent plugs in (setBackend('agent', …))
// and how tests and other commands (e.g. pylot.explain through pylot.openChat) drive the chat.
import type { Reviews } from '../review/reviewSession';
import { openFileLink } from './openFileLink';
import { demoModelPath } from '../onboarding';
import * as vscode from 'vscode';
import type { Vote } from '../../protocol/usageStats';
import { CountTokens } from '../../protocol/sidecar';
import {
  ChatMode as ChatModeSchema,
  type Attachment,
  type ChatMode,
  type ChatModelView,
  type ChatSummary,
  type ChatTurn,
  type ChatWebviewMessage,
} from '../../protocol/chat';
import type { CodeSearch } from '../index/codebaseIndex';
import type { Log } from '../log';
import type { ModelManager } from '../models/modelManager';
import type { Sidecar } from '../sidecar/supervisor';
import { AtRest } from '../../node/atRest';
import { atRestEncryption } from '../privacy/atRestKey';
import { readSetting } from '../settingsReader';
import { AskBackend } from './askBackend';
import type { ChatBackend } from './backend';
import { selectionAttachment, type ContextDeps } from './chatContext';
import { DraftWarm } from './draftWarm';
import { ChatController } from './chatController';
import { ChatHistory, type StoredChat } from './chatHistory';
import { ChatViewProvider } from './chatView';
import { CodeBlockActions } from './codeBlockActions';
import { pickFile, pickSymbol } from './pickers';
import { ModePrompts } from './modePrompts';
import { rulesAttachments } from './workspaceRules';
import { rememberedCounts } from './projectRules';

export interface ChatDeps {
  readonly sidecar: Sidecar;
  readonly models: ModelManager;
  readonly log: Log;
  /** Secret and ignore-listed files are never attached. */
  readonly privacy: { isExcluded(uri: vscode.Uri): boolean };
  /** The workspace index, for `@codebase`. */
  readonly searchCode: CodeSearch;
  /** The review flow Apply to file goes through. */
  readonly reviews: Reviews;
  /** 👍/👎 on a reply of `model`, for the local usage statistics. */
  readonly chatVote?: (model: string, vote: Vote, note?: string) => void;
}

/** `pylot.openChat`'s argument: what other commands hand the chat. */
export interface OpenChatArgs {
  readonly prompt?: string;
  readonly attachments?: ReadonlyArray<{ readonly label: string; readonly text: string; readonly uri?: string }>;
  /** Send at once instead of leaving it in the composer. */
  readonly send?: boolean;
  /** Switch the chat to this mode first (e.g. a "debug this" command opens Debug). */
  readonly mode?: ChatMode;
}

export interface ChatApi {
  /** What `pylot.openChat` does; with `send` it resolves with the reply once it has ended. */
  open(args?: OpenChatArgs): Promise<ChatTurn | undefined>;
  /** Past chats of this workspace, newest first, filtered by title. */
  history(query?: string): ChatSummary[];
  current(): StoredChat;
  /** Whether the chat view is on screen. */
  visible(): boolean;
  /** Plugs in the backend of a mode; the agent registers for 'agent'. */
  setBackend(mode: ChatMode, backend: ChatBackend): vscode.Disposable;
  /** What the panel's 👍/👎 does (tests call it directly). */
  feedback(turnId: string, vote: Vote, note?: string): Promise<void>;
  /** What a code block's "Apply to file" does (tests call it directly): resolves with whether anything was applied. */
  applyCode(code: string): Promise<boolean>;
}

export function registerChat(context: vscode.ExtensionContext, deps: ChatDeps): ChatApi {
  const { sidecar, models, log } = deps;
  let lastEditor = vscode.window.activeTextEditor;
  const countTokens = rememberedCounts(
    () => {
      const model = models.state('chat').model;
      return model && `${model.key}\u0000${model.location}\u0000${model.sizeBytes ?? ''}`;
    },
    async (texts) => (await sidecar.request(CountTokens, { role: 'chat', texts })).tokens,
  );
  const contextDeps: ContextDeps = {
    sidecar,
    searchCode: deps.searchCode,
    isExcluded: (uri) => deps.privacy.isExcluded(uri),
    lastEditor: () => lastEditor,
    projectRules: () =>
      rulesAttachments(
        models,
        () => lastEditor,
        (message) => log.warn(message),
        countTokens,
      ),
  };
  const history = new ChatHistory(context.workspaceState);
  const actions = new CodeBlockActions(() => lastEditor, deps.reviews);
  const view: ChatViewProvider = new ChatViewProvider(context.extensionUri, (message) => handle(message), log);
  const controller = new ChatController(history, new ModePrompts(context.extensionUri), contextDeps, (message) => view.post(message), log);
  const ask = new AskBackend(sidecar, models);
  for (const mode of ['ask', 'debug', 'architect'] as const) controller.setBackend(mode, ask);
  const drafts = new DraftWarm(controller, () => readSetting('chat.readAhead', (warning) => log.warn(warning)), log);

  const postModel = () => view.post({ type: 'model', model: modelView(sidecar, models) });
  const offerSelection = () => {
    const attachment = selectionAttachment(lastEditor);
    view.post({ type: 'selection', attachment: attachment && !deps.privacy.isExcluded(lastEditor!.document.uri) ? attachment : undefined });
  };
  let selectionTimer: NodeJS.Timeout | undefined;

  function feedback(turnId: string, vote: Vote, note?: string): Promise<void> {
    return controller.feedback(turnId, vote, (counted) => deps.chatVote?.(models.state('chat').model?.name ?? 'unknown model', counted, note));
  }

  async function handle(message: ChatWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        controller.showChat();
        postModel();
        return offerSelection();
      case 'draft':
        void drafts.warm({ text: message.text, mode: message.mode, attachments: message.attachments });
        return;
      case 'send':
        drafts.cancel();
        // Long-running: the panel follows it through turnStart/turnDelta/turnEnd.
        void controller.send({ turnId: message.turnId, text: message.text, mode: message.mode, attachments: message.attachments }).catch((error: unknown) => {
          // Refused before it started (another turn is running): give the message back, end the wait.
          log.warn(`Chat: ${String(error)}`);
          view.post({ type: 'compose', text: message.text, attachments: message.attachments });
          view.post({
            type: 'turnEnd',
            turn: { id: message.turnId, role: 'assistant', text: '', error: error instanceof Error ? error.message : String(error) },
          });
        });
        return;
      case 'abort':
        drafts.cancel();
        return controller.abort(message.turnId);
      case 'retry':
        void controller.retry(message.turnId);
        return;
      case 'resend':
        void controller.resend(message.turnId, message.text);
        return;
      case 'newChat':
        drafts.cancel();
        return controller.newChat();
      case 'openChat':
        drafts.cancel();
        return controller.openChat(message.chatId);
      case 'deleteChat':
        return controller.deleteChat(message.chatId);
      case 'setMode':
        return controller.setMode(message.mode);
      case 'code':
        if (message.action === 'copy') return actions.copy(message.code);
        await (message.action === 'insert' ? actions.insert(message.code) : actions.apply(message.code));
        return;
      case 'pickMention': {
        const attachment = message.kind === 'file' ? await pickFile(contextDeps) : await pickSymbol(contextDeps);
        if (attachment) view.post({ type: 'compose', attachments: [attachment] });
        return;
      }
      case 'approval':
        return controller.answerApproval(message.callId, { decision: message.decision, feedback: message.feedback, rejectedHunks: message.rejectedHunks });
      case 'showDiff':
        return controller.showDiff(message.callId);
      case 'restoreCheckpoint':
        return controller.restoreCheckpoint(message.turnId);
      case 'feedback':
        return feedback(message.turnId, message.vote, message.note);
      case 'openAttachment': {
        const uri = vscode.Uri.parse(message.uri, true);
        // Only documents: the panel must not be a way to open arbitrary URIs.
        if (!['file', 'vscode-remote', 'untitled'].includes(uri.scheme)) return;
        await vscode.window.showTextDocument(uri, { preview: true });
        return;
      }
      case 'openFile':
        return openFileLink(message.path, message.line);
      case 'command':
        await vscode.commands.executeCommand(`pylot.${message.command}`, ...(message.command === 'selectModel' ? ['chat'] : []));
        return;
    }
  }

  const open = async (args?: OpenChatArgs): Promise<ChatTurn | undefined> => {
    await view.reveal();
    const attachments: Attachment[] = (Array.isArray(args?.attachments) ? args.attachments : [])
      .filter((a) => typeof a?.label === 'string' && typeof a.text === 'string')
      .map((a) => ({ kind: 'text', label: a.label, text: a.text, ...(typeof a.uri === 'string' ? { uri: a.uri } : {}) }));
    const prompt = typeof args?.prompt === 'string' ? args.prompt : undefined;
    const mode = ChatModeSchema.safeParse(args?.mode);
    if (mode.success) {
      await controller.setMode(mode.data);
      controller.showChat();
    }
    if (args?.send && prompt?.trim()) return controller.send({ text: prompt, attachments });
    if (prompt !== undefined || attachments.length) view.post({ type: 'compose', text: prompt, attachments });
    return undefined;
  };

  // Encryption at rest: the stored chats in the mode the setting asks for, now and when it changes.
  const encryptHistory = async () => {
    const encryption = await atRestEncryption(
      context,
      readSetting('privacy.encryptAtRest', (warning) => log.warn(warning)),
    );
    const problem = await history.useAtRest(encryption ? new AtRest(encryption.key, encryption.encrypt) : AtRest.plain);
    if (problem) {
      log.warn(problem);
      void vscode.window.showWarningMessage(problem);
    }
  };
  void encryptHistory().catch((error: unknown) => log.warn(`Chat history encryption: ${error instanceof Error ? error.message : String(error)}`));

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('pylot.privacy.encryptAtRest')) void encryptHistory().catch(() => undefined);
    }),
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, view, { webviewOptions: { retainContextWhenHidden: true } }),
    controller,
    { dispose: () => drafts.cancel() },
    vscode.commands.registerCommand('pylot.openChat', (args?: OpenChatArgs) => open(args)),
    vscode.commands.registerCommand('pylot.newChat', async () => {
      drafts.cancel();
      await view.reveal();
      await controller.newChat();
    }),
    vscode.commands.registerCommand('pylot.showChatHistory', async () => {
      await view.reveal();
      view.post({ type: 'showHistory' });
    }),
    vscode.commands.registerCommand('pylot.stopChat', () => controller.abort()),
    models.onDidChange((role) => role === 'chat' && postModel()),
    { dispose: sidecar.onStatus(postModel) },
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) lastEditor = editor;
    }),
    vscode.window.onDidChangeTextEditorSelection((event) => {
      if (event.textEditor !== lastEditor && event.textEditor !== vscode.window.activeTextEditor) return;
      lastEditor = event.textEditor;
      clearTimeout(selectionTimer);
      selectionTimer = setTimeout(offerSelection, 250);
    }),
    { dispose: () => clearTimeout(selectionTimer) },
  );

  return {
    open,
    history: (query) => history.list(query),
    current: () => controller.current,
    visible: () => view.visible,
    setBackend: (mode, backend) => controller.setBackend(mode, backend),
    feedback,
    applyCode: (code) => actions.apply(code),
  };
}

function modelView(sidecar: Sidecar, models: ModelManager): ChatModelView {
  const state = models.state('chat');
  const engine =
    sidecar.status.status === 'restarting' || sidecar.status.status === 'stopped'
      ? `${sidecar.status.status}${sidecar.status.detail ? `: ${sidecar.status.detail}` : ''}`
      : undefined;
  return {
    state: state.state,
    name: state.model?.name ?? state.spec?.split(/[\\/]/).pop(),
    contextSize: state.model?.contextSize,
    error: state.error?.message,
    ...(engine ? { engine } : {}),
    ...(state.state === 'none' && demoModelPath('chat') ? { demoAvailable: true } : {}),
  };
}
