// The model picker's choices that come from the sidecar: .gguf files on this machine, and the
// catalog with its fit verdict for this machine — a catalog model not yet on disk is downloaded
// (progress, cancel, resume) when picked.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DownloadModel, DownloadProgress, ListModels, ModelCatalog, type CatalogEntry, type Fit, type LocalModel } from '../../protocol/models';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { Role } from '../../protocol/sidecar';
import { formatBytes } from '../../protocol/units';
import type { Log } from '../log';
import type { PylotSettings } from '../settingsReader';
import type { Sidecar } from '../sidecar/supervisor';
import type { Choice } from './selectModel';

/** Where catalog downloads go when pylot.modelFolders names none; always searched too. */
export const defaultModelsFolder = path.join(os.homedir(), '.pylot', 'models');

export function modelFolders(settings: PylotSettings): string[] {
  return [...new Set([...settings.modelFolders, defaultModelsFolder])];
}

const fitLabels: Record<Fit, string> = {
  gpu: '$(zap) fits on the GPU',
  partial: '$(layers) partly on the GPU',
  cpu: '$(check) runs on the CPU',
  'too-large': '$(error) too large for this machine',
};

export function sidecarChoices(sidecar: Sidecar, settings: () => PylotSettings, log: Log) {
  return async (role: Role): Promise<Choice[]> => {
    const folders = modelFolders(settings());
    const [list, catalog] = await Promise.all([
      sidecar.request(ListModels, { folders }, { timeoutMs: 30_000 }),
      sidecar.request(ModelCatalog, { folders }, { timeoutMs: 10_000 }),
    ]);
    const local = list.models.filter((model) => suits(model, role));
    const choices: Choice[] = [];
    if (local.length) {
      choices.push({ label: 'On this machine', kind: vscode.QuickPickItemKind.Separator });
      for (const model of local) choices.push(localChoice(model));
    }
    const entries = catalog.entries.filter((entry) => entry.role === role);
    if (entries.length) {
      choices.push({
        label: `Catalog — verdicts for a ${catalog.contextSize.toLocaleString('en-US')}-token context on this machine`,
        kind: vscode.QuickPickItemKind.Separator,
      });
      for (const entry of entries) choices.push(catalogChoice(entry, sidecar, settings, log));
    }
    return choices;
  };
}

function suits(model: LocalModel, role: Role): boolean {
  if (model.error) return true; // shown, so the user sees why a file of theirs is not usable
  if (role === 'completion') return model.fim;
  if (role === 'embeddings') return model.embedding;
  return !model.embedding;
}

function localChoice(model: LocalModel): Choice {
  if (model.error) return { label: `$(error) ${model.fileName}`, description: model.error, detail: model.path };
  const facts = [
    model.quantization,
    formatBytes(model.sizeBytes),
    model.trainContextSize ? `${model.trainContextSize.toLocaleString('en-US')} ctx` : undefined,
    model.fim ? 'FIM' : undefined,
  ];
  return { label: `$(file-binary) ${model.name ?? model.fileName}`, description: facts.filter(Boolean).join(' · '), detail: model.path, spec: model.path };
}

function catalogChoice(entry: CatalogEntry, sidecar: Sidecar, settings: () => PylotSettings, log: Log): Choice {
  const quant = entry.quants.find((q) => q.quantization === entry.recommended) ?? entry.quants[0]!;
  const where = quant.path ? '$(pass-filled) downloaded' : `download ${formatBytes(quant.sizeBytes)}`;
  return {
    label: `$(cloud-download) ${entry.name}`,
    description: `${quant.quantization} · ${where} · ${fitLabels[quant.fit]}`,
    detail: `${entry.description} Needs about ${formatBytes(quant.memoryBytes)}${quant.fitsFreeMemory ? '' : ' — more than is free right now'}. ${entry.license}.`,
    spec: quant.path ?? (() => download(entry, quant.quantization, sidecar, settings(), log)),
  };
}

/** Downloads a catalog model behind a cancellable progress notification; resolves with its path. */
export async function download(entry: CatalogEntry, quantization: string, sidecar: Sidecar, settings: PylotSettings, log: Log): Promise<string | undefined> {
  const downloadId = randomUUID();
  const folder = modelFolders(settings)[0]!;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Pylot: downloading ${entry.name} (${quantization})`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      const unsubscribe = sidecar.onNotification(DownloadProgress, (event) => {
        if (event.downloadId !== downloadId || !event.totalBytes) return;
        const percent = (event.transferredBytes / event.totalBytes) * 100;
        progress.report({ increment: percent - reported, message: `${formatBytes(event.transferredBytes)} of ${formatBytes(event.totalBytes)}` });
        reported = percent;
      });
      try {
        const result = await sidecar.request(
          DownloadModel,
          {
            downloadId,
            source: { kind: 'catalog', id: entry.id, quantization },
            folder,
            ...(settings.huggingFaceEndpoint ? { huggingFaceEndpoint: settings.huggingFaceEndpoint } : {}),
          },
          { signal: abort.signal },
        );
        log.info(
          `Downloaded ${entry.name} (${quantization}) to ${result.path}${result.resumedFromBytes ? `, resumed after ${formatBytes(result.resumedFromBytes)}` : ''}`,
        );
        return result.path;
      } catch (error) {
        if (error instanceof PylotError && error.code === ErrorCodes.Cancelled) {
          void vscode.window.showInformationMessage(`Download of ${entry.name} cancelled; picking it again resumes it.`);
          return undefined;
        }
        const message = error instanceof Error ? error.message : String(error);
        log.error(`Download of ${entry.name} failed: ${message}`);
        void vscode.window.showErrorMessage(`Pylot could not download ${entry.name}: ${message}`);
        return undefined;
      } finally {
        unsubscribe();
      }
    },
  );
}
