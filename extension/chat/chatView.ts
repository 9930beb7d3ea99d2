// Hosts the chat panel (webview-ui/chat/) in Pylot's activity-bar container: strict CSP with a nonce,
// every message validated against protocol/chat.ts both ways. Messages posted before the panel is
// ready wait for it, so `pylot.openChat` can fill the composer of a panel that is still loading.
import * as vscode from 'vscode';
import { code } from '../../protocol/logLine';
import { ChatWebviewMessage, type ChatHostMessage } from '../../protocol/chat';
import type { Log } from '../log';
import { showPylotPage } from '../webviewPage';
import { turnTiming } from './turnTiming';

export class ChatViewProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'pylot.chat';
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private queued: ChatHostMessage[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: (message: ChatWebviewMessage) => void | Promise<void>,
    private readonly log: Log,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    showPylotPage(view, this.extensionUri, { script: 'chat.js', style: 'chat.css', title: 'Pylot Chat', body: '<div id="chat-app"></div>', images: ['data:'] });
    view.webview.onDidReceiveMessage((raw: unknown) => {
      if (turnTiming.enabled && isSend(raw)) turnTiming.mark(raw.turnId, 'received');
      const parsed = ChatWebviewMessage.safeParse(raw);
      if (!parsed.success) return this.log.warn`Ignoring malformed message from the chat panel: ${code(raw)}`;
      if (parsed.data.type === 'ready') {
        this.ready = true;
        const queued = this.queued;
        this.queued = [];
        void Promise.resolve(this.onMessage(parsed.data)).then(() => queued.forEach((message) => this.post(message)));
        return;
      }
      Promise.resolve(this.onMessage(parsed.data)).catch((error: unknown) =>
        this.log.error(`Chat panel: ${parsed.data.type} failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = false;
    });
  }

  get visible(): boolean {
    return !!this.view?.visible;
  }

  /** Shows the panel (opening its container) and waits until its script can take messages. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
  }

  post(message: ChatHostMessage): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
    // Whole-state messages are resent on `ready`; only what the user asked for waits.
    else if (message.type === 'compose' || message.type === 'showHistory') this.queued.push(message);
  }
}

/** A send's turn id, before the message is checked (the check is part of what is timed). */
function isSend(raw: unknown): raw is { turnId: string } {
  const message = raw as { type?: unknown; turnId?: unknown } | null;
  return message?.type === 'send' && typeof message.turnId === 'string';
}
