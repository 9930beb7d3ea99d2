// Past chats of this workspace, newest first, searchable by title; Escape goes back to the chat.
import type { ChatSummary } from '../../protocol/chat';
import { button, el } from './dom';
import { postToHost } from './host';

export class HistoryList {
  readonly element: HTMLElement;
  private readonly search = el('input', { type: 'search', placeholder: 'Search chats by title', 'aria-label': 'Search chats by title' });
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
        this.search,
        button('Back', () => this.close(), { 'aria-label': 'Back to the chat' }),
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
          button(
            chat.title,
            () => {
              postToHost({ type: 'openChat', chatId: chat.id });
              this.close();
            },
            { className: 'history-open', title: `${chat.turns} messages, ${new Date(chat.updatedAt).toLocaleString()}` },
          ),
          el('span', { className: 'history-date' }, new Date(chat.updatedAt).toLocaleDateString()),
          button('×', () => postToHost({ type: 'deleteChat', chatId: chat.id }), { 'aria-label': `Delete chat ${chat.title}`, className: 'history-delete' }),
        ),
      ),
    );
  }
}
