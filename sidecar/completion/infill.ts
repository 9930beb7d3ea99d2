// Fill-in-the-middle on the completion role's engine. One context sequence serves the role, so
// the newest request supersedes the one in flight (its text is stale by then).
import type { ParamsOf, ResultOf } from '../../protocol/rpc';
import type { Infill } from '../../protocol/sidecar';
import type { ModelSlots } from '../models/slots';
import { DeltaBatcher } from './deltaBatcher';

type InfillParams = ParamsOf<typeof Infill>;
type InfillResult = ResultOf<typeof Infill>;

const defaultMaxTokens = 64;

export class InfillService {
  private current: AbortController | undefined;

  constructor(private readonly slots: ModelSlots) {}

  async run(params: InfillParams, signal: AbortSignal, onDelta?: (text: string) => void): Promise<InfillResult> {
    const engine = this.slots.require('completion');
    this.current?.abort();
    const abort = new AbortController();
    this.current = abort;
    const batcher = onDelta ? new DeltaBatcher(onDelta) : undefined;
    try {
      const generation = await engine.infill(params, {
        maxTokens: params.maxTokens ?? defaultMaxTokens,
        temperature: params.temperature ?? 0,
        signal: AbortSignal.any([signal, abort.signal]),
        onText: batcher ? (text) => batcher.push(text) : undefined,
      });
      batcher?.flush();
      return generation;
    } finally {
      if (this.current === abort) this.current = undefined;
    }
  }
}
