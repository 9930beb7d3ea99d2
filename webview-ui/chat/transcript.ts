// The conversation: user messages with their chips, replies streamed as sanitised Markdown, tool-call
// cards, token use per turn, and failed turns with what to do about them.
import type { Attachment, BusyTurn, ChatCommand, ChatTurn, ToolCallCard, TurnUsage } from '../../protocol/chat';
import type { Vote } from '../../protocol/usageStats';
import { button, el, focusWhenRendered, icon, iconButton } from './dom';
import { postToHost } from './host';
import { renderMarkdown, type CodeHandler } from './markdown';
import { renderToolCard } from './toolCard';
import { markTurn } from './turnTiming';

const actionLabels: Record<ChatCommand, string> = {
  selectModel: 'Select Model…',
  restartSidecar: 'Restart Engine',
  showLogs: 'Show Logs',
  useDemoModel: 'Use Demo Model',
};
const renderDelayMs = 40;

interface Streaming {
  text: string;
  body: HTMLElement;
  timer?: ReturnType<typeof setTimeout>;
}

export class Transcript {
  readonly element = el('div', { className: 'transcript', role: 'log', 'aria-label': 'Conversation', 'aria-live': 'polite' });
  /** Says a card waits for the user, for screen readers (outside the log, so it is read on its own). */
  readonly announcer = el('div', { className: 'visually-hidden approval-announcer', role: 'status', 'aria-atomic': 'true' });
  private readonly streams = new Map<string, Streaming>();
  private waitingLabel = 'Thinking…';

  constructor(
    private readonly onCode: CodeHandler,
    private readonly onFailedTurn: (question: ChatTurn | undefined) => void,
  ) {}

  show(turns: readonly ChatTurn[], busy?: BusyTurn): void {
    this.streams.clear();
    this.element.replaceChildren(...turns.map((turn) => this.turnElement(turn)));
    if (busy) {
      this.start(busy.turnId);
      busy.toolCalls.forEach((card) => this.toolCall(card));
      if (busy.text) this.delta(busy.turnId, busy.text);
    }
    if (!turns.length)
      this.element.append(
        el(
          'p',
          { className: 'empty' },
          'Ask about your code. Type @ to attach a file, symbol, the selection, problems, the codebase or the uncommitted changes.',
        ),
      );
    this.offerRetry();
    this.scroll();
  }

  addUser(turn: ChatTurn, replyId: string): void {
    this.element.querySelector('.empty')?.remove();
    this.element.append(this.turnElement(turn));
    this.start(replyId);
    this.offerRetry();
    this.scroll();
  }

  delta(turnId: string, text: string): void {
    const stream = this.streams.get(turnId);
    if (!stream) return;
    const waiting = !stream.text.trim();
    stream.text += text;
    if (waiting && stream.text.trim()) {
      // The first words show at once: they are what the user waits for (the delay was 40 ms of a
      // 53 ms panel overhead in test/bench/panelOverhead.bench.ts). Later text is batched.
      clearTimeout(stream.timer);
      stream.timer = undefined;
      this.render(stream);
      markTurn(turnId, 'rendered');
      return;
    }
    stream.timer ??= setTimeout(() => {
      stream.timer = undefined;
      this.render(stream);
    }, renderDelayMs);
  }

  private render(stream: Streaming): void {
    renderMarkdown(stream.body, stream.text, this.onCode);
    this.scroll();
  }

  end(turn: ChatTurn): void {
    const stream = this.streams.get(turn.id);
    if (stream?.timer) clearTimeout(stream.timer);
    this.streams.delete(turn.id);
    const old = this.element.querySelector(`[data-turn-id="${CSS.escape(turn.id)}"]`);
    const fresh = this.turnElement(turn);
    if (old) old.replaceWith(fresh);
    else this.element.append(fresh);
    if (turn.error) this.onFailedTurn(this.questionBefore(fresh));
    this.offerRetry();
    this.scroll();
  }

  toolCall(card: ToolCallCard): void {
    const turn = this.element.querySelector(`[data-turn-id="${CSS.escape(card.turnId)}"]`);
    if (!turn) return;
    const fresh = renderToolCard(card);
    const old = turn.querySelector(`[data-call-id="${CSS.escape(card.id)}"]`);
    const newlyWaiting = card.state === 'pending' && !old?.classList.contains('state-pending');
    if (old) old.replaceWith(fresh);
    else turn.querySelector('.tool-calls')?.append(fresh);
    if (newlyWaiting) {
      this.announcer.textContent = `Waiting for your approval: ${card.summary}`;
      // Allow once takes the focus, so the decision is one key away; never from someone typing a
      // message (their next key would press a button), nor from outside the panel.
      if (document.hasFocus() && !typingText()) focusWhenRendered(fresh.querySelector<HTMLElement>('.approval-buttons vscode-button')!);
    } else if (card.state !== 'pending' && old?.classList.contains('state-pending')) this.announcer.textContent = '';
    this.showWaiting(turn);
    this.scroll();
  }

  /** While a card waits for a decision the turn says so: the model is not thinking, the user is asked. */
  private showWaiting(turn: Element): void {
    const waiting = !!turn.querySelector('.tool-card.state-pending');
    turn.classList.toggle('awaiting-approval', waiting);
    turn.querySelector('.turn-status')?.remove();
    if (waiting)
      turn.querySelector('.tool-calls')?.after(el('div', { className: 'turn-status', role: 'status' }, icon('bell-dot'), ' Waiting for your approval'));
  }

  /** What a reply shows before its first word: the model may still be loading. */
  setWaitingLabel(label: string): void {
    this.waitingLabel = label;
    for (const span of Array.from(this.element.querySelectorAll('.thinking'))) span.textContent = label;
  }

  private start(turnId: string): void {
    const body = el('div', { className: 'markdown' }, el('span', { className: 'thinking' }, this.waitingLabel));
    const element = el(
      'div',
      { className: 'turn assistant streaming', 'data-turn-id': turnId, 'aria-busy': 'true' },
      el('div', { className: 'tool-calls' }),
      body,
    );
    this.element.append(element);
    this.streams.set(turnId, { text: '', body });
  }

  private turnElement(turn: ChatTurn): HTMLElement {
    const element = el('div', { className: `turn ${turn.role}${turn.error ? ' failed' : ''}`, 'data-turn-id': turn.id });
    if (turn.role === 'user') {
      const text = el('div', { className: 'user-text' }, turn.text);
      element.append(
        el(
          'div',
          { className: 'user-head' },
          text,
          iconButton('edit', 'Edit and resend', () => editQuestion(turn, text), { className: 'edit-question' }),
        ),
      );
      if (turn.attachments?.length) element.append(chips(turn.attachments));
      return element;
    }
    element.append(el('div', { className: 'tool-calls' }, ...(turn.toolCalls ?? []).map(renderToolCard)));
    const body = el('div', { className: 'markdown' });
    if (turn.text) renderMarkdown(body, turn.text, this.onCode);
    element.append(body);
    if (turn.stopped) element.append(el('div', { className: 'turn-note' }, 'Stopped.'));
    if (turn.error) {
      element.append(
        el(
          'div',
          { className: 'turn-error', role: 'alert' },
          el('span', {}, turn.error),
          el(
            'div',
            { className: 'actions' },
            turn.action ? button(actionLabels[turn.action], () => postToHost({ type: 'command', command: turn.action! })) : undefined,
            button('Retry', () => postToHost({ type: 'retry', turnId: turn.id }), { icon: 'refresh', secondary: !!turn.action }),
          ),
        ),
      );
    }
    if (turn.checkpoint) {
      const { files, restored } = turn.checkpoint;
      element.append(
        el(
          'div',
          { className: 'checkpoint' },
          restored
            ? el('span', {}, `The ${files} file(s) this reply changed were restored.`)
            : button(`Restore ${files} file(s) to before this reply`, () => postToHost({ type: 'restoreCheckpoint', turnId: turn.id }), {
                title: 'Undo what this reply (and any later agent reply) changed',
                icon: 'discard',
                secondary: true,
              }),
        ),
      );
    }
    if (turn.usage) element.append(el('div', { className: 'usage' }, usageText(turn.usage)));
    if (!turn.error && turn.text) element.append(answerActions(turn), feedbackRow(turn));
    return element;
  }

  /** Retry is offered under the last reply only: retrying an older one would drop what follows it. */
  private offerRetry(): void {
    const replies = Array.from(this.element.querySelectorAll<HTMLElement>('.turn.assistant:not(.streaming)'));
    replies.forEach((reply, index) => reply.querySelector<HTMLElement>('.retry-answer')?.toggleAttribute('hidden', index !== replies.length - 1));
  }

  private questionBefore(element: HTMLElement): ChatTurn | undefined {
    const previous = element.previousElementSibling;
    const text = previous?.classList.contains('user') ? previous.querySelector('.user-text')?.textContent : undefined;
    return text ? { id: previous!.getAttribute('data-turn-id') ?? '', role: 'user', text } : undefined;
  }

  private scroll(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }
}

export function chips(attachments: readonly Attachment[], onRemove?: (index: number) => void, auto?: boolean): HTMLElement {
  return el(
    'ul',
    { className: 'chips', 'aria-label': 'Attached context' },
    ...attachments.map((attachment, index) =>
      el(
        'li',
        {
          className: `chip chip-${attachment.kind}${auto ? ' auto' : ''}${attachment.text ? '' : ' empty'}`,
          title: attachment.text.slice(0, 400) || attachment.label,
        },
        chipLabel(attachment),
        onRemove ? iconButton('close', `Remove ${attachment.label}`, () => onRemove(index), { className: 'chip-remove' }) : undefined,
      ),
    ),
  );
}

/** A chip from a document opens it; one without (pasted text, problems) is just a label. */
function chipLabel(attachment: Attachment): HTMLElement {
  const text = `@${attachment.kind === 'text' ? '' : `${attachment.kind} `}${attachment.label}`.replace(/^@(\w+) \1: /, '@$1: ');
  if (!attachment.uri) return el('span', {}, text);
  const uri = attachment.uri;
  return el(
    'a',
    {
      href: '#',
      className: 'chip-open',
      title: `Open ${attachment.label}`,
      onclick: (event: Event) => {
        event.preventDefault();
        postToHost({ type: 'openAttachment', uri });
      },
    },
    text,
  );
}

function usageText(usage: TurnUsage): string {
  const parts = [`${usage.tokens.toLocaleString()} tokens generated`];
  if (usage.promptTokens !== undefined) parts.unshift(`${usage.promptTokens.toLocaleString()} prompt tokens evaluated`);
  if (usage.estimatedPromptTokens !== undefined) {
    const of = usage.contextSize ? ` of ${usage.contextSize.toLocaleString()}` : '';
    parts.push(`prompt ≈ ${usage.estimatedPromptTokens.toLocaleString()}${of} tokens`);
  }
  if (usage.droppedMessages) parts.push(`${usage.droppedMessages} earlier message${usage.droppedMessages === 1 ? '' : 's'} left out to fit the context`);
  return parts.join(' · ');
}

/** Under a finished reply: copy all of it (as Markdown), or ask for another answer. */
function answerActions(turn: ChatTurn): HTMLElement {
  return el(
    'div',
    { className: 'answer-actions' },
    iconButton('copy', 'Copy answer', () => postToHost({ type: 'code', action: 'copy', code: turn.text })),
    iconButton('refresh', 'Retry', () => postToHost({ type: 'retry', turnId: turn.id }), { className: 'retry-answer' }),
  );
}

/** Turns a sent question into a text area: Enter (or Resend) sends it again, Escape puts it back. */
function editQuestion(turn: ChatTurn, shown: HTMLElement): void {
  const head = shown.parentElement!;
  const editor = el('vscode-textarea', { rows: '3', '.label': 'Edit your message', '.value': turn.text }) as HTMLElement & { value: string };
  const resend = () => editor.value.trim() && postToHost({ type: 'resend', turnId: turn.id, text: editor.value.trim() });
  const cancel = () => {
    form.replaceWith(head);
    head.querySelector<HTMLElement>('.edit-question')?.focus();
  };
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      resend();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      cancel();
    }
  });
  const form = el(
    'div',
    { className: 'edit-form' },
    editor,
    el(
      'div',
      { className: 'edit-buttons' },
      button('Resend', resend, { icon: 'send', title: 'Send again; the conversation after this message is replaced' }),
      button('Cancel', cancel, { secondary: true }),
    ),
  );
  head.replaceWith(form);
  editor.focus();
}

/** 👍/👎 under a reply; either opens an optional note, sent with the vote (kept only on this machine). */
function feedbackRow(turn: ChatTurn): HTMLElement {
  const row = el('div', { className: 'feedback' });
  if (turn.feedback) {
    row.append(
      el(
        'span',
        { className: 'feedback-given' },
        icon(turn.feedback === 'up' ? 'thumbsup-filled' : 'thumbsdown-filled'),
        turn.feedback === 'up' ? ' Marked helpful' : ' Marked not helpful',
      ),
    );
    return row;
  }
  const ask = (vote: Vote) => {
    const note = el('vscode-textfield', {
      className: 'feedback-note',
      placeholder: 'What was good or wrong? (optional)',
      '.label': 'Feedback note',
      '.maxLength': '1000',
    }) as HTMLElement & { value: string };
    const send = () => postToHost({ type: 'feedback', turnId: turn.id, vote, note: note.value.trim() || undefined });
    note.addEventListener('keydown', (event) => event.key === 'Enter' && send());
    row.replaceChildren(
      note,
      button('Send', send),
      button('Skip note', () => postToHost({ type: 'feedback', turnId: turn.id, vote }), { secondary: true }),
    );
    note.focus();
  };
  row.append(
    iconButton('thumbsup', 'Helpful', () => ask('up')),
    iconButton('thumbsdown', 'Not helpful', () => ask('down')),
  );
  return row;
}

/** Whether the focus is in a text field that holds text: the user is writing something. */
function typingText(): boolean {
  const active = document.activeElement as (Element & { value?: unknown }) | null;
  return !!active && /^(vscode-textarea|vscode-textfield|textarea|input)$/i.test(active.tagName) && typeof active.value === 'string' && active.value !== '';
}
