// The status bar item is Pylot's health at a glance: the engine's state, then each role it has a
// model for — completion always, chat and embeddings once set — in the words summarizeRole() gives
// the Engine panel too, with the completion speed. Its tooltip lists every role; clicking it opens
// the Pylot menu.
import * as vscode from 'vscode';
import { summarizeRole, type RoleSummary } from '../protocol/roleStatus';
import type { HardwareReport, Role } from '../protocol/sidecar';
import type { RoleView } from '../protocol/webview';
import { slowP95Ms, type LatencySummary } from './completion/latency';
import type { ModelManager } from './models/modelManager';
import { demoModelPath } from './onboarding';
import type { Sidecar } from './sidecar/supervisor';

export const roles: readonly Role[] = ['completion', 'chat', 'embeddings'];

/** A role's state as the panel and the status bar read it. */
export function roleView(models: ModelManager, role: Role): RoleView {
  const state = models.state(role);
  return {
    role,
    spec: state.spec,
    state: state.state,
    progress: state.progress,
    model: state.model,
    error: state.error?.message,
    ...(state.answeredBy && { answeredBy: state.answeredBy }),
    ...(state.servers && { servers: [...state.servers] }),
  };
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pylot.status', vscode.StatusBarAlignment.Right, 100);

  constructor(
    private readonly sidecar: Sidecar,
    private readonly models: ModelManager,
    private readonly latency: () => LatencySummary,
    /** The user has asked for a completion with none set: say it louder. */
    private readonly modelNeeded: () => boolean = () => false,
  ) {
    this.item.name = 'Pylot';
    this.item.command = 'pylot.showMenu';
    this.update();
    this.item.show();
  }

  update(): void {
    const views = roles.map((role) => roleView(this.models, role));
    const view = describe(this.sidecar, views, this.latency(), this.modelNeeded());
    this.item.text = `Pylot ${view.text}`;
    const tooltip = new vscode.MarkdownString(`**Pylot** — ${view.tooltip}\n\n${tooltipLines(views, this.sidecar.info?.hardware, this.latency())}`);
    tooltip.supportThemeIcons = true;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = view.severity ? new vscode.ThemeColor(`statusBarItem.${view.severity}Background`) : undefined;
  }

  get text(): string {
    return this.item.text;
  }

  /** The tooltip's Markdown, as a person reads it on hover. */
  get tooltip(): string {
    const tooltip = this.item.tooltip;
    return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
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

export function describe(sidecar: Pick<Sidecar, 'status' | 'info'>, views: readonly RoleView[], latency: LatencySummary, modelNeeded = false): StatusView {
  const { status, detail } = sidecar.status;
  if (status === 'stopped' && detail) return { text: '$(error) stopped', tooltip: `the engine is stopped: ${detail}. Click to restart.`, severity: 'error' };
  if (status === 'restarting') return { text: '$(sync~spin) restarting', tooltip: `the engine is restarting: ${detail ?? ''}`, severity: 'warning' };
  if (status === 'starting') return { text: '$(loading~spin) starting', tooltip: 'starting the engine…' };

  const shown = views.filter((view) => view.role === 'completion' || view.state !== 'none');
  const summaries = new Map(shown.map((view) => [view.role, summarizeRole(view)] as const));
  const conditions = [...summaries.values()].map((summary) => summary.condition);
  const completion = summaries.get('completion')!;
  const slow = completion.condition === 'ready' && latency.count >= 10 && latency.p95Ms! > slowP95Ms;
  const segments = shown.map((view) => `${view.role}: ${summaries.get(view.role)!.short}${view.role === 'completion' ? speedOf(completion, latency) : ''}`);
  const local = shown.some((view) => view.state === 'ready' && view.model?.engine === 'local');
  const where = status === 'ready' && local ? `${backendLabel(sidecar.info?.hardware)} · ` : '';
  const text = (icon: string) => `${icon} ${where}${segments.join(' · ')}${slow ? ' · slow' : ''}`;
  const tooltip = [...summaries.values()].map((summary) => summary.long).join('; ');

  if (conditions.includes('failed')) return { text: text('$(warning)'), tooltip: `${tooltip}. Click to choose another model.`, severity: 'warning' };
  if (conditions.includes('fallback')) return { text: text('$(warning)'), tooltip, severity: 'warning' };
  if (conditions.includes('loading')) return { text: text('$(loading~spin)'), tooltip };
  if (slow) {
    return {
      text: text('$(watch)'),
      tooltip: `completions are slow: 95 % take up to ${(latency.p95Ms! / 1000).toFixed(1)} s. A smaller model or quantization, a GPU, or a smaller context makes them faster.`,
      severity: 'warning',
    };
  }
  if (completion.condition === 'missing' && modelNeeded) {
    return {
      text: `${text('$(circle-slash)')} — click to choose a model`,
      tooltip: `${tooltip}. Click to choose one${demoModelPath() ? ', or the demo model' : ''}.`,
      severity: 'warning',
    };
  }
  if (conditions.every((condition) => condition === 'missing'))
    return { text: text('$(circle-slash)'), tooltip: `no completion model is set. Click to choose one${demoModelPath() ? ', or the demo model' : ''}.` };
  if (conditions.every((condition) => condition === 'ready' || condition === 'server')) return { text: text('$(check)'), tooltip: `${tooltip}.` };
  return { text: text('$(circle-outline)'), tooltip: `${tooltip}.` };
}

function speedOf(completion: RoleSummary, latency: LatencySummary): string {
  return (completion.condition === 'ready' || completion.condition === 'server') && latency.tokensPerSecond
    ? ` · ${Math.round(latency.tokensPerSecond)} tok/s`
    : '';
}

export function backendLabel(hardware: HardwareReport | undefined): string {
  if (!hardware) return '';
  const names = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'CPU' } as const;
  return hardware.backend === 'cpu' ? `CPU-${hardware.cpu.simd}` : names[hardware.backend];
}

function tooltipLines(views: readonly RoleView[], hardware: HardwareReport | undefined, latency: LatencySummary): string {
  const lines = views.map((view) => {
    const model = view.model;
    const pool = model?.key.startsWith('pool:');
    const where = model && !pool ? ` (${model.engine === 'local' ? `${model.quantization ?? 'local'}, ${model.contextSize} ctx` : model.location})` : '';
    return `- ${view.role}: ${summarizeRole(view).long}${where}`;
  });
  if (hardware)
    lines.push(
      `- backend: ${backendLabel(hardware)}${hardware.gpuDevices.length ? ` on ${hardware.gpuDevices.join(', ')}` : ''}, ${hardware.cpu.threads} threads${hardware.gpuNotice ? ` — ${hardware.gpuNotice}` : ''}`,
    );
  if (latency.count)
    lines.push(`- completion latency: last ${Math.round(latency.lastMs!)} ms, p50 ${Math.round(latency.p50Ms!)} ms, p95 ${Math.round(latency.p95Ms!)} ms`);
  if (latency.cacheHitRate !== undefined) lines.push(`- answered from the cache: ${Math.round(latency.cacheHitRate * 100)} %`);
  return lines.join('\n');
}
