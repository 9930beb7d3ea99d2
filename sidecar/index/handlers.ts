// The index/* requests and notifications, and the engine services the index runs on: the
// embeddings role's model (when one is loaded) and the scheduler's background priority.
import type { Endpoint } from '../../protocol/endpoint';
import { CloseIndex, DidChangeFiles, IndexStatusChanged, OpenIndex, SearchIndex, SetIndexingPaused } from '../../protocol/index';
import type { Scheduler } from '../engine/scheduler';
import type { ModelSlots } from '../models/slots';
import { AtRest } from '../../node/atRest';
import type { Embedder } from './embedding';
import { IndexRegistry } from './registry';

/** How often open indexes look whether the embedding model came, went or changed. */
const modelCheckMs = 2_000;

export function registerIndexHandlers(endpoint: Endpoint, engine: { slots: ModelSlots; scheduler: Scheduler }): IndexRegistry {
  const { slots, scheduler } = engine;
  const embeddingEngine = () => {
    const current = slots.get('embeddings');
    return current?.capabilities.embeddings ? current : undefined;
  };
  const embedder: Embedder = {
    model: () => embeddingEngine()?.info.key,
    embed: async (texts, signal) => (await slots.require('embeddings').embed(texts, signal)).map((vector) => Float32Array.from(vector)),
  };
  const registry = new IndexRegistry({
    embedder,
    embedQuery: async (text, signal) => {
      const [vector] = await scheduler.run('query', signal, (granted) => slots.require('embeddings').embed([text], granted));
      return Float32Array.from(vector ?? []);
    },
    background: (signal, task) => scheduler.run('background', signal, task),
    onStatus: (status) => void endpoint.notify(IndexStatusChanged, status),
  });
  const timer = setInterval(() => registry.checkEmbeddingModel(), modelCheckMs);
  timer.unref();

  endpoint.onRequest(OpenIndex, async ({ encryption, ...params }) => {
    const index = registry.open({ ...params, ...(encryption && { atRest: new AtRest(encryption.key, encryption.encrypt) }) });
    await index.loaded;
    return { ...index.stats, writer: index.writer };
  });
  endpoint.onRequest(CloseIndex, async (params) => {
    await registry.close(params.root);
    return null;
  });
  endpoint.onRequest(SearchIndex, async (params, signal) => {
    registry.checkEmbeddingModel();
    return registry.search(params, signal);
  });
  endpoint.onRequest(SetIndexingPaused, async (params) => {
    registry.pause.set(params.paused);
    for (const status of registry.statuses()) void endpoint.notify(IndexStatusChanged, status);
    return null;
  });
  endpoint.onNotification(DidChangeFiles, (params) => {
    for (const change of params.changes) {
      const located = registry.locate(change.path);
      located?.index.changed(located.relative, change.type);
    }
  });
  return registry;
}
