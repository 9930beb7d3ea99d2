// Where the user writes: Enter sends, Shift+Enter is a new line, Escape stops a running turn, `@`
// opens the mention list (arrows + Enter), attached context shows as removable chips, and the
// editor's selection is offered as a chip of its own. The text area is VS Code's own
// (`<vscode-textarea>`); its inner <textarea> holds the cursor.
import type { Attachment } from '../../protocol/chat';
import { button, el, iconButton } from './dom';
import { draftStore, postToHost } from './host';
import { chips } from './transcript';

const mentionChoices = [
  { kind: 'file', description: 'a file of the workspace' },
  { kind: 'symbol', description: 'a function, class or variable' },
  { kind: 'selection', description: 'what is selected in the editor' },
  { kind: 'problems', description: 'errors and warnings' },
  { kind: 'codebase', description: 'search the workspace index' },
  { kind: 'git', description: 'uncommitted changes (staged and unstaged)' },
] as const;

/** How long typing must pause before the draft goes to the host (Continue waits 350 ms for a completion). */
const draftPauseMs = 400;

export interface ComposerEvents {
  send(text: string, attachments: Attachment[]): void;
  /** What a send would give now, once typing has paused (for the host to read ahead). */
  draft(text: string, attachments: Attachment[]): void;
  stop(): void;
}

export class Composer {
  readonly element: HTMLElement;
  private readonly field = el('vscode-textarea', {
    rows: '3',
    resize: 'vertical',
    placeholder: 'Ask Pylot… (Enter to send, Shift+Enter for a new line, @ to attach)',
    '.label': 'Message to Pylot',
  }) as HTMLElement & { value: string; wrappedElement?: HTMLTextAreaElement };
  private readonly chipRow = el('div', { className: 'composer-chips' });
  private readonly popup = el('ul', { className: 'mention-popup', role: 'listbox', 'aria-label': 'Attach context', hidden: true });
  private readonly sendButton = button('Send', () => this.submit(), { className: 'send', icon: 'send', title: 'Send (Enter)' });
  private readonly stopButton = button('Stop', () => this.events.stop(), { className: 'stop', icon: 'debug-stop', hidden: true, title: 'Stop (Escape)' });
  private attachments: Attachment[] = [];
  private selection: Attachment | undefined;
  private selectionDropped = false;
  private popupIndex = 0;
  private busy = false;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly events: ComposerEvents) {
    this.field.value = draftStore.get();
    this.field.addEventListener('keydown', (event) => this.onKey(event));
    this.field.addEventListener('input', () => {
      draftStore.set(this.text);
      this.updatePopup();
      this.draftPaused();
    });
    const attach = iconButton('mention', 'Attach context (@)', () => this.openPopup(), { className: 'attach' });
    this.element = el(
      'div',
      { className: 'composer' },
      this.chipRow,
      this.popup,
      this.field,
      el('div', { className: 'composer-buttons' }, attach, this.stopButton, this.sendButton),
    );
  }

  focus(): void {
    // Before its first render (the panel just loaded) the component has nothing to take the focus.
    const rendered = (this.field as { updateComplete?: Promise<unknown> }).updateComplete;
    if (rendered) void rendered.then(() => this.field.focus());
    else this.field.focus();
  }

  /** Whether the focus is in the text area (a turn that ends brings it back there). */
  get focused(): boolean {
    return document.activeElement === this.field;
  }

  private get text(): string {
    return this.field.wrappedElement?.value ?? this.field.value;
  }

  private get cursor(): number {
    return this.field.wrappedElement?.selectionStart ?? this.text.length;
  }

  /** Replaces [start, end) with `replacement` and leaves the cursor after it. */
  private replaceRange(replacement: string, start: number, end: number): void {
    const inner = this.field.wrappedElement;
    if (inner) inner.setRangeText(replacement, start, end, 'end');
    this.field.value = inner ? inner.value : this.text.slice(0, start) + replacement + this.text.slice(end);
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.sendButton.hidden = busy;
    this.stopButton.hidden = !busy;
  }

  /** Fills the composer (pylot.openChat) or adds chips (the file and symbol pickers). */
  compose(text: string | undefined, attachments: readonly Attachment[]): void {
    if (text !== undefined) this.setText(text);
    this.attachments.push(...attachments);
    this.renderChips();
    this.focus();
  }

  /** Puts a question back after its turn failed, unless the user has started another. */
  restore(text: string): void {
    if (!this.text.trim()) this.setText(text);
  }

  offerSelection(attachment: Attachment | undefined): void {
    const changed = attachment?.label !== this.selection?.label || attachment?.text !== this.selection?.text;
    this.selection = attachment;
    if (changed) this.selectionDropped = false;
    this.renderChips();
  }

  private setText(text: string): void {
    this.field.value = text;
    if (this.field.wrappedElement) this.field.wrappedElement.value = text;
    draftStore.set(text);
  }

  /** Tells the host the draft once typing pauses, as submit would send it; a new keystroke restarts the wait. */
  private draftPaused(): void {
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => {
      const text = this.text.trim();
      // Nothing typed (all deleted): nothing to read ahead.
      if (text && !this.busy) this.events.draft(text, this.outgoing());
    }, draftPauseMs);
  }

  private outgoing(): Attachment[] {
    const selection = this.selection && !this.selectionDropped ? [this.selection] : [];
    return [...selection, ...this.attachments];
  }

  private submit(): void {
    const text = this.text.trim();
    if (!text || this.busy) return;
    clearTimeout(this.draftTimer);
    this.events.send(text, this.outgoing());
    this.setText('');
    this.attachments = [];
    // Sent once; offered again when the selection changes.
    this.selectionDropped = true;
    this.renderChips();
  }

  private onKey(event: KeyboardEvent): void {
    if (!this.popup.hidden) {
      const items = this.visibleChoices();
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        this.popupIndex = (this.popupIndex + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % Math.max(1, items.length);
        return this.renderPopup(items);
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && items.length) {
        event.preventDefault();
        return this.choose(items[this.popupIndex]!.kind);
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        this.popup.hidden = true;
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.submit();
    } else if (event.key === 'Escape' && this.busy) {
      event.preventDefault();
      this.events.stop();
    }
  }

  /** The `@word` being typed right before the cursor, if any. */
  private mentionToken(): { start: number; word: string } | undefined {
    const before = this.text.slice(0, this.cursor);
    const match = /(^|\s)@(\w*)$/.exec(before);
    return match ? { start: before.length - match[2]!.length - 1, word: match[2]!.toLowerCase() } : undefined;
  }

  private visibleChoices(): Array<(typeof mentionChoices)[number]> {
    const word = this.mentionToken()?.word ?? '';
    return mentionChoices.filter((choice) => choice.kind.startsWith(word));
  }

  private openPopup(): void {
    const token = this.mentionToken();
    if (!token) {
      const at = this.cursor;
      const lead = at > 0 && !/\s/.test(this.text[at - 1]!) ? ' @' : '@';
      this.replaceRange(lead, at, this.field.wrappedElement?.selectionEnd ?? at);
    }
    this.focus();
    this.updatePopup();
  }

  private updatePopup(): void {
    const items = this.mentionToken() ? this.visibleChoices() : [];
    this.popup.hidden = items.length === 0;
    this.popupIndex = Math.min(this.popupIndex, Math.max(0, items.length - 1));
    this.renderPopup(items);
  }

  private renderPopup(items: ReadonlyArray<(typeof mentionChoices)[number]>): void {
    this.popup.replaceChildren(
      ...items.map((choice, index) => {
        const item = el(
          'li',
          { role: 'option', 'aria-selected': String(index === this.popupIndex), className: index === this.popupIndex ? 'active' : '' },
          el('strong', {}, `@${choice.kind}`),
          ` ${choice.description}`,
        );
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          this.choose(choice.kind);
        });
        return item;
      }),
    );
  }

  private choose(kind: (typeof mentionChoices)[number]['kind']): void {
    const token = this.mentionToken();
    if (!token) return;
    const end = this.cursor;
    this.popup.hidden = true;
    if (kind === 'file' || kind === 'symbol') {
      // A chip from VS Code's own picker instead of a typed path.
      this.replaceRange('', token.start, end);
      postToHost({ type: 'pickMention', kind });
    } else {
      this.replaceRange(`@${kind} `, token.start, end);
    }
    draftStore.set(this.text);
    this.focus();
  }

  private renderChips(): void {
    const offered =
      this.selection && !this.selectionDropped
        ? chips(
            [this.selection],
            () => {
              this.selectionDropped = true;
              this.renderChips();
            },
            true,
          )
        : undefined;
    const attached = this.attachments.length
      ? chips(this.attachments, (index) => {
          this.attachments.splice(index, 1);
          this.renderChips();
        })
      : undefined;
    this.chipRow.replaceChildren(...[offered, attached].filter((x): x is HTMLElement => !!x));
  }
}
