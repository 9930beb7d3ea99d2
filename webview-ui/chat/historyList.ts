// Past chats of this workspace, newest first, searchable by title; Escape goes back to the chat.
import type { ChatSummary } from '../../protocol/chat';
import { el, iconButton } from './dom';
import { postToHost } from './host';

export class HistoryList {
  readonly element: HTMLElement;
  private readonly search = el('vscode-textfield', {
    type: 'search',
    placeholder: 'Search chats by title',
    '.label': 'Search chats by title',
  }) as HTMLElement & {
    value: string;
  };
  private readonly list = el('ul', { className: 'history-list', 'aria-label': 'Past chats' });
  private chats: readonly ChatSummary[] = [];

  constructor(private readonly close: () => void) {
    this.search.addEventListener('input', () => this.render());
    this.element = el(
      'section',
      { className: 'history', hidden: true, 'aria-label': 'Chat history' },
      el(
        'div',
        { className: 'history-head' },
        iconButton('arrow-left', 'Back to the chat', () => this.close()),
        this.search,
      ),
      this.list,
    );
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.close();
      }
    });
  }

  update(chats: readonly ChatSummary[]): void {
    this.chats = chats;
    this.render();
  }

  show(): void {
    this.element.hidden = false;
    this.search.focus();
  }

  private render(): void {
    const words = this.search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = this.chats.filter((chat) => words.every((word) => chat.title.toLowerCase().includes(word)));
    if (!shown.length) return this.list.replaceChildren(el('li', { className: 'empty' }, this.chats.length ? 'No chat title matches.' : 'No past chats yet.'));
    this.list.replaceChildren(
      ...shown.map((chat) =>
        el(
          'li',
          { className: 'history-item' },
          // A row of the list, not a button look-alike: the title is the link to the chat.
          el(
            'button',
            {
              type: 'button',
              className: 'history-open',
              title: `${chat.turns} messages, ${new Date(chat.updatedAt).toLocaleString()}`,
              onclick: () => {
                postToHost({ type: 'openChat', chatId: chat.id });
                this.close();
              },
            },
            chat.title,
          ),
          el('span', { className: 'history-date' }, new Date(chat.updatedAt).toLocaleDateString()),
          iconButton('trash', `Delete chat ${chat.title}`, () => postToHost({ type: 'deleteChat', chatId: chat.id }), { className: 'history-delete' }),
        ),
      ),
    );
  }
}
