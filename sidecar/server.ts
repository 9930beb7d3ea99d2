// The sidecar's request handlers: one line per contract method, the work lives in the services.
import type { Endpoint } from '../protocol/endpoint';
import { ErrorCodes, PylotError } from '../protocol/rpc';
import {
  CountTokens,
  DescribeServer,
  DidChangeDocument,
  DidCloseDocument,
  DidOpenDocument,
  Generate,
  GenerateDelta,
  Initialize,
  InlineCompletion,
  LoadModel,
  ModelHealth,
  WarmCompletion,
  ModelStateChanged,
  Ping,
  PROTOCOL_VERSION,
  Shutdown,
  type ModelSource,
  type Role,
  UnloadModel,
} from '../protocol/sidecar';
import { InlineCompletionService } from './completion/inline';
import { registerContextHandlers } from './context/handlers';
import { DocumentStore } from './documents/store';
import { generate } from './completion/generate';
import { countTokens } from './engine/tokenBudget';
import { LocalApi } from './api/localApi';
import { ConfigureLocalApi, LocalApiChanged } from '../protocol/localApi';
import { Scheduler } from './engine/scheduler';
import { createRuntime, type Runtime } from './engine/runtime';
import { registerAgentHandlers } from './agent/handlers';
import { registerChatWarm } from './chat/warm';
import { describeError, log, setTrace } from './log';
import { registerIndexHandlers } from './index/handlers';
import { registerModelHandlers } from './models/handlers';
import { registerNextEditHandlers } from './nextEdit/handlers';
import { ModelSlots } from './models/slots';
import { ServerEngines } from './models/serverEngines';

declare const PYLOT_VERSION: string;

export function serve(endpoint: Endpoint): void {
  const startedAt = performance.now();
  let runtime: Promise<Runtime> | undefined;
  const requireRuntime = () => runtime ?? Promise.reject(new PylotError(ErrorCodes.NotInitialized, 'The sidecar has not been initialized.'));
  const slots = new ModelSlots(requireRuntime, (state) => void endpoint.notify(ModelStateChanged, state));
  const documents = new DocumentStore();
  const scheduler = new Scheduler();
  const context = registerContextHandlers(endpoint, documents);
  const inline = new InlineCompletionService(slots, documents, context.completion, (stop, task) => scheduler.run('background', stop, task));
  registerNextEditHandlers(endpoint, { documents, context: context.service, slots, scheduler });
  endpoint.onNotification(DidOpenDocument, (params) => documents.open(params));
  endpoint.onNotification(DidChangeDocument, (params) => documents.change(params));
  endpoint.onNotification(DidCloseDocument, (params) => documents.close(params.uri));
  registerModelHandlers(endpoint, requireRuntime);
  registerAgentHandlers(endpoint, slots, scheduler, requireRuntime);
  registerChatWarm(endpoint, slots, scheduler, requireRuntime);
  registerIndexHandlers(endpoint, { slots, scheduler });
  const localApi = new LocalApi({ slots, scheduler }, (state) => void endpoint.notify(LocalApiChanged, state));
  endpoint.onRequest(ConfigureLocalApi, async (params) => {
    await requireRuntime();
    return localApi.configure(params);
  });

  endpoint.onRequest(Initialize, async (params) => {
    checkProtocolVersion(params.protocolVersion);
    setTrace(params.settings.trace ?? false);
    runtime ??= createRuntime(params.settings, params.cacheDir).catch((error: unknown) => {
      runtime = undefined;
      throw engineStartError(error);
    });
    const { hardware } = await runtime;
    log(
      'info',
      `Initialized for ${params.client.name} ${params.client.version}: ${hardware.backend} backend, ${hardware.cpu.simd}, ${hardware.cpu.threads} threads`,
    );
    if (hardware.gpuNotice) log('warn', hardware.gpuNotice);
    return {
      protocolVersion: PROTOCOL_VERSION,
      server: { name: 'pylot-sidecar', version: PYLOT_VERSION, pid: process.pid },
      // The sidecar's own features (it fills in the middle and streams); a loaded model's
      // abilities travel in its ModelInfo.capabilities, per role.
      capabilities: { roles: ['completion' as const, 'chat' as const, 'embeddings' as const], infill: true, streaming: true },
      hardware,
    };
  });

  endpoint.onRequest(Ping, async () => {
    const memory = process.memoryUsage();
    return {
      uptimeMs: performance.now() - startedAt,
      rssBytes: memory.rss,
      heapBytes: memory.heapTotal + memory.external,
      localModels: slots.localModels,
      completions: { ...inline.stats },
    };
  });

  endpoint.onRequest(Shutdown, async () => {
    await localApi.close();
    await servers.dispose();
    await slots.unloadAll();
    await (await runtime?.catch(() => undefined))?.llama.dispose();
    return null;
  });

  endpoint.onRequest(LoadModel, async (params, signal) => {
    await requireRuntime();
    return slots.load(params, signal);
  });

  const servers = new ServerEngines();
  /** The role's model, or the server profile a request names (VS Code's model list offers each). */
  const engineFor = async (params: { role: Role; server?: ModelSource & { kind: 'server' } }, signal: AbortSignal) =>
    params.server ? servers.get(params.server, signal) : slots.require(params.role);

  endpoint.onRequest(DescribeServer, async (params, signal) => (await servers.get(params.source, signal)).info);

  endpoint.onRequest(CountTokens, async (params, signal) => {
    const engine = await engineFor(params, signal);
    return { tokens: await Promise.all(params.texts.map((text) => countTokens(engine, text, signal))) };
  });

  endpoint.onRequest(ModelHealth, async (params, signal) => {
    const engine = slots.require(params.role);
    const state = engine.health ? await engine.health(signal) : ('local' as const);
    return { state, ...(engine.servers && { servers: [...engine.servers()] }) };
  });

  endpoint.onRequest(UnloadModel, async (params) => {
    await slots.unload(params.role);
    return null;
  });

  endpoint.onRequest(InlineCompletion, async (params, signal) => {
    await requireRuntime();
    return inline.complete(params, signal, (stop, task) => scheduler.run('completion', stop, task));
  });

  endpoint.onRequest(WarmCompletion, async (params, signal) => {
    await requireRuntime();
    return scheduler.run('background', signal, (granted) => inline.warm(params, granted));
  });

  endpoint.onRequest(Generate, async (params, signal) => {
    await requireRuntime();
    const { streamId } = params;
    const onDelta = streamId ? (text: string) => void endpoint.notify(GenerateDelta, { streamId, text }) : undefined;
    const priority = params.role === 'completion' ? 'completion' : params.role === 'chat' ? 'chat' : 'background';
    const server = params.server && (await servers.get(params.server, signal));
    return scheduler.run(priority, signal, (granted) => generate(server || slots.require(params.role), params, granted, onDelta));
  });
}

function checkProtocolVersion(clientVersion: string): void {
  const major = (version: string) => version.split('.')[0];
  if (major(clientVersion) !== major(PROTOCOL_VERSION)) {
    throw new PylotError(
      ErrorCodes.ProtocolMismatch,
      `The Pylot sidecar speaks protocol ${PROTOCOL_VERSION} but the extension speaks ${clientVersion}. Reinstall Pylot so both parts match.`,
    );
  }
}

function engineStartError(error: unknown): PylotError {
  if (error instanceof Error && error.name === 'NoBinaryFoundError') {
    return new PylotError(
      ErrorCodes.EngineFailed,
      `No prebuilt llama.cpp binary works on ${process.platform}-${process.arch}. Reinstall Pylot for this platform, or point Pylot at an external llama.cpp server.`,
    );
  }
  return new PylotError(ErrorCodes.EngineFailed, `llama.cpp could not start: ${describeError(error)}`);
}
