// The models/* requests: one line each, the work lives next door. node-llama-cpp's own models
// folder is always searched too, so a model fetched with its CLI shows up without a setting.
import path from 'node:path';
import type { Endpoint } from '../../protocol/endpoint';
import { DownloadModel, DownloadProgress, ListModels, ModelCatalog } from '../../protocol/models';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { Runtime } from '../engine/runtime';
import { Downloads } from './download';
import { describeCatalog, verdictContext } from './recommend';
import { nodeLlamaCppModelsFolder, scanFolders } from './scan';

export function registerModelHandlers(endpoint: Endpoint, runtime: () => Promise<Runtime>): void {
  const downloads = new Downloads(runtime, (progress) => void endpoint.notify(DownloadProgress, progress));

  endpoint.onRequest(ListModels, async (params, signal) => scanFolders(await runtime(), withModelsCache(params.folders), signal));

  endpoint.onRequest(ModelCatalog, async (params) => ({
    entries: await describeCatalog((await runtime()).hardware, withModelsCache(params?.folders ?? [])),
    contextSize: verdictContext,
  }));

  endpoint.onRequest(DownloadModel, (params, signal) => downloads.download(params, signal));
}

function withModelsCache(folders: readonly string[]): string[] {
  const relative = folders.find((folder) => !path.isAbsolute(folder));
  if (relative !== undefined) throw new PylotError(ErrorCodes.InvalidParams, `Model folders must be absolute paths: "${relative}".`);
  const cache = nodeLlamaCppModelsFolder();
  return folders.includes(cache) ? [...folders] : [...folders, cache];
}
