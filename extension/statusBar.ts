// The status bar item is Pylot's health at a glance: the engine's state, the backend and the
// completion model when ready (with its speed), a fallback standing in, errors. Its tooltip lists
// every role; clicking it opens the Pylot menu.
import * as vscode from 'vscode';
import type { HardwareReport, Role } from '../protocol/sidecar';
import { slowP95Ms, type LatencySummary } from './completion/latency';
import type { ModelManager, RoleState } from './models/modelManager';
import type { Sidecar } from './sidecar/supervisor';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pylot.status', vscode.StatusBarAlignment.Right, 100);

  constructor(
    private readonly sidecar: Sidecar,
    private readonly models: ModelManager,
    private readonly latency: () => LatencySummary,
  ) {
    this.item.name = 'Pylot';
    this.item.command = 'pylot.showMenu';
    this.update();
    this.item.show();
  }

  update(): void {
    const view = describe(this.sidecar, this.models.state('completion'), this.latency());
    this.item.text = `Pylot ${view.text}`;
    const tooltip = new vscode.MarkdownString(`**Pylot** — ${view.tooltip}\n\n${roleLines(this.models, this.sidecar.info?.hardware, this.latency())}`);
    tooltip.supportThemeIcons = true;
    this.item.tooltip = tooltip;
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

function describe(sidecar: Sidecar, completion: RoleState, latency: LatencySummary): StatusView {
  const { status, detail } = sidecar.status;
  if (status === 'stopped' && detail) return { text: '$(error) stopped', tooltip: `the engine is stopped: ${detail}. Click to restart.`, severity: 'error' };
  if (status === 'restarting') return { text: '$(sync~spin) restarting', tooltip: `the engine is restarting: ${detail ?? ''}`, severity: 'warning' };
  if (completion.state === 'none') return { text: '$(circle-slash) no model', tooltip: 'no completion model is set. Click to choose one.' };
  const name = completion.model?.name ?? basename(completion.spec ?? '');
  if (completion.state === 'error') return { text: '$(warning) model error', tooltip: completion.error?.message ?? 'the model could not be loaded.', severity: 'warning' };
  if (status === 'starting') return { text: '$(loading~spin) starting', tooltip: 'starting the engine…' };
  if (completion.state === 'loading') {
    const percent = completion.progress ? ` ${Math.round(completion.progress * 100)}%` : '';
    return { text: `$(loading~spin) loading model${percent}`, tooltip: `loading ${name}…` };
  }
  if (status === 'ready' && completion.state === 'ready' && completion.model) {
    const speed = latency.tokensPerSecond ? ` · ${Math.round(latency.tokensPerSecond)} tok/s` : '';
    if (completion.model.fallbackFrom) {
      return { text: `$(warning) fallback · ${name}${speed}`, tooltip: `${name} stands in: ${completion.model.fallbackFrom.reason}`, severity: 'warning' };
    }
    const where = completion.model.engine === 'local' ? backendLabel(sidecar.info?.hardware) : completion.model.engine;
    if (latency.count >= 10 && latency.p95Ms! > slowP95Ms) {
      return {
        text: `$(watch) ${where} · ${name} · slow`,
        tooltip: `completions are slow: 95 % take up to ${(latency.p95Ms! / 1000).toFixed(1)} s. A smaller model or quantization, a GPU, or a smaller context makes them faster.`,
        severity: 'warning',
      };
    }
    return { text: `$(check) ${where} · ${name}${speed}`, tooltip: 'ready.' };
  }
  return { text: '$(circle-outline) idle', tooltip: `${name} loads when you first need a completion.` };
}

export function backendLabel(hardware: HardwareReport | undefined): string {
  if (!hardware) return '';
  const names = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'CPU' } as const;
  return hardware.backend === 'cpu' ? `CPU-${hardware.cpu.simd}` : names[hardware.backend];
}

function roleLines(models: ModelManager, hardware: HardwareReport | undefined, latency: LatencySummary): string {
  const roles: Role[] = ['completion', 'chat', 'embeddings'];
  const lines = roles.map((role) => {
    const state = models.state(role);
    const model = state.model;
    const what = model ? `${model.name} (${model.engine === 'local' ? `${model.quantization ?? 'local'}, ${model.contextSize} ctx` : model.location})` : state.spec ? basename(state.spec) : 'none';
    return `- ${role}: ${what} — ${state.state === 'none' ? 'not set' : state.state}`;
  });
  if (hardware) lines.push(`- backend: ${backendLabel(hardware)}${hardware.gpuDevices.length ? ` on ${hardware.gpuDevices.join(', ')}` : ''}, ${hardware.cpu.threads} threads${hardware.gpuNotice ? ` — ${hardware.gpuNotice}` : ''}`);
  if (latency.count) lines.push(`- completion latency: last ${Math.round(latency.lastMs!)} ms, p50 ${Math.round(latency.p50Ms!)} ms, p95 ${Math.round(latency.p95Ms!)} ms`);
  if (latency.cacheHitRate !== undefined) lines.push(`- answered from the cache: ${Math.round(latency.cacheHitRate * 100)} %`);
  return lines.join('\n');
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
