// completion/inline: an inline completion at a position of a mirrored document. Local models get
// a prompt Pylot builds from the model's own FIM tokens and keeps stable while the user types
// (anchor.ts); servers get /infill with the snippets as input_extra. A wall-time cap keeps what
// arrived; post-processing decides what is shown. One completion runs at a time — a new one
// supersedes the one in flight.
import type { ParamsOf, ResultOf } from '../../protocol/rpc';
import type { InlineCompletion } from '../../protocol/sidecar';
import type { CompletionContext } from '../context/handlers';
import type { DocumentStore } from '../documents/store';
import type { Engine, Generation } from '../engine/engine';
import type { ModelSlots } from '../models/slots';
import { continueAnchor, type Anchor } from './anchor';
import { postprocess } from './postprocess';
import { detectTemplate, type FimTemplate } from './templates';
import { cutWindow } from './window';

type Params = ParamsOf<typeof InlineCompletion>;
type Result = ResultOf<typeof InlineCompletion>;

const defaults = { maxTokens: 64, timeLimitMs: 500, alternativeTemperature: 0.6 };
/** Prompt evaluation is not capped by the time limit (a cold prompt can take seconds on a CPU), only by this. */
const hardLimitMs = 30_000;

export class InlineCompletionService {
  private anchor: Anchor | undefined;
  private current: AbortController | undefined;
  /** The generation before this one: the next starts only once it has stopped. */
  private previous: Promise<unknown> = Promise.resolve();
  private readonly templates = new WeakMap<Engine, FimTemplate | null>();
  /** Generations running now, the most ever at once, and how many ran: for diagnostics and the bench. */
  readonly stats = { inFlight: 0, maxInFlight: 0, total: 0 };

  /** `context` fills in snippets when a request brings none (undefined: none at all). */
  constructor(private readonly slots: ModelSlots, private readonly documents: DocumentStore, private readonly context?: CompletionContext) {}

  async complete(params: Params, signal: AbortSignal): Promise<Result> {
    const engine = this.slots.require('completion');
    const document = this.documents.get(params.uri, params.version);
    const window = cutWindow(document.text, document.offsetAt(params.position));
    this.current?.abort();
    const superseded = new AbortController();
    this.current = superseded;
    // The time limit starts with the first token: generation is capped, prompt evaluation is not.
    const timeLimit = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const onText = () => (timer ??= setTimeout(() => timeLimit.abort(), params.timeLimitMs ?? defaults.timeLimitMs));
    const stop = AbortSignal.any([signal, superseded.signal, timeLimit.signal, AbortSignal.timeout(hardLimitMs)]);
    const options = { maxTokens: params.maxTokens ?? defaults.maxTokens, signal: stop, onText };
    try {
      const template = this.templateFor(engine);
      let anchored = false;
      // Assembled only when a prompt is (re)built: an anchored prompt keeps the snippets it has.
      let snippets = params.snippets;
      let assembled = false;
      const snippetsNow = async () => {
        if (snippets === undefined && this.context) {
          snippets = await this.context.snippetsFor(document, window);
          assembled = true;
        }
        return snippets;
      };
      const generate = async (temperature: number): Promise<Generation> => {
        if (!template) return engine.infill({ prefix: window.prefix, suffix: window.suffix, extra: await snippetsNow() }, { ...options, temperature });
        let prompt = continueAnchor(this.anchor, document.uri, document.text, window);
        anchored = prompt !== undefined;
        if (prompt === undefined) {
          prompt = template.build({ prefix: window.prefix, suffix: window.suffix, filename: filenameOf(document.uri), snippets: await snippetsNow() });
          this.anchor = { uri: document.uri, start: window.start, offset: window.offset, prefix: window.prefix, suffix: window.suffix, prompt };
        }
        return engine.complete(prompt, { ...options, temperature, stop: template.stop });
      };
      const first = await this.oneAtATime(() => generate(0));
      const generations = [first];
      for (let i = 1; i < (params.alternatives ?? 1) && !stop.aborted; i++) generations.push(await generate(defaults.alternativeTemperature));
      const items = [...new Set(generations.map((g) => postprocess({ prefix: window.prefix, suffix: window.suffix, languageId: document.languageId, text: g.text })).filter((t): t is string => t !== undefined))];
      return {
        items,
        raw: first.text,
        stopReason: first.stopReason === 'aborted' && timeLimit.signal.aborted && !signal.aborted && !superseded.signal.aborted ? 'timeLimit' : first.stopReason,
        tokens: first.tokens,
        promptTokens: first.promptTokens,
        cachedTokens: first.cachedTokens,
        engineMs: generations.reduce((sum, g) => sum + g.engineMs, 0),
        anchored,
        snippetFiles: assembled ? snippets?.map((snippet) => snippet.filename) : undefined,
      };
    } finally {
      clearTimeout(timer);
      if (this.current === superseded) this.current = undefined;
    }
  }

  /** Runs after the previous generation (already told to stop) has ended: never two at once. */
  private oneAtATime<T>(run: () => Promise<T>): Promise<T> {
    const turn = this.previous.then(async () => {
      this.stats.total++;
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, ++this.stats.inFlight);
      try {
        return await run();
      } finally {
        this.stats.inFlight--;
      }
    });
    this.previous = turn.catch(() => undefined);
    return turn;
  }

  /** Forget the anchored prompt (e.g. the model changed). */
  reset(): void {
    this.anchor = undefined;
  }

  private templateFor(engine: Engine): FimTemplate | undefined {
    let template = this.templates.get(engine);
    if (template === undefined) {
      const tokens = engine.fimTokens?.();
      template = (tokens && detectTemplate(tokens)) ?? null;
      this.templates.set(engine, template);
      if (template === null) this.anchor = undefined;
    }
    return template ?? undefined;
  }
}

function filenameOf(uri: string): string {
  return decodeURIComponent(uri.split('/').pop() ?? uri);
}
