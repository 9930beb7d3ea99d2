// Past chats of this workspace, persisted in VS Code's workspaceState: an index of summaries under
// one key and each chat under its own, so saving a turn rewrites one chat, not all of them. With
// encryption at rest (pylot.privacy.encryptAtRest) each value is stored sealed (node/atRest.ts);
// switching it migrates every stored value, and a lost key starts a fresh history.
// No `vscode` import: it takes anything shaped like a Memento, so the rules are unit-tested.
import { AtRest, AtRestError } from '../../node/atRest';
import type { ChatMode, ChatSummary, ChatTurn } from '../../protocol/chat';

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
  keys(): readonly string[];
}

/** How a sealed value is stored: the sealed bytes in base64. */
interface SealedValue {
  readonly sealed: string;
}

export interface StoredChat {
  readonly id: string;
  readonly title: string;
  readonly mode: ChatMode;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly turns: readonly ChatTurn[];
}

const chatPrefix = 'pylot.chat.';
const indexKey = `${chatPrefix}index`;
const chatKey = (id: string) => `${chatPrefix}${id}`;

export class ChatHistory {
  constructor(
    private readonly store: KeyValueStore,
    private readonly limit = 100,
    private atRest: AtRest = AtRest.plain,
  ) {}

  /**
   * Stores every chat in `atRest`'s mode from now on, converting what is stored. Returns what the user
   * should be told: an index sealed with a key that is gone means a fresh history; a chat whose value
   * was changed is removed alone.
   */
  async useAtRest(atRest: AtRest): Promise<string | undefined> {
    this.atRest = atRest;
    const keys = this.store.keys().filter((key) => key.startsWith(chatPrefix));
    let index: ChatSummary[] | undefined;
    try {
      index = this.read<ChatSummary[]>(indexKey);
    } catch (error) {
      if (!(error instanceof AtRestError)) throw error;
      for (const key of keys) await this.store.update(key, undefined);
      return "Your chat history could not be decrypted: the key it was encrypted with is gone from VS Code's secret storage (or the history was changed). It starts afresh.";
    }
    const removed = new Set<string>();
    for (const key of keys) {
      if (key === indexKey) continue;
      // Only what is stored in the other mode is written again: a window opening in the same mode writes nothing.
      if (isSealed(this.store.get(key)) === atRest.encrypt) continue;
      try {
        const chat = this.read(key);
        if (chat !== undefined) await this.write(key, chat);
      } catch (error) {
        if (!(error instanceof AtRestError)) throw error;
        await this.store.update(key, undefined);
        removed.add(key);
      }
    }
    if (index && (removed.size > 0 || isSealed(this.store.get(indexKey)) !== atRest.encrypt))
      await this.write(
        indexKey,
        index.filter((entry) => !removed.has(chatKey(entry.id))),
      );
    return removed.size ? `${removed.size} stored chat(s) failed their integrity check (changed since Pylot wrote them) and were removed.` : undefined;
  }

  /** Newest first; `query` keeps chats whose title holds every word of it, in any case. */
  list(query = ''): ChatSummary[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return this.index()
      .filter((chat) => words.every((word) => chat.title.toLowerCase().includes(word)))
      .sort((a, b) => b.updatedAt - a.updatedAt);
  }

  get(id: string): StoredChat | undefined {
    return this.readSafely<StoredChat>(chatKey(id));
  }

  /** A chat with no message yet is not worth keeping. */
  async save(chat: StoredChat): Promise<void> {
    if (chat.turns.length === 0) return;
    const summary: ChatSummary = { id: chat.id, title: chat.title, updatedAt: chat.updatedAt, turns: chat.turns.length };
    const others = this.index()
      .filter((entry) => entry.id !== chat.id)
      .sort((a, b) => b.updatedAt - a.updatedAt);
    const evicted = others.splice(this.limit - 1);
    await this.write(chatKey(chat.id), chat);
    await this.write(indexKey, [summary, ...others]);
    for (const old of evicted) await this.store.update(chatKey(old.id), undefined);
  }

  async delete(id: string): Promise<void> {
    await this.write(
      indexKey,
      this.index().filter((entry) => entry.id !== id),
    );
    await this.store.update(chatKey(id), undefined);
  }

  private index(): ChatSummary[] {
    return this.readSafely<ChatSummary[]>(indexKey) ?? [];
  }

  /** A stored value, opened when sealed; throws AtRestError when it cannot be. */
  private read<T>(key: string): T | undefined {
    const value = this.store.get<T | SealedValue>(key);
    if (!isSealed(value)) return value;
    return JSON.parse(this.atRest.open(Buffer.from(value.sealed, 'base64'), 'A stored chat').toString('utf8')) as T;
  }

  /** read(), with what cannot be opened (no key yet, a changed value) left out rather than failing the panel. */
  private readSafely<T>(key: string): T | undefined {
    try {
      return this.read<T>(key);
    } catch (error) {
      if (error instanceof AtRestError) return undefined;
      throw error;
    }
  }

  private write(key: string, value: unknown): PromiseLike<void> {
    return this.store.update(key, this.atRest.encrypt ? { sealed: this.atRest.seal(JSON.stringify(value)).toString('base64') } : value);
  }
}

function isSealed(value: unknown): value is SealedValue {
  return typeof value === 'object' && value !== null && typeof (value as Partial<SealedValue>).sealed === 'string';
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
