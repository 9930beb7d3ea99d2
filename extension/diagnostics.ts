// "Pylot: Show Diagnostics": everything a bug report needs, in one document that copies in one
// click — versions, hardware, loaded models and memory, settings (secrets redacted), latency,
// recent errors and log lines, and which files the completion context at the cursor draws on (names
// and sizes, never their text). API keys live in SecretStorage and never appear here.
import * as vscode from 'vscode';
import { ContextSnippets } from '../protocol/context';
import { Ping, type Role } from '../protocol/sidecar';
import type { DocumentSync } from './completion/documentSync';
import type { PrivacyFilter } from './completion/privacy';
import { formatBytes } from '../protocol/units';
import type { LatencyTracker } from './completion/latency';
import type { Log } from './log';
import type { ModelManager } from './models/modelManager';
import type { Sidecar } from './sidecar/supervisor';

export interface DiagnosticsDeps {
  readonly sidecar: Sidecar;
  readonly models: ModelManager;
  readonly latency: LatencyTracker;
  readonly log: Log;
  readonly version: string;
  readonly documents: DocumentSync;
  readonly privacy: PrivacyFilter;
}

const roles: Role[] = ['completion', 'chat', 'embeddings'];

export async function diagnosticsReport({ sidecar, models, latency, log, version, documents, privacy }: DiagnosticsDeps): Promise<string> {
  const info = sidecar.info;
  const ping = sidecar.status.status === 'ready' ? await sidecar.request(Ping, null, { timeoutMs: 2_000 }).catch(() => undefined) : undefined;
  const lines = [
    '# Pylot diagnostics',
    '',
    `- Pylot ${version}, VS Code ${vscode.version} (${vscode.env.appHost}${vscode.env.remoteName ? `, remote: ${vscode.env.remoteName}` : ''}), ${process.platform}-${process.arch}, extension host Node ${process.versions.node}`,
    `- Engine: ${sidecar.status.status}${sidecar.status.detail ? ` (${sidecar.status.detail})` : ''}${sidecar.pid ? `, pid ${sidecar.pid}` : ''}${ping ? `, ${formatBytes(ping.rssBytes)} resident, up ${Math.round(ping.uptimeMs / 1000)} s` : ''}`,
  ];
  if (info) {
    const hw = info.hardware;
    lines.push(
      `- Sidecar ${info.server.version}, protocol ${info.protocolVersion}, ${hw.engine.name} ${hw.engine.version} (llama.cpp ${hw.engine.llamaCpp}, ${hw.engine.buildType})`,
      `- Backend: ${hw.backend}${hw.gpuDevices.length ? ` on ${hw.gpuDevices.join(', ')}` : ''}${hw.gpuNotice ? ` — ${hw.gpuNotice}` : ''}`,
      `- CPU: ${hw.cpu.model}, ${hw.cpu.threads} of ${hw.cpu.cores} threads, ${hw.cpu.simd} (${hw.cpu.features.join(' ')})`,
      `- RAM: ${formatBytes(hw.ram.free)} free of ${formatBytes(hw.ram.total)}; VRAM: ${hw.vram.total ? `${formatBytes(hw.vram.free)} free of ${formatBytes(hw.vram.total)}` : 'none'}`,
    );
  }
  lines.push('', '## Models', '');
  for (const role of roles) {
    const state = models.state(role);
    const model = state.model;
    const detail = model
      ? `${model.name} (${model.engine}, ${model.location}), context ${model.contextSize}${model.quantization ? `, ${model.quantization}` : ''}${model.sizeBytes ? `, ${formatBytes(model.sizeBytes)}` : ''}${model.gpuLayers !== undefined ? `, ${model.gpuLayers} GPU layers` : ''}, loaded in ${model.loadMs} ms${model.fallbackFrom ? `; FALLBACK for ${model.fallbackFrom.key}: ${model.fallbackFrom.reason}` : ''}${model.draft ? `; draft model ${model.draft.name} (${model.draft.location})` : ''}${model.draftUnused ? `; ${model.draftUnused}` : ''}`
      : (state.spec ?? 'none set');
    lines.push(`- ${role}: ${state.state}${state.error ? ` — ${state.error.message}` : ''} — ${detail}`);
  }
  const summary = latency.summary();
  lines.push(
    '',
    '## Completion latency',
    '',
    summary.count
      ? `- last ${ms(summary.lastMs)}, p50 ${ms(summary.p50Ms)}, p95 ${ms(summary.p95Ms)} over ${summary.count} completions${summary.tokensPerSecond ? `, ${summary.tokensPerSecond.toFixed(1)} tokens/s` : ''}${summary.cacheHitRate !== undefined ? `, ${Math.round(summary.cacheHitRate * 100)} % from the cache` : ''}`
      : '- no completions yet',
  );
  lines.push('', '## Completion context at the cursor', '', ...(await contextAtCursor(sidecar, documents, privacy)));
  lines.push('', '## Settings', '', '```json', JSON.stringify(redact(vscode.workspace.getConfiguration().get('pylot')), null, 2), '```');
  lines.push('', '## Recent errors', '', ...(log.errors().length ? log.errors().map((line) => `- ${line}`) : ['- none']));
  lines.push('', '## Last log lines', '', '```', ...log.recent(), '```', '');
  return lines.join('\n');
}

export async function showDiagnostics(deps: DiagnosticsDeps): Promise<void> {
  const report = await diagnosticsReport(deps);
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: report });
  await vscode.window.showTextDocument(document, { preview: false });
  const copy = 'Copy to Clipboard';
  if ((await vscode.window.showInformationMessage('Pylot diagnostics: attach this report to a bug report.', copy)) === copy) {
    await vscode.env.clipboard.writeText(report);
  }
}

/** What a completion at the cursor would be given besides the file itself: sources and file names. */
async function contextAtCursor(sidecar: Sidecar, documents: DocumentSync, privacy: PrivacyFilter): Promise<string[]> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return ['- no editor is active'];
  if (privacy.isExcluded(editor.document.uri)) return ['- this file is excluded: nothing from it or around it is sent'];
  if (sidecar.status.status !== 'ready' || !documents.ensure(editor.document)) return ['- the engine is not running'];
  const { line, character } = editor.selection.active;
  const answer = await sidecar
    .request(ContextSnippets, { uri: editor.document.uri.toString(), version: editor.document.version, position: { line, character } }, { timeoutMs: 2_000 })
    .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  if (typeof answer === 'string') return [`- could not be assembled: ${answer}`];
  const took = `assembled in ${ms(answer.elapsedMs)}${answer.timedOut ? ', cut short by its time box' : ''}`;
  if (!answer.snippets.length) return [`- nothing besides the file itself (${took})`];
  return [
    ...answer.snippets.map((snippet) => `- ${snippet.source}: ${snippet.filename} (${snippet.text.length.toLocaleString('en-US')} characters)`),
    `- ${took}`,
  ];
}

function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${Math.round(value)} ms`;
}

/** Credentials in URLs (user:password@host) and anything that looks like a key or token. */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\/\/[^/@\s]+@/g, '//<redacted>@');
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, /key|token|secret|password/i.test(key) ? '<redacted>' : redact(inner)]));
  }
  return value;
}
