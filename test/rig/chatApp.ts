// The chat panel's app (dist/chat.js) loaded into a Chromium page with a stand-in for VS Code's
// webview API, for the panel's fast UI tests: `host()` posts a message as VS Code would and waits
// until the app has handled it; `sent()` is what the app posted back.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { ChatHostMessage, ChatWebviewMessage } from '../../protocol/chat';
import { launchBrowser, type BrowserSession } from './browser';

const root = path.resolve(import.meta.dirname, '../../..');

/** The page's globals this harness sets and reads (the tests have no DOM types). */
export interface AppWindow {
  postMessage(message: unknown, targetOrigin: string): void;
  sent: ChatWebviewMessage[];
  state: unknown;
  acquireVsCodeApi: unknown;
  hacked?: number;
}

export interface ChatApp {
  readonly page: Page;
  host(message: ChatHostMessage): Promise<void>;
  sent(): Promise<ChatWebviewMessage[]>;
  lastSent(): Promise<ChatWebviewMessage | undefined>;
  /** The composer's text area. */
  input(): Locator;
  /**
   * Reloads the app as VS Code reloads a webview: a fresh page that keeps only what the app saved
   * with setState. Nothing is sent to it: the test sends what the host sends on `ready`.
   */
  reload(): Promise<void>;
  /** What the app saved with setState. */
  state(): Promise<unknown>;
}

/** Registers the suite's hooks: one browser, and before each test a freshly loaded app with an empty chat. */
export function useChatApp(): ChatApp {
  let browser: BrowserSession;
  let page: Page;
  // Message events from one source arrive in order, so a sentinel posted after a message arriving
  // means the message's handler has run.
  const host = (message: ChatHostMessage) =>
    page.evaluate(
      (m) =>
        new Promise<void>((resolve) => {
          const w = globalThis as unknown as AppWindow & {
            addEventListener: (type: string, listener: (event: { data: unknown }) => void) => void;
            removeEventListener: (type: string, listener: (event: { data: unknown }) => void) => void;
          };
          const sentinel = { handled: Math.random() };
          const listener = (event: { data: unknown }) => {
            if (event.data && (event.data as typeof sentinel).handled === sentinel.handled) {
              w.removeEventListener('message', listener);
              resolve();
            }
          };
          w.addEventListener('message', listener);
          w.postMessage(m, '*');
          w.postMessage(sentinel, '*');
        }),
      message,
    );
  const sent = () => page.evaluate(() => (globalThis as unknown as AppWindow).sent);

  before(async () => {
    browser = await launchBrowser();
    page = browser.page;
  });
  after(() => browser?.close());

  const state = () => page.evaluate(() => (globalThis as unknown as AppWindow).state);
  const load = async (saved: unknown) => {
    const [script, style] = await Promise.all([readFile(path.join(root, 'dist/chat.js'), 'utf8'), readFile(path.join(root, 'media/chat.css'), 'utf8')]);
    // A fresh window: setContent alone keeps the last test's timers (a composer's read-ahead draft) running.
    await page.goto('about:blank');
    await page.setContent(
      `<!DOCTYPE html><html lang="en"><head><title>Pylot Chat</title><style>${style}</style></head><body><div id="chat-app"></div></body></html>`,
    );
    await page.evaluate((s) => {
      const w = globalThis as unknown as AppWindow;
      w.sent = [];
      w.state = s;
      w.acquireVsCodeApi = () => ({ postMessage: (m: ChatWebviewMessage) => w.sent.push(m), getState: () => w.state, setState: (s: unknown) => (w.state = s) });
    }, saved);
    await page.addScriptTag({ content: script });
  };

  beforeEach(async () => {
    await load(undefined); // no draft left over from the previous test
    await host({ type: 'chat', chatId: 'c1', title: 'New chat', mode: 'ask', turns: [], agentAvailable: true });
  });

  return {
    get page() {
      return page;
    },
    host,
    sent,
    lastSent: async () => (await sent()).at(-1),
    input: () => page.getByLabel('Message to Pylot'),
    reload: async () => load(await state()),
    state,
  };
}
