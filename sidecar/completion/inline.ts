// completion/inline: an inline completion at a position of a mirrored document. Local models get
// a prompt Pylot builds from the model's own FIM tokens and keeps stable while the user types
// (anchor.ts); servers get /infill with the snippets as input_extra. A wall-time cap keeps what
// arrived; post-processing decides what is shown. One completion runs at a time — a new one
// supersedes the one in flight.
import type { ParamsOf, ResultOf } from '../../protocol/rpc';
import type { InlineCompletion, WarmCompletion } from '../../protocol/sidecar';
import type { CompletionContext } from '../context/handlers';
import type { DocumentStore, Edit } from '../documents/store';
import type { Engine, Generation } from '../engine/engine';
import type { ModelSlots } from '../models/slots';
import { continueAnchor, type Anchor } from './anchor';
import { postprocess } from './postprocess';
import { detectTemplate, type FimTemplate } from './templates';
import { cutWindow } from './window';

type Params = ParamsOf<typeof InlineCompletion>;
type Result = ResultOf<typeof InlineCompletion>;

const defaults = { maxTokens: 64, timeLimitMs: 500, alternativeTemperature: 0.6 };
const maxAlternatives = 3;
/** Prompt evaluation is not capped by the time limit (a cold prompt can take seconds on a CPU), only by this. */
const hardLimitMs = 30_000;

export class InlineCompletionService {
  private anchor: Anchor | undefined;
  private current: AbortController | undefined;
  /** The generation before this one: the next starts only once it has stopped. */
  private previous: Promise<unknown> = Promise.resolve();
  private readonly templates = new WeakMap<Engine, FimTemplate | null>();
  /** Generations running now, the most ever at once, and how many ran: for diagnostics and the bench. */
  readonly stats = { inFlight: 0, maxInFlight: 0, total: 0, cancelled: 0 };

  /** The generation running now: where it completes, what the user typed there since, what it said so far. */
  private running: { uri: string; offset: number; typed: string; generated: string; stop: AbortController } | undefined;

  /** `context` fills in snippets when a request brings none (undefined: none at all). */
  constructor(private readonly slots: ModelSlots, private readonly documents: DocumentStore, private readonly context?: CompletionContext) {
    documents.onEdit((uri, edit) => this.stopIfTypedAway(uri, edit));
  }

  /** Typing what is being generated keeps the generation (the extension reuses it); anything else stops it. */
  private stopIfTypedAway(uri: string, edit: Edit): void {
    const running = this.running;
    if (!running || running.uri !== uri) return;
    if (edit.removed === 0 && edit.start === running.offset + running.typed.length) {
      running.typed += edit.inserted;
      if (agrees(running)) return;
    }
    running.stop.abort();
  }

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
    const running = { uri: document.uri, offset: window.offset, typed: '', generated: '', stop: superseded };
    this.running = running;
    const startTimer = () => (timer ??= setTimeout(() => timeLimit.abort(), params.timeLimitMs ?? defaults.timeLimitMs));
    // The first generation's text so far tells whether the user is typing what it says; alternatives only run the clock.
    const onFirstText = (text: string) => {
      running.generated += text;
      // The user may have typed on while the prompt was evaluated: the first words say whether it was this.
      if (!agrees(running)) running.stop.abort();
      startTimer();
    };
    const stop = AbortSignal.any([signal, superseded.signal, timeLimit.signal, AbortSignal.timeout(hardLimitMs)]);
    const options = { maxTokens: params.maxTokens ?? defaults.maxTokens, signal: stop };
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
        const onText = temperature === 0 ? onFirstText : startTimer;
        if (!template) return engine.infill({ prefix: window.prefix, suffix: window.suffix, extra: await snippetsNow() }, { ...options, temperature, onText });
        let prompt = continueAnchor(this.anchor, engine, document.uri, document.text, window);
        anchored = prompt !== undefined;
        if (prompt === undefined) {
          prompt = template.build({ prefix: window.prefix, suffix: window.suffix, filename: filenameOf(document.uri), snippets: await snippetsNow() });
          this.anchor = { engine, uri: document.uri, start: window.start, offset: window.offset, prefix: window.prefix, suffix: window.suffix, prompt };
        }
        return engine.complete(prompt, { ...options, temperature, onText, stop: template.stop });
      };
      const generations = await this.oneAtATime(async () => {
        const done = [await generate(0)];
        for (let i = 1; i < (params.alternatives ?? 1) && !stop.aborted; i++) done.push(await generate(defaults.alternativeTemperature));
        return done;
      });
      const first = generations[0]!;
      const shown = generations.map((g) => postprocess({ prefix: window.prefix, suffix: window.suffix, languageId: document.languageId, text: g.text })).filter((t): t is string => t !== undefined);
      // Asked for alternatives: a block's first line alone is one too (take the line, not the block).
      if ((params.alternatives ?? 1) > 1 && shown[0]?.includes('\n')) shown.push(shown[0].slice(0, shown[0].indexOf('\n')));
      const items = [...new Set(shown)].filter((item) => item.trim()).slice(0, maxAlternatives);
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
      if (signal.aborted || superseded.signal.aborted) this.stats.cancelled++;
      clearTimeout(timer);
      if (this.current === superseded) this.current = undefined;
      if (this.running === running) this.running = undefined;
    }
  }

  /**
   * Evaluates the prompt for a position ahead of the user's next keystroke there, and anchors it.
   * Skipped when it is already anchored, when a completion runs, or when the engine builds its own prompt.
   */
  async warm(params: ParamsOf<typeof WarmCompletion>, signal: AbortSignal): Promise<ResultOf<typeof WarmCompletion>> {
    const engine = this.slots.require('completion');
    const template = this.templateFor(engine);
    const document = this.documents.get(params.uri, params.version);
    const window = cutWindow(document.text, document.offsetAt(params.position));
    if (!template || this.running || continueAnchor(this.anchor, engine, document.uri, document.text, window) !== undefined) return { warmed: false };
    const snippets = await this.context?.snippetsFor(document, window);
    const prompt = template.build({ prefix: window.prefix, suffix: window.suffix, filename: filenameOf(document.uri), snippets });
    this.anchor = { engine, uri: document.uri, start: window.start, offset: window.offset, prefix: window.prefix, suffix: window.suffix, prompt };
    // A completion arriving meanwhile supersedes the warm-up like any other generation.
    const superseded = new AbortController();
    this.current = superseded;
    try {
      const generation = await this.oneAtATime(() => engine.complete(prompt, { maxTokens: 1, temperature: 0, signal: AbortSignal.any([signal, superseded.signal]) }));
      return { warmed: generation.stopReason !== 'aborted', promptTokens: generation.promptTokens };
    } finally {
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

/** What the user typed since the generation began and what it has said so far: one is the start of the other. */
function agrees(running: { typed: string; generated: string }): boolean {
  return running.generated.startsWith(running.typed) || running.typed.startsWith(running.generated);
}
