// Pylot's chat model in VS Code's own chat and for every extension that asks `vscode.lm` (vendor
// `pylot`): a LanguageModelChatProvider that forwards to the sidecar's model/generate on the chat
// role — the model Pylot's panel has loaded (a GGUF file, a catalog model or a server profile), the
// same scheduler (completions still come first), streamed deltas, the model's own tokenizer for
// counting, and tool calls in the model's own format or as grammar-constrained JSON.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ParamsOf } from '../../protocol/rpc';
import { CountTokens, Generate, GenerateDelta, type ModelInfo } from '../../protocol/sidecar';
import type { ModelManager } from '../models/modelManager';
import type { PylotSettings } from '../settingsReader';
import type { Sidecar } from '../sidecar/supervisor';

type SidecarMessage = NonNullable<ParamsOf<typeof Generate>['messages']>[number];

/** The chat role's model; its id stays the same when the user picks another model for the role. */
export const chatModelId = 'pylot-chat';
/** The most a reply may take of the context; the rest is the prompt's. */
const maxReplyTokens = 4096;
/** VS Code's System role (3) is still proposed API; it arrives in messages all the same. */
const systemRole = 3;

export class PylotChatModelProvider implements vscode.LanguageModelChatProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;

  constructor(
    private readonly sidecar: Sidecar,
    private readonly models: ModelManager,
    private readonly settings: () => PylotSettings,
  ) {}

  private listed = '';

  /** Tells VS Code when the list changed (another chat model, or its real context size now that it is loaded). */
  refresh(): void {
    const listed = JSON.stringify(this.provideLanguageModelChatInformation());
    if (listed === this.listed) return;
    this.listed = listed;
    this.changed.fire();
  }

  provideLanguageModelChatInformation(): vscode.LanguageModelChatInformation[] {
    const state = this.models.state('chat');
    if (!state.spec) return [];
    // Not loaded yet: the context it will get at most; the real one replaces it once it loads.
    const model = state.model;
    const contextSize = model?.contextSize ?? this.settings().contextSize;
    const maxOutputTokens = Math.min(maxReplyTokens, Math.floor(contextSize / 2));
    return [
      {
        id: chatModelId,
        name: model ? `${model.name} (Pylot)` : 'Pylot chat model',
        family: model?.architecture ?? 'pylot',
        version: model?.quantization ?? '1',
        detail: model ? describe(model) : 'loads on first use',
        tooltip: model ? `${model.location} — ${describe(model)}` : state.spec,
        maxInputTokens: contextSize - maxOutputTokens,
        maxOutputTokens,
        capabilities: { toolCalling: model ? model.capabilities.tools || model.capabilities.grammar : true, imageInput: false },
      },
    ];
  }

  async provideLanguageModelChatResponse(
    info: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const signal = abortSignal(token);
    await this.models.ensureLoaded('chat', signal);
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
    _info: vscode.LanguageModelChatInformation,
    text: string | vscode.LanguageModelChatRequestMessage,
    token: vscode.CancellationToken,
  ): Promise<number> {
    const content =
      typeof text === 'string'
        ? text
        : sidecarMessages([text])
            .map((message) => message.content + (message.toolCall?.arguments ?? ''))
            .join('\n');
    // Only a loaded model has a tokenizer to ask; until then the sidecar's own high estimate for tokenizer-less servers.
    if (this.models.state('chat').state !== 'ready') return Math.ceil(content.length / 3);
    const { tokens } = await this.sidecar.request(CountTokens, { role: 'chat', texts: [content] }, { signal: abortSignal(token) });
    return tokens[0] ?? 0;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function describe(model: ModelInfo): string {
  return [model.engine === 'local' ? 'local' : model.engine, model.quantization, `${model.contextSize.toLocaleString('en-US')}-token context`]
    .filter(Boolean)
    .join(' · ');
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
