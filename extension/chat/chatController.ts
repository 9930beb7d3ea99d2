// Runs the chat: one conversation on show, its turns streamed from a ChatBackend chosen by mode,
// persisted after every turn, Stop/Escape aborting the turn end to end. A failed turn keeps what the
// user typed and says what to do; the panel is only a view of this state.
import * as vscode from 'vscode';
import type { Vote } from '../../protocol/usageStats';
import type { Attachment, ChatHostMessage, ChatMode, ChatTurn, ToolCallCard } from '../../protocol/chat';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { Log } from '../log';
import { describeRestore, type RestoreReport } from '../agent/checkpoints';
import type { ApprovalAnswer, ChatBackend, ChatEvents, DraftRequest, PromptMessage, ToolCallInfo, ToolCallView } from './backend';
import { resolveMentions, userMessage, type ContextDeps } from './chatContext';
import { ChatHistory, titleFor, type StoredChat } from './chatHistory';
import type { ModePrompts } from './modePrompts';
import { turnTiming } from './turnTiming';
import { describeFailure } from './turnFailure';

export interface SendRequest {
  readonly turnId?: string;
  readonly text: string;
  readonly mode?: ChatMode;
  readonly attachments?: readonly Attachment[];
}

interface Running {
  readonly turnId: string;
  readonly abort: AbortController;
  readonly done: Promise<ChatTurn>;
  /** What has arrived so far, for a panel that (re)loads mid-turn. */
  readonly progress: Progress;
}

interface Progress {
  text: string;
  readonly cards: ToolCallCard[];
}

interface PendingCall {
  card: ToolCallCard;
  readonly info: ToolCallInfo;
  answer?: (answer: ApprovalAnswer) => void;
}

export class ChatController implements vscode.Disposable {
  private chat: StoredChat;
  private running: Running | undefined;
  private readonly backends = new Map<ChatMode, ChatBackend>();
  private readonly calls = new Map<string, PendingCall>();
  /** How to undo the file changes of an agent reply, by reply id (this window's replies only). */
  private readonly restorers = new Map<string, () => Promise<RestoreReport>>();

  constructor(
    private readonly history: ChatHistory,
    private readonly prompts: ModePrompts,
    private readonly context: ContextDeps,
    private readonly post: (message: ChatHostMessage) => void,
    private readonly log: Log,
  ) {
    const latest = history.list()[0];
    this.chat = (latest && history.get(latest.id)) || emptyChat('ask');
  }

  get current(): StoredChat {
    return this.chat;
  }

  /** Plugs a backend in for a mode (the agent for 'agent'); Ask and its presets are registered at start. */
  /** Plugs in a mode's backend; disposing it puts back the one it replaced (e.g. a test's stand-in). */
  setBackend(mode: ChatMode, backend: ChatBackend): vscode.Disposable {
    const replaced = this.backends.get(mode);
    this.backends.set(mode, backend);
    this.showChat();
    return new vscode.Disposable(() => {
      if (this.backends.get(mode) !== backend) return;
      if (replaced) this.backends.set(mode, replaced);
      else this.backends.delete(mode);
      this.showChat();
    });
  }

  showChat(): void {
    const { id, title, mode, turns } = this.chat;
    const running = this.running;
    const busy = running && { turnId: running.turnId, text: running.progress.text, toolCalls: [...running.progress.cards] };
    this.post({ type: 'chat', chatId: id, title, mode, turns: [...turns], busy, agentAvailable: this.backends.has('agent') });
    this.post({ type: 'history', chats: this.history.list() });
  }

  /** Starts a turn; resolves with the reply once it has ended (finished, stopped or failed). */
  async send(request: SendRequest): Promise<ChatTurn> {
    if (this.running) throw new PylotError(ErrorCodes.InvalidRequest, 'Pylot is still answering; stop it or wait for it to finish.');
    const turnId = request.turnId ?? `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const mode = request.mode ?? this.chat.mode;
    const abort = new AbortController();
    const progress: Progress = { text: '', cards: [] };
    const done = this.run(turnId, mode, request, abort.signal, progress);
    this.running = { turnId, abort, done, progress };
    try {
      return await done;
    } finally {
      if (this.running?.turnId === turnId) this.running = undefined;
    }
  }

  /** What `send(draft)` would give its mode's backend now, for a backend that reads drafts ahead (draftWarm.ts). */
  async draftRequest(draft: SendRequest, signal: AbortSignal): Promise<{ backend: ChatBackend; request: DraftRequest } | undefined> {
    const mode = draft.mode ?? this.chat.mode;
    const backend = this.backends.get(mode);
    if (this.running || !backend?.warm || !draft.text.trim()) return undefined;
    const attachments = await this.attachmentsFor(draft, signal);
    const user: ChatTurn = { id: 'draft', role: 'user', text: draft.text, ...(attachments.length ? { attachments } : {}) };
    return { backend, request: { mode, ...(await this.promptFor(mode, this.chat.turns, user)), signal } };
  }

  abort(turnId?: string): void {
    if (this.running && (!turnId || this.running.turnId === turnId)) this.running.abort.abort();
  }

  /** Sends the failed (or stopped) reply's question again, with the same attachments. */
  async retry(turnId: string): Promise<ChatTurn | undefined> {
    const index = this.chat.turns.findIndex((turn) => turn.id === turnId);
    const question = this.chat.turns[index - 1];
    // Only the last reply: retrying an older one would drop the conversation after it.
    if (index < 1 || index !== this.chat.turns.length - 1 || question?.role !== 'user' || this.running) return undefined;
    this.chat = { ...this.chat, turns: this.chat.turns.slice(0, index - 1) };
    this.showChat();
    return this.send({ text: question.text, attachments: question.attachments });
  }

  /**
   * Sends an earlier question again with new words: the conversation from that question on is
   * replaced (as in the chat panels people know), its attachments kept. Not while a turn runs.
   */
  async resend(userTurnId: string, text: string): Promise<ChatTurn | undefined> {
    const index = this.chat.turns.findIndex((turn) => turn.id === userTurnId);
    const question = this.chat.turns[index];
    if (index < 0 || question?.role !== 'user' || !text.trim() || this.running) return undefined;
    this.chat = { ...this.chat, turns: this.chat.turns.slice(0, index) };
    this.showChat();
    return this.send({ text, attachments: question.attachments });
  }

  async newChat(): Promise<void> {
    await this.stopRunning();
    this.calls.clear();
    this.chat = emptyChat(this.chat.mode);
    this.showChat();
  }

  async openChat(id: string): Promise<void> {
    const chat = this.history.get(id);
    if (!chat) return;
    await this.stopRunning();
    this.calls.clear();
    this.chat = chat;
    this.showChat();
  }

  async deleteChat(id: string): Promise<void> {
    await this.history.delete(id);
    if (this.chat.id === id) await this.newChat();
    else this.post({ type: 'history', chats: this.history.list() });
  }

  async setMode(mode: ChatMode): Promise<void> {
    this.chat = { ...this.chat, mode };
    await this.history.save(this.chat);
  }

  answerApproval(callId: string, answer: ApprovalAnswer): void {
    this.calls.get(callId)?.answer?.(answer);
  }

  async showDiff(callId: string): Promise<void> {
    await this.calls.get(callId)?.info.showDiff?.();
  }

  /** Puts back the files an agent reply changed (and those of every later reply), after asking. */
  async restoreCheckpoint(turnId: string): Promise<void> {
    const restore = this.restorers.get(turnId);
    if (!restore) {
      void vscode.window.showInformationMessage(
        'Pylot can restore files only for agent replies made since VS Code started; use Pylot: Restore Files Changed by the Agent… for older ones.',
      );
      return;
    }
    const choice = await vscode.window.showWarningMessage(
      'Put the files back as they were before this reply? Changes made by it and by later agent replies are undone.',
      { modal: true },
      'Restore',
    );
    if (choice !== 'Restore') return;
    const report = await restore();
    this.restorers.delete(turnId);
    this.chat = {
      ...this.chat,
      turns: this.chat.turns.map((turn) => (turn.id === turnId && turn.checkpoint ? { ...turn, checkpoint: { ...turn.checkpoint, restored: true } } : turn)),
    };
    await this.history.save(this.chat).then(undefined, (error: unknown) => this.log.warn(`Chat history could not be saved: ${String(error)}`));
    this.showChat();
    void vscode.window.showInformationMessage(describeRestore(report, (f) => vscode.workspace.asRelativePath(f)));
  }

  /** 👍/👎 on a finished reply: kept on the turn (so it is given once) and handed to `count`. */
  async feedback(turnId: string, vote: Vote, count: (vote: Vote) => void): Promise<void> {
    const turn = this.chat.turns.find((t) => t.id === turnId);
    if (!turn || turn.role !== 'assistant' || turn.feedback || turn.error) return;
    count(vote);
    this.chat = { ...this.chat, turns: this.chat.turns.map((t) => (t.id === turnId ? { ...t, feedback: vote } : t)) };
    await this.history.save(this.chat).then(undefined, (error: unknown) => this.log.warn(`Chat history could not be saved: ${String(error)}`));
    this.showChat();
  }

  dispose(): void {
    this.running?.abort.abort();
  }

  private async stopRunning(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.abort.abort();
    await running.done.catch(() => undefined);
  }

  /**
   * The message's attachments as its turn gives them to the model: the rules files, the chips and
   * the mentions resolved (excluded files left out). Send and the draft's warm share it.
   */
  private async attachmentsFor(request: SendRequest, signal: AbortSignal, turnId?: string): Promise<Attachment[]> {
    const mark = (stage: 'mentions' | 'rules') => turnId && turnTiming.mark(turnId, stage);
    // Both are read from the workspace and neither needs the other: side by side.
    const [mentioned, rules] = await Promise.all([
      resolveMentions(this.context, request.text, signal)
        .finally(() => mark('mentions'))
        .catch((error: unknown) => {
          this.log.warn(`Chat: could not resolve mentions: ${String(error)}`);
          return [];
        }),
      (this.context.projectRules?.() ?? Promise.resolve([]))
        .finally(() => mark('rules'))
        .catch((error: unknown) => {
          this.log.warn(`Chat: could not read the rules files: ${String(error)}`);
          return [];
        }),
    ]);
    // A retried question brings its resolved mentions along, and they resolve again from its text;
    // its rules are read afresh.
    return unique([...rules, ...(request.attachments ?? []).filter((a) => a.kind !== 'rules'), ...mentioned]);
  }

  /** What the model reads for `user` after `earlier`: the mode's system prompt and the conversation. */
  private async promptFor(mode: ChatMode, earlier: readonly ChatTurn[], user: ChatTurn): Promise<{ systemPrompt: string; history: PromptMessage[] }> {
    return { systemPrompt: await this.prompts.get(mode), history: promptHistory([...earlier, user]) };
  }

  private async run(turnId: string, mode: ChatMode, request: SendRequest, signal: AbortSignal, progress: Progress): Promise<ChatTurn> {
    const chatId = this.chat.id;
    const attachments = await this.attachmentsFor(request, signal, turnId);
    const user: ChatTurn = { id: `${turnId}-user`, role: 'user', text: request.text, ...(attachments.length ? { attachments } : {}) };
    const earlier = this.chat.turns;
    this.chat = { ...this.chat, mode, title: earlier.length ? this.chat.title : titleFor(request.text), turns: [...earlier, user], updatedAt: Date.now() };
    this.post({ type: 'turnStart', user, replyId: turnId });
    turnTiming.mark(turnId, 'turnStart');
    const cards = progress.cards;
    const events: ChatEvents = {
      text: (delta) => {
        const first = !progress.text;
        if (first) turnTiming.mark(turnId, 'firstDelta');
        progress.text += delta;
        this.post({ type: 'turnDelta', turnId, text: delta });
        if (first) this.postTiming(turnId);
      },
      toolCall: (info) => this.toolCall(turnId, info, cards, signal),
    };
    let reply: ChatTurn;
    try {
      const backend = this.backends.get(mode);
      if (!backend) throw new PylotError(ErrorCodes.Unsupported, `${modeNames[mode]} mode is not available in this version of Pylot. Switch to Ask.`);
      const { systemPrompt, history } = await this.promptFor(mode, earlier, user);
      turnTiming.mark(turnId, 'history');
      const result = await backend.send({ chatId, turnId, mode, systemPrompt, history, attachments, signal }, events);
      reply = {
        id: turnId,
        role: 'assistant',
        text: result.text || progress.text,
        usage: result.usage,
        ...(result.stopped || signal.aborted ? { stopped: true } : {}),
      };
      if (result.checkpoint) {
        this.restorers.set(turnId, result.checkpoint.restore);
        reply = { ...reply, checkpoint: { files: result.checkpoint.files } };
      }
    } catch (error) {
      const { text } = progress;
      reply = signal.aborted ? { id: turnId, role: 'assistant', text, stopped: true } : { id: turnId, role: 'assistant', text, ...describeFailure(error) };
      if (!signal.aborted) this.log.warn(`Chat turn failed: ${reply.error}`);
    }
    if (cards.length) reply = { ...reply, toolCalls: [...cards] };
    // The user may have opened another chat meanwhile: the reply belongs to the one it was asked in.
    const chat = this.chat.id === chatId ? this.chat : this.history.get(chatId);
    if (chat) {
      const saved = { ...chat, turns: [...chat.turns, reply], updatedAt: Date.now() };
      if (this.chat.id === chatId) this.chat = saved;
      await this.history.save(saved).then(undefined, (error: unknown) => this.log.warn(`Chat history could not be saved: ${String(error)}`));
    }
    this.post({ type: 'turnEnd', turn: reply });
    this.post({ type: 'history', chats: this.history.list() });
    return reply;
  }

  /** Debug only: the host's stage stamps, after the first delta went to the panel (protocol/turnTiming.ts). */
  private postTiming(turnId: string): void {
    turnTiming.mark(turnId, 'deltaPosted');
    const stamps = turnTiming.take(turnId);
    if (stamps) this.post({ type: 'turnTiming', turnId, stamps });
  }

  private toolCall(turnId: string, info: ToolCallInfo, cards: ToolCallCard[], signal: AbortSignal): ToolCallView {
    const card: ToolCallCard = {
      id: `${turnId}-call${cards.length + 1}`,
      turnId,
      tool: info.tool,
      summary: info.summary,
      risk: info.risk,
      reason: info.reason,
      hasDiff: !!info.showDiff,
      ...(info.diff ? { diff: info.diff } : {}),
      ...(info.command ? { command: info.command } : {}),
      ...(info.options ? { options: [...info.options] } : {}),
      state: 'running',
    };
    const call: PendingCall = { card, info };
    cards.push(card);
    this.calls.set(card.id, call);
    const show = (change: Partial<ToolCallCard>) => {
      call.card = { ...call.card, ...change };
      cards[cards.findIndex((c) => c.id === card.id)] = call.card;
      this.post({ type: 'toolCall', card: call.card });
    };
    show({});
    return {
      askApproval: () =>
        new Promise<ApprovalAnswer>((resolve) => {
          const finish = (answer: ApprovalAnswer) => {
            signal.removeEventListener('abort', onAbort);
            call.answer = undefined;
            show({ state: answer.decision === 'deny' ? 'denied' : 'allowed', result: answer.feedback });
            resolve(answer);
          };
          const onAbort = () => finish({ decision: 'deny', feedback: 'The turn was stopped.' });
          if (signal.aborted) return onAbort();
          signal.addEventListener('abort', onAbort, { once: true });
          call.answer = finish;
          show({ state: 'pending' });
        }),
      update: (state, result) => show({ state, result: result === undefined ? undefined : shorten(result) }),
    };
  }
}

const modeNames: Record<ChatMode, string> = { ask: 'Ask', agent: 'Agent', debug: 'Debug', architect: 'Architect' };

function emptyChat(mode: ChatMode): StoredChat {
  const now = Date.now();
  return { id: `c${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`, title: 'New chat', mode, createdAt: now, updatedAt: now, turns: [] };
}

/** The model's view of the conversation: failed replies left out, attachments folded into their message. */
function promptHistory(turns: readonly ChatTurn[]): PromptMessage[] {
  return turns
    .filter((turn) => turn.role === 'user' || (!turn.error && turn.text))
    .map((turn) => ({ role: turn.role, content: turn.role === 'user' ? userMessage(turn.text, turn.attachments ?? []) : turn.text }));
}

function unique(attachments: readonly Attachment[]): Attachment[] {
  const seen = new Set<string>();
  return attachments.filter((a) => {
    const key = `${a.kind}\u0000${a.label}\u0000${a.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function shorten(text: string, max = 4000): string {
  return text.length <= max ? text : `${text.slice(0, max / 2)}\n[…]\n${text.slice(-max / 2)}`;
}
