// The status bar item is the sidecar's health at a glance: starting, loading, ready (backend and
// model), error, stopped. Clicking it opens the Pylot menu.
import * as vscode from 'vscode';
import type { HardwareReport } from '../protocol/sidecar';
import type { ModelManager, RoleState } from './models/modelManager';
import type { Sidecar } from './sidecar/supervisor';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pylot.status', vscode.StatusBarAlignment.Right, 100);

  constructor(private readonly sidecar: Sidecar, private readonly models: ModelManager) {
    this.item.name = 'Pylot';
    this.item.command = 'pylot.showMenu';
    this.update();
    this.item.show();
  }

  update(): void {
    const view = describe(this.sidecar, this.models.state('completion'));
    this.item.text = `Pylot ${view.text}`;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.severity ? new vscode.ThemeColor(`statusBarItem.${view.severity}Background`) : undefined;
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}

interface StatusView {
  text: string;
  tooltip: string;
  severity?: 'warning' | 'error';
}

function describe(sidecar: Sidecar, completion: RoleState): StatusView {
  const { status, detail } = sidecar.status;
  if (status === 'stopped' && detail) return { text: '$(error) stopped', tooltip: `Pylot's engine is stopped: ${detail}. Click to restart.`, severity: 'error' };
  if (status === 'restarting') return { text: '$(sync~spin) restarting', tooltip: `Pylot's engine is restarting: ${detail ?? ''}`, severity: 'warning' };
  if (completion.state === 'none') return { text: '$(circle-slash) no model', tooltip: 'No completion model is set. Click to choose a GGUF file.' };
  const name = completion.model?.name ?? basename(completion.spec ?? '');
  if (completion.state === 'error') return { text: '$(warning) model error', tooltip: completion.error?.message ?? 'The model could not be loaded.', severity: 'warning' };
  if (status === 'starting') return { text: '$(loading~spin) starting', tooltip: 'Starting Pylot\'s engine…' };
  if (completion.state === 'loading') {
    const percent = completion.progress ? ` ${Math.round(completion.progress * 100)}%` : '';
    return { text: `$(loading~spin) loading model${percent}`, tooltip: `Loading ${name}…` };
  }
  if (status === 'ready' && completion.state === 'ready' && completion.model) {
    const hardware = sidecar.info?.hardware;
    return { text: `$(check) ${backendLabel(hardware)} · ${name}`, tooltip: readyTooltip(hardware, completion) };
  }
  return { text: '$(circle-outline) idle', tooltip: `Pylot will load ${name} when you first need a completion.` };
}

export function backendLabel(hardware: HardwareReport | undefined): string {
  if (!hardware) return '';
  const names = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'CPU' } as const;
  return hardware.backend === 'cpu' ? `CPU-${hardware.cpu.simd}` : names[hardware.backend];
}

function readyTooltip(hardware: HardwareReport | undefined, completion: RoleState): string {
  const model = completion.model!;
  const lines = [`Completion model: ${model.name} (${model.architecture}${model.quantization ? `, ${model.quantization}` : ''})`, `Context: ${model.contextSize} tokens`];
  if (hardware) {
    lines.push(`Backend: ${backendLabel(hardware)}${hardware.gpuDevices.length ? ` on ${hardware.gpuDevices.join(', ')}` : ''}, ${hardware.cpu.threads} threads`);
    if (hardware.gpuNotice) lines.push(hardware.gpuNotice);
  }
  return lines.join('\n');
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
