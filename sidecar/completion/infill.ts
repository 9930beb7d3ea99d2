// Fill-in-the-middle on the completion model. One context sequence serves the role, so requests
// run one at a time and the newest supersedes the one in flight (its text is stale by then).
import { ErrorCodes, PylotError, type ParamsOf, type ResultOf } from '../../protocol/rpc';
import type { Infill } from '../../protocol/sidecar';
import type { ModelSlots } from '../models/slots';
import { DeltaBatcher } from './deltaBatcher';

type InfillParams = ParamsOf<typeof Infill>;
type InfillResult = ResultOf<typeof Infill>;

const defaultMaxTokens = 64;

export class InfillService {
  private current: AbortController | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly slots: ModelSlots) {}

  async run(params: InfillParams, signal: AbortSignal, onDelta?: (text: string) => void): Promise<InfillResult> {
    this.current?.abort();
    const abort = new AbortController();
    this.current = abort;
    const forward = () => abort.abort();
    signal.addEventListener('abort', forward, { once: true });
    const turn = this.tail.then(() => this.generate(params, abort.signal, onDelta));
    this.tail = turn.catch(() => undefined);
    try {
      return await turn;
    } finally {
      signal.removeEventListener('abort', forward);
      if (this.current === abort) this.current = undefined;
    }
  }

  private async generate(params: InfillParams, signal: AbortSignal, onDelta?: (text: string) => void): Promise<InfillResult> {
    const loaded = this.slots.get('completion');
    if (!loaded) throw new PylotError(ErrorCodes.NoModel, 'No completion model is loaded. Set "pylot.models.completion" to a .gguf file.');
    if (!loaded.completion.infillSupported) {
      throw new PylotError(
        ErrorCodes.Unsupported,
        `${loaded.info.name} has no fill-in-the-middle tokens, so it cannot complete code inline. Choose a FIM code model (e.g. Qwen2.5-Coder, StarCoder2 or DeepSeek-Coder base).`,
      );
    }
    if (signal.aborted) return { text: '', stopReason: 'aborted', tokens: 0, engineMs: 0 };

    const stop = AbortSignal.any([signal, loaded.lifetime.signal]);
    const batcher = onDelta ? new DeltaBatcher(onDelta) : undefined;
    let tokens = 0;
    const started = performance.now();
    const { response, metadata } = await loaded.completion.generateInfillCompletionWithMeta(params.prefix, params.suffix, {
      maxTokens: params.maxTokens ?? defaultMaxTokens,
      temperature: params.temperature ?? 0,
      signal: stop,
      stopOnAbortSignal: true,
      onToken: (chunk) => (tokens += chunk.length),
      onTextChunk: batcher ? (text) => batcher.push(text) : undefined,
    });
    const engineMs = performance.now() - started;
    batcher?.flush();
    return { text: response, stopReason: stopReasons[metadata.stopReason] ?? 'eos', tokens, engineMs };
  }
}

const stopReasons: Record<string, InfillResult['stopReason']> = {
  eogToken: 'eos',
  maxTokens: 'maxTokens',
  stopGenerationTrigger: 'stopTrigger',
  customStopTrigger: 'stopTrigger',
  abort: 'aborted',
};
