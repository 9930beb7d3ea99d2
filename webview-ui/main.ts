// The Pylot panel: what the engine runs on and what it has loaded, with the actions that fix a
// problem, and the local usage statistics (usageCharts.ts). Runs in the webview (browser, no Node); every message is checked against the contract.
import { HostMessage, type PanelCommand, type PanelState, type RoleView, type WebviewMessage } from '../protocol/webview';
import { capabilityWords, summarizeRole, type RoleCondition } from '../protocol/roleStatus';
import { formatBytes } from '../protocol/units';
import { usageSection } from './usageCharts';
import '@vscode-elements/elements/dist/vscode-button/index.js';

declare function acquireVsCodeApi(): { postMessage(message: WebviewMessage): void };

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = HostMessage.safeParse(event.data);
  if (parsed.success) render(parsed.data.state);
});
vscode.postMessage({ type: 'ready' });

function render(state: PanelState): void {
  app.replaceChildren(
    section('Engine', [row('Status', engineStatus(state)), ...(state.sidecar.pid ? [row('Process', `pid ${state.sidecar.pid}`)] : []), ...hardwareRows(state)]),
    ...state.roles.map(roleSection),
    actions([
      ['selectModel', 'Select Model…'],
      ['restartSidecar', 'Restart Engine'],
      ['showLogs', 'Show Logs'],
    ]),
    ...(state.usage ? [usageSection(state.usage, (command) => vscode.postMessage({ type: 'command', command }))] : []),
  );
}

function engineStatus(state: PanelState): string {
  const { status, detail } = state.sidecar;
  const label = { idle: 'not started (starts on first use)', starting: 'starting…', ready: 'ready', restarting: 'restarting…', stopped: 'stopped' }[status];
  return detail ? `${label}: ${detail}` : label;
}

function hardwareRows(state: PanelState): HTMLElement[] {
  const hw = state.hardware;
  if (!hw) return [];
  const backend = hw.backend === 'cpu' ? `CPU (${hw.cpu.simd})` : `${hw.backend.toUpperCase()}${hw.gpuDevices.length ? ` — ${hw.gpuDevices.join(', ')}` : ''}`;
  const rows = [
    row('Backend', backend),
    row('CPU', `${hw.cpu.model}, ${hw.cpu.threads} of ${hw.cpu.cores} threads`),
    row('Memory', `${formatBytes(hw.ram.free)} free of ${formatBytes(hw.ram.total)}`),
  ];
  if (hw.vram.total > 0) rows.push(row('GPU memory', `${formatBytes(hw.vram.free)} free of ${formatBytes(hw.vram.total)}`));
  if (hw.gpuNotice) rows.push(row('Notice', hw.gpuNotice, 'warning'));
  return rows;
}

function roleSection(view: RoleView): HTMLElement {
  const title = `${view.role[0]!.toUpperCase()}${view.role.slice(1)} model`;
  const summary = summarizeRole(view);
  const rows = [
    row('State', stateWords[summary.condition], summary.condition === 'failed' ? 'error' : summary.condition === 'fallback' ? 'warning' : undefined),
  ];
  if (view.state === 'none') return section(title, [...rows, row('Model', 'none set — choose one with Select Model…')]);
  rows.push(row(view.spec?.startsWith('server:') ? 'Server' : 'File', view.model?.location ?? view.spec ?? ''));
  if (view.state === 'loading') rows.push(row('Progress', summary.long));
  else if (view.state === 'error') rows.push(row('Error', view.error ?? 'could not be loaded', 'error'));
  else if (view.state === 'ready' && view.model) {
    const m = view.model;
    rows.push(
      row('Model', `${m.name}${m.architecture ? ` — ${m.architecture}` : ''}${m.quantization ? `, ${m.quantization}` : ''}`),
      row('Context', `${m.contextSize.toLocaleString('en-US')} tokens`),
      row('Can do', capabilityWords(m.capabilities).join(', ') || 'nothing this role needs'),
      ...(m.fallbackFrom ? [row('Stands in', m.fallbackFrom.reason, 'warning')] : []),
      ...(m.sizeBytes === undefined ? [] : [row('Size', formatBytes(m.sizeBytes))]),
    );
  }
  return section(title, rows);
}

const stateWords: Record<RoleCondition, string> = {
  missing: 'missing',
  'not loaded': 'not loaded yet (loads on first use)',
  loading: 'loading…',
  ready: 'loaded',
  server: 'on a server',
  fallback: 'fallback standing in',
  failed: 'failed',
};

function section(title: string, children: HTMLElement[]): HTMLElement {
  const element = document.createElement('section');
  const heading = document.createElement('h2');
  heading.textContent = title;
  const list = document.createElement('dl');
  list.append(...children);
  element.append(heading, list);
  return element;
}

function row(label: string, value: string, tone?: 'warning' | 'error'): HTMLElement {
  const wrapper = document.createElement('div');
  const term = document.createElement('dt');
  term.textContent = label;
  const detail = document.createElement('dd');
  detail.textContent = value;
  if (tone) detail.className = tone;
  wrapper.append(term, detail);
  return wrapper;
}

function actions(items: Array<[PanelCommand, string]>): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'actions';
  for (const [command, label] of items) {
    // VS Code's own button (role button, Enter and Space press it), themed by the host's variables.
    const button = document.createElement('vscode-button');
    button.textContent = label;
    button.dataset.command = command;
    button.toggleAttribute('secondary', command !== 'selectModel');
    button.addEventListener('click', () => vscode.postMessage({ type: 'command', command }));
    bar.append(button);
  }
  return bar;
}
