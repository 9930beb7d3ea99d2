// The catalog as this machine sees it: each quantization's estimated size and memory, whether it
// fits, which one to offer first, and which are already downloaded.
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { CatalogEntry, CatalogQuant } from '../../protocol/models';
import type { HardwareReport } from '../../protocol/sidecar';
import { catalog, catalogFileName, type CatalogModel } from './catalog';
import { estimateMemory, estimateSize } from './estimate';
import { fitVerdict } from './fit';

/** What the verdicts assume: a context that suits completion and most chat turns. */
export const verdictContext = 4096;

export async function describeCatalog(hardware: Pick<HardwareReport, 'backend' | 'ram' | 'vram'>, folders: readonly string[]): Promise<CatalogEntry[]> {
  const downloaded = await listFolders(folders);
  return catalog.map((model) => {
    let parameters = 0;
    const quants = model.quants.map(({ quantization, uri }): CatalogQuant => {
      const size = estimateSize(model.shape, quantization);
      parameters = size.parameters;
      const memory = estimateMemory(model.shape, size, verdictContext);
      const file = findDownload(downloaded, model, quantization);
      return { quantization, uri, sizeBytes: size.fileBytes, memoryBytes: memory.totalBytes, ...fitVerdict(memory, hardware), ...(file ? { path: file } : {}) };
    });
    const best = pickRecommended(quants);
    return {
      id: model.id,
      name: model.name,
      role: model.role,
      description: model.description,
      license: model.license,
      homepage: model.homepage,
      parameters,
      layers: model.shape.layers,
      trainContextSize: model.shape.trainContext,
      fim: model.fim,
      quants,
      recommended: best.quantization,
      fit: best.fit,
    };
  });
}

/** All on the GPU beats fitting at all; among equals the catalog's order decides; when nothing fits, the smallest. */
function pickRecommended(quants: CatalogQuant[]): CatalogQuant {
  const smallest = quants.reduce((a, b) => (b.sizeBytes < a.sizeBytes ? b : a));
  return (
    quants.find((q) => q.fit === 'gpu') ??
    quants.find((q) => q.fit !== 'too-large' && q.fitsFreeMemory) ??
    quants.find((q) => q.fit !== 'too-large') ??
    smallest
  );
}

async function listFolders(folders: readonly string[]): Promise<Array<{ folder: string; names: Set<string> }>> {
  return Promise.all(
    folders.map(async (folder) => {
      const entries: Dirent[] = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
      return { folder, names: new Set(entries.filter((e) => e.isFile()).map((e) => e.name)) };
    }),
  );
}

function findDownload(listed: Array<{ folder: string; names: Set<string> }>, model: CatalogModel, quantization: string): string | undefined {
  const name = catalogFileName(model, quantization);
  const stem = name.slice(0, -'.gguf'.length);
  for (const { folder, names } of listed) {
    if (names.has(name)) return path.join(folder, name);
    // A split download is saved as `<stem>-00001-of-0000N.gguf`.
    const first = [...names].find((n) => n.startsWith(`${stem}-00001-of-`) && n.endsWith('.gguf'));
    if (first) return path.join(folder, first);
  }
  return undefined;
}
