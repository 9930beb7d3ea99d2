// Past chats of this workspace, persisted in VS Code's workspaceState: an index of summaries under
// one key and each chat under its own, so saving a turn rewrites one chat, not all of them.
// No `vscode` import: it takes anything shaped like a Memento, so the rules are unit-tested.
import type { ChatMode, ChatSummary, ChatTurn } from '../../protocol/chat';

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface StoredChat {
  readonly id: string;
  readonly title: string;
  readonly mode: ChatMode;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly turns: readonly ChatTurn[];
}

const indexKey = 'pylot.chat.index';
const chatKey = (id: string) => `pylot.chat.${id}`;

export class ChatHistory {
  constructor(
    private readonly store: KeyValueStore,
    private readonly limit = 100,
  ) {}

  /** Newest first; `query` keeps chats whose title holds every word of it, in any case. */
  list(query = ''): ChatSummary[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return this.index()
      .filter((chat) => words.every((word) => chat.title.toLowerCase().includes(word)))
      .sort((a, b) => b.updatedAt - a.updatedAt);
  }

  get(id: string): StoredChat | undefined {
    return this.store.get<StoredChat>(chatKey(id));
  }

  /** A chat with no message yet is not worth keeping. */
  async save(chat: StoredChat): Promise<void> {
    if (chat.turns.length === 0) return;
    const summary: ChatSummary = { id: chat.id, title: chat.title, updatedAt: chat.updatedAt, turns: chat.turns.length };
    const others = this.index()
      .filter((entry) => entry.id !== chat.id)
      .sort((a, b) => b.updatedAt - a.updatedAt);
    const evicted = others.splice(this.limit - 1);
    await this.store.update(chatKey(chat.id), chat);
    await this.store.update(indexKey, [summary, ...others]);
    for (const old of evicted) await this.store.update(chatKey(old.id), undefined);
  }

  async delete(id: string): Promise<void> {
    await this.store.update(
      indexKey,
      this.index().filter((entry) => entry.id !== id),
    );
    await this.store.update(chatKey(id), undefined);
  }

  private index(): ChatSummary[] {
    return this.store.get<ChatSummary[]>(indexKey) ?? [];
  }
}

/** The first line of the first message, shortened: what the history list shows and searches. */
export function titleFor(firstMessage: string): string {
  const line =
    firstMessage
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? 'New chat';
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line;
}
