// Where the user writes: Enter sends, Shift+Enter is a new line, Escape stops a running turn, `@`
// opens the mention list (arrows + Enter), attached context shows as removable chips, and the
// editor's selection is offered as a chip of its own.
import type { Attachment } from '../../protocol/chat';
import { button, el } from './dom';
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

export interface ComposerEvents {
  send(text: string, attachments: Attachment[]): void;
  stop(): void;
}

export class Composer {
  readonly element: HTMLElement;
  private readonly input = el('textarea', {
    rows: '3',
    placeholder: 'Ask Pylot… (Enter to send, Shift+Enter for a new line, @ to attach)',
    'aria-label': 'Message to Pylot',
  });
  private readonly chipRow = el('div', { className: 'composer-chips' });
  private readonly popup = el('ul', { className: 'mention-popup', role: 'listbox', 'aria-label': 'Attach context', hidden: true });
  private readonly sendButton = button('Send', () => this.submit(), { className: 'primary send', 'aria-label': 'Send' });
  private readonly stopButton = button('Stop', () => this.events.stop(), { className: 'stop', 'aria-label': 'Stop', hidden: true, title: 'Stop (Escape)' });
  private attachments: Attachment[] = [];
  private selection: Attachment | undefined;
  private selectionDropped = false;
  private popupIndex = 0;
  private busy = false;

  constructor(private readonly events: ComposerEvents) {
    this.input.value = draftStore.get();
    this.input.addEventListener('keydown', (event) => this.onKey(event));
    this.input.addEventListener('input', () => {
      draftStore.set(this.input.value);
      this.updatePopup();
    });
    const attach = button('@', () => this.openPopup(), {
      className: 'attach',
      'aria-label': 'Attach context',
      title: 'Attach a file, symbol, the selection, problems or codebase results',
    });
    this.element = el(
      'div',
      { className: 'composer' },
      this.chipRow,
      this.popup,
      this.input,
      el('div', { className: 'composer-buttons' }, attach, this.stopButton, this.sendButton),
    );
  }

  focus(): void {
    this.input.focus();
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
    if (!this.input.value.trim()) this.setText(text);
  }

  offerSelection(attachment: Attachment | undefined): void {
    const changed = attachment?.label !== this.selection?.label || attachment?.text !== this.selection?.text;
    this.selection = attachment;
    if (changed) this.selectionDropped = false;
    this.renderChips();
  }

  private setText(text: string): void {
    this.input.value = text;
    draftStore.set(text);
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text || this.busy) return;
    const selection = this.selection && !this.selectionDropped ? [this.selection] : [];
    this.events.send(text, [...selection, ...this.attachments]);
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
    const before = this.input.value.slice(0, this.input.selectionStart);
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
      const at = this.input.selectionStart;
      const lead = at > 0 && !/\s/.test(this.input.value[at - 1]!) ? ' @' : '@';
      this.input.setRangeText(lead, at, this.input.selectionEnd, 'end');
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
    const end = this.input.selectionStart;
    this.popup.hidden = true;
    if (kind === 'file' || kind === 'symbol') {
      // A chip from VS Code's own picker instead of a typed path.
      this.input.setRangeText('', token.start, end, 'end');
      postToHost({ type: 'pickMention', kind });
    } else {
      this.input.setRangeText(`@${kind} `, token.start, end, 'end');
    }
    draftStore.set(this.input.value);
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
