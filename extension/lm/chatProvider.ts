// Pylot's chat models in VS Code's own chat and for every extension that asks `vscode.lm` (vendor
// `pylot`): a LanguageModelChatProvider that forwards to the sidecar's model/generate — on the chat
// role (the model Pylot's panel has loaded: a GGUF file, a catalog model or a server profile) and on
// each other server profile — with the same scheduler (completions still come first), streamed
// deltas, the model's own tokenizer for counting, and tool calls in the model's own format or as
// grammar-constrained JSON.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ParamsOf } from '../../protocol/rpc';
import { CountTokens, DescribeServer, Generate, GenerateDelta, type ModelInfo, type ModelSource } from '../../protocol/sidecar';
import { resolveSpec } from '../models/sources';
import type { ModelManager } from '../models/modelManager';
import type { PylotSettings } from '../settingsReader';
import type { Sidecar } from '../sidecar/supervisor';

type SidecarMessage = NonNullable<ParamsOf<typeof Generate>['messages']>[number];
type ServerSource = Extract<ModelSource, { kind: 'server' }>;

/** The chat role's model; its id stays the same when the user picks another model for the role. */
export const chatModelId = 'pylot-chat';
/** Each server profile's model: `pylot-server-<profile name>`. */
export const serverModelPrefix = 'pylot-server-';
/** The most a reply may take of the context; the rest is the prompt's. */
const maxReplyTokens = 4096;
/** VS Code's System role (3) is still proposed API; it arrives in messages all the same. */
const systemRole = 3;

export class PylotChatModelProvider implements vscode.LanguageModelChatProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  /** What each server profile's model is, once connected; a failed connection is retried after a minute. */
  private readonly servers = new Map<string, { info?: ModelInfo; failedAt?: number; connecting?: boolean }>();
  private listed = '';

  constructor(
    private readonly sidecar: Sidecar,
    private readonly models: ModelManager,
    private readonly settings: () => PylotSettings,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  /** Tells VS Code when the list changed (another chat model, or its real context size now that it is loaded). */
  refresh(): void {
    const listed = JSON.stringify(this.provideLanguageModelChatInformation());
    if (listed === this.listed) return;
    this.listed = listed;
    this.changed.fire();
  }

  provideLanguageModelChatInformation(): vscode.LanguageModelChatInformation[] {
    const state = this.models.state('chat');
    // Not loaded yet: the context it will get at most; the real one replaces it once it loads.
    const chat = state.spec ? [information(chatModelId, state.model, state.spec, this.settings().contextSize)] : [];
    const profiles = this.settings()
      .servers.filter((profile) => `server:${profile.name}` !== state.spec)
      .map((profile) => {
        // Keyed by the whole profile: a changed URL or model is another connection.
        const key = JSON.stringify(profile);
        const known = this.servers.get(key);
        if (!known?.info) this.connect(key, profile.name);
        return information(
          `${serverModelPrefix}${profile.name}`,
          known?.info,
          `server:${profile.name}`,
          this.settings().contextSize,
          known?.failedAt !== undefined,
        );
      });
    return [...chat, ...profiles];
  }

  /** Asks the sidecar to connect to a profile and say what its model is; the list updates when it answers. */
  private connect(key: string, name: string): void {
    const entry = this.servers.get(key) ?? {};
    if (entry.connecting || (entry.failedAt !== undefined && Date.now() - entry.failedAt < 60_000)) return;
    this.servers.set(key, { ...entry, connecting: true });
    void (async () => {
      try {
        const source = await resolveSpec(`server:${name}`, this.settings(), this.secrets);
        if (source.kind !== 'server') return;
        this.servers.set(key, { info: await this.sidecar.request(DescribeServer, { source }) });
      } catch {
        this.servers.set(key, { failedAt: Date.now() });
      }
      this.refresh();
    })();
  }

  /** The chat role, or the server profile a model id names (with its API key). */
  private async target(id: string, signal: AbortSignal): Promise<{ server?: ServerSource }> {
    if (!id.startsWith(serverModelPrefix)) {
      await this.models.ensureLoaded('chat', signal);
      return {};
    }
    const source = await resolveSpec(`server:${id.slice(serverModelPrefix.length)}`, this.settings(), this.secrets);
    return source.kind === 'server' ? { server: source } : {};
  }

  async provideLanguageModelChatResponse(
    info: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const signal = abortSignal(token);
    const target = await this.target(info.id, signal);
    const streamId = `lm-${randomUUID()}`;
    const unsubscribe = this.sidecar.onNotification(GenerateDelta, (delta) => {
      if (delta.streamId === streamId && !signal.aborted) progress.report(new vscode.LanguageModelTextPart(delta.text));
    });
    const modelOptions = options.modelOptions ?? {};
    try {
      const result = await this.sidecar.request(
        Generate,
        {
          role: 'chat',
          ...target,
          messages: sidecarMessages(messages),
          maxTokens: positiveInt(modelOptions.maxTokens ?? modelOptions.max_tokens) ?? info.maxOutputTokens,
          temperature: temperature(modelOptions.temperature),
          streamId,
          ...(options.tools?.length
            ? {
                tools: options.tools.map((tool) => ({
                  name: tool.name,
                  description: tool.description,
                  parameters: tool.inputSchema as Record<string, unknown> | undefined,
                })),
                toolChoice: options.toolMode === vscode.LanguageModelChatToolMode.Required ? ('required' as const) : ('auto' as const),
              }
            : {}),
        },
        { signal },
      );
      if (result.toolCall)
        progress.report(new vscode.LanguageModelToolCallPart(result.toolCall.id, result.toolCall.name, parseObject(result.toolCall.arguments)));
    } finally {
      unsubscribe();
    }
  }

  async provideTokenCount(
    info: vscode.LanguageModelChatInformation,
    text: string | vscode.LanguageModelChatRequestMessage,
    token: vscode.CancellationToken,
  ): Promise<number> {
    const content =
      typeof text === 'string'
        ? text
        : sidecarMessages([text])
            .map((message) => message.content + (message.toolCall?.arguments ?? ''))
            .join('\n');
    const server = info.id.startsWith(serverModelPrefix);
    // Only a loaded model has a tokenizer to ask; until then the sidecar's own high estimate for tokenizer-less servers.
    if (!server && this.models.state('chat').state !== 'ready') return Math.ceil(content.length / 3);
    const signal = abortSignal(token);
    const { tokens } = await this.sidecar.request(
      CountTokens,
      { role: 'chat', texts: [content], ...(server ? await this.target(info.id, signal) : {}) },
      { signal },
    );
    return tokens[0] ?? 0;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** A model as VS Code lists it: its real context once known, else the most it will get. */
function information(id: string, model: ModelInfo | undefined, spec: string, contextLimit: number, unreachable = false): vscode.LanguageModelChatInformation {
  const contextSize = model?.contextSize ?? contextLimit;
  const maxOutputTokens = Math.min(maxReplyTokens, Math.floor(contextSize / 2));
  const profile = spec.startsWith('server:') ? spec.slice('server:'.length) : undefined;
  return {
    id,
    name: model ? `${model.name} (Pylot${profile ? ` · ${profile}` : ''})` : profile ? `Pylot · ${profile}` : 'Pylot chat model',
    family: model?.architecture ?? 'pylot',
    version: model?.quantization ?? '1',
    detail: model ? describe(model) : unreachable ? 'server not reachable' : 'loads on first use',
    tooltip: model ? `${model.location} — ${describe(model)}` : spec,
    maxInputTokens: contextSize - maxOutputTokens,
    maxOutputTokens,
    capabilities: { toolCalling: model ? model.capabilities.tools || model.capabilities.grammar : true, imageInput: false },
  };
}

function describe(model: ModelInfo): string {
  return [model.engine, model.quantization, `${model.contextSize.toLocaleString('en-US')}-token context`].filter(Boolean).join(' · ');
}

/** VS Code's messages as the sidecar's: text parts joined; each tool call and each tool result a message of its own. */
export function sidecarMessages(messages: readonly vscode.LanguageModelChatRequestMessage[]): SidecarMessage[] {
  const out: SidecarMessage[] = [];
  for (const message of messages) {
    const role = message.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : (message.role as number) === systemRole ? 'system' : 'user';
    const text = message.content
      .filter((part) => part instanceof vscode.LanguageModelTextPart)
      .map((part) => part.value)
      .join('');
    const calls = message.content.filter((part) => part instanceof vscode.LanguageModelToolCallPart);
    const results = message.content.filter((part) => part instanceof vscode.LanguageModelToolResultPart);
    for (const result of results) out.push({ role: 'user', content: resultText(result), toolResult: { id: result.callId } });
    if (calls.length) {
      calls.forEach((call, index) =>
        out.push({
          role: 'assistant',
          content: index === 0 ? text : '',
          toolCall: { id: call.callId, name: call.name, arguments: JSON.stringify(call.input ?? {}) },
        }),
      );
    } else if (text || !results.length) out.push({ role, content: text });
  }
  return out;
}

function resultText(result: vscode.LanguageModelToolResultPart): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : JSON.stringify(part))).join('');
}

function parseObject(text: string): object {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? Math.min(value, 32_768) : undefined;
}

function temperature(value: unknown): number {
  return typeof value === 'number' && value >= 0 && value <= 2 ? value : 0;
}

function abortSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
