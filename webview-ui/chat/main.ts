// The chat panel: header (model, context size, mode; New chat and History are the view's title
// actions), the conversation and the composer. Runs in the webview (browser, no Node); every message is checked against the contract.
import { ChatHostMessage, type ChatMode, type ChatModelView, type TurnUsage } from '../../protocol/chat';
import { button, el, iconButton } from './dom';
import { postToHost } from './host';
import { Composer } from './composer';
import { HistoryList } from './historyList';
import { Transcript } from './transcript';
import { hostTiming, markTurn, timeTurn } from './turnTiming';

const modeLabels: Record<ChatMode, string> = { ask: 'Ask', agent: 'Agent', debug: 'Debug', architect: 'Architect' };

let busyTurnId: string | undefined;
let turnCounter = 0;

const modelBadge = el('div', { className: 'model', 'aria-live': 'polite' });
// How full the model's context was at the last reply: the prompt (the conversation and its
// attachments) against the context size.
const contextUse = el('span', { className: 'context-use', hidden: true });
const modeSelect = el('vscode-single-select', {
  '.label': 'Mode',
  className: 'mode',
  title: 'Ask: questions, read-only. Agent: edits and runs with your approval. Debug and Architect: Ask with a specialised prompt.',
}) as HTMLElement & { value: string };
for (const mode of Object.keys(modeLabels) as ChatMode[]) modeSelect.append(el('vscode-option', { value: mode }, modeLabels[mode]));
modeSelect.addEventListener('change', () => {
  showMode(modeSelect.value as ChatMode);
  postToHost({ type: 'setMode', mode: modeSelect.value as ChatMode });
});

const transcript = new Transcript(
  (action, code, language) => postToHost({ type: 'code', action, code, ...(language ? { language } : {}) }),
  (question) => question && composer.restore(question.text),
);
const composer = new Composer({
  send: (text, attachments) => {
    const turnId = `w${Date.now().toString(36)}-${++turnCounter}`;
    timeTurn(turnId);
    setBusy(turnId);
    postToHost({ type: 'send', turnId, text, mode: modeSelect.value as ChatMode, attachments });
    markTurn(turnId, 'posted');
  },
  draft: (text, attachments) => postToHost({ type: 'draft', text, mode: modeSelect.value as ChatMode, attachments }),
  stop: () => busyTurnId && postToHost({ type: 'abort', turnId: busyTurnId }),
});
const history = new HistoryList(() => {
  history.element.hidden = true;
  chatView.hidden = false;
  composer.focus();
});
const chatView = el('section', { className: 'chat', 'aria-label': 'Chat' }, transcript.element, composer.element);
const header = el('div', { className: 'chat-header' }, modelBadge, contextUse, el('div', { className: 'header-actions' }, modeSelect));

// One landmark and a heading for screen readers; the view's own title already says "Chat" on screen.
const app = document.getElementById('chat-app')!;
app.setAttribute('role', 'main');
app.append(el('h1', { className: 'visually-hidden' }, 'Pylot Chat'), header, history.element, chatView, transcript.announcer);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = ChatHostMessage.safeParse(event.data);
  if (!parsed.success) return;
  const message = parsed.data;
  switch (message.type) {
    case 'chat':
      offerAgent(message.agentAvailable);
      showMode(message.mode);
      transcript.show(message.turns, message.busy);
      showContextUse(message.turns.findLast((turn) => turn.usage)?.usage);
      setBusy(message.busy?.turnId);
      return;
    case 'model':
      return renderModel(message.model);
    case 'history':
      return history.update(message.chats);
    case 'turnStart':
      markTurn(message.replyId, 'echo');
      setBusy(message.replyId);
      return transcript.addUser(message.user, message.replyId);
    case 'turnDelta':
      markTurn(message.turnId, 'deltaReceived');
      return transcript.delta(message.turnId, message.text);
    case 'turnTiming':
      return hostTiming(message.turnId, message.stamps);
    case 'turnEnd': {
      // The reply is re-rendered whole (and Stop hides itself): focus there would fall to the page.
      // Bring it back to the composer, unless the user has moved on to another control.
      const inReply = !!document.activeElement?.closest(`[data-turn-id="${CSS.escape(message.turn.id)}"]`);
      transcript.end(message.turn);
      if (message.turn.usage) showContextUse(message.turn.usage);
      if (busyTurnId === message.turn.id) setBusy(undefined);
      if (inReply || !document.activeElement || document.activeElement === document.body) composer.focus();
      return;
    }
    case 'toolCall':
      return transcript.toolCall(message.card);
    case 'compose':
      return composer.compose(message.text, message.attachments);
    case 'selection':
      return composer.offerSelection(message.attachment);
    case 'showHistory':
      return showHistory();
  }
});

// Escape stops a running turn wherever the focus is in the panel.
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && busyTurnId && !event.defaultPrevented) postToHost({ type: 'abort', turnId: busyTurnId });
});

postToHost({ type: 'ready' });
composer.focus();
// VS Code focusing the view (Open Chat, clicking its title) lands in the composer, not on the page.
window.addEventListener('focus', () => {
  if (!document.activeElement || document.activeElement === document.body) composer.focus();
});

function setBusy(turnId: string | undefined): void {
  busyTurnId = turnId;
  composer.setBusy(!!turnId);
}

function showContextUse(usage: TurnUsage | undefined): void {
  contextUse.hidden = !usage?.estimatedPromptTokens || !usage.contextSize;
  if (contextUse.hidden) return;
  const used = usage!.estimatedPromptTokens!;
  const size = usage!.contextSize!;
  contextUse.textContent = `${used.toLocaleString()} / ${size.toLocaleString()} tokens`;
  contextUse.title = `The last prompt used about ${Math.round((100 * used) / size)} % of the model's context`;
}

function offerAgent(available: boolean): void {
  const agent = modeSelect.querySelector('vscode-option[value="agent"]')!;
  const label = available ? 'Agent' : 'Agent (not available yet)';
  // Changing an option makes the select read its options again: only when something changed.
  if (agent.textContent === label) return;
  agent.toggleAttribute('disabled', !available);
  agent.setAttribute('aria-disabled', String(!available));
  agent.textContent = label;
}

/** The select reads its value from the options' `selected` when it reads them again: keep both. */
function showMode(mode: ChatMode): void {
  for (const option of Array.from(modeSelect.querySelectorAll('vscode-option'))) option.toggleAttribute('selected', option.getAttribute('value') === mode);
  modeSelect.value = mode;
}

function showHistory(): void {
  chatView.hidden = true;
  history.show();
}

function renderModel(model: ChatModelView): void {
  transcript.setWaitingLabel(model.state === 'loading' ? 'Loading the chat model…' : 'Thinking…');
  const parts: Array<Node | string> = [];
  if (model.state === 'none') {
    parts.push(el('span', { className: 'warning' }, 'No chat model is set.'));
    if (model.demoAvailable) parts.push(button('Use Demo Model', () => postToHost({ type: 'command', command: 'useDemoModel' }), { icon: 'beaker' }));
    parts.push(button('Select Model…', () => postToHost({ type: 'command', command: 'selectModel' }), { secondary: !!model.demoAvailable }));
  } else if (model.state === 'error') {
    parts.push(
      el('span', { className: 'error' }, `${model.name ?? 'Chat model'}: ${model.error ?? 'could not be loaded'}`),
      button('Select Model…', () => postToHost({ type: 'command', command: 'selectModel' }), { secondary: true }),
    );
  } else {
    const context = model.contextSize ? ` · ${model.contextSize.toLocaleString()}-token context` : '';
    const state = model.state === 'loading' ? ' · loading…' : model.state === 'unloaded' ? ' · loads on first message' : '';
    parts.push(
      el('span', { className: 'model-name', title: 'Chat model' }, `${model.name ?? 'Chat model'}${context}${state}`),
      iconButton('arrow-swap', 'Switch the chat model', () => postToHost({ type: 'command', command: 'selectModel' })),
    );
  }
  if (model.engine) parts.push(el('span', { className: 'warning engine' }, `Engine ${model.engine}`));
  modelBadge.replaceChildren(...parts);
}
