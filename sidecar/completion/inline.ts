// completion/inline: an inline completion at a position of a mirrored document. Answered, in order,
// from the suggestions already made there or typed through (suggestions.ts), from the generation
// running now when the user is typing what it says, else by a new generation after the debounce
// the extension asks for. Local models get a prompt Pylot builds from the model's own FIM tokens and
// keeps stable while the user types (anchor.ts) — at a new spot first only the lines read within the
// latency target, the full prompt then read in the background (coldPrompt.ts); servers get /infill with the snippets as
// input_extra. A wall-time cap keeps what arrived; post-processing decides what is shown. One
// generation runs at a time: a new one stops the one before and starts when it has ended.
// Alternatives (an explicit trigger) come from the same evaluated prompt, decoded together where the
// engine can (Engine.completeAlternatives), else one after another.
import { code } from '../../protocol/logLine';
import { log, tracing } from '../log';
import { ErrorCodes, PylotError, type ParamsOf, type ResultOf } from '../../protocol/rpc';
import { settingDefaults } from '../../protocol/settings';
import type { InlineCompletion, WarmCompletion } from '../../protocol/sidecar';
import type { CompletionContext } from '../context/handlers';
import type { DocumentStore, Edit, TextDocument } from '../documents/store';
import type { Engine, Generation } from '../engine/engine';
import type { ModelSlots } from '../models/slots';
import { anchorAt, continueAnchor, type Anchor } from './anchor';
import { planPrompt, readChunkTokens } from './coldPrompt';
import { postprocess } from './postprocess';
import { agrees, restAfter, spotAt, SuggestionCache, typedSince, typedThroughChars, type Spot } from './suggestions';
import { detectTemplate, type FimTemplate } from './templates';
import { cutWindow, type CompletionWindow } from './window';

type Params = ParamsOf<typeof InlineCompletion>;
type Result = ResultOf<typeof InlineCompletion>;
/** Runs a generation when the scheduler allows it, at completion priority. */
export type Schedule = <T>(signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>) => Promise<T>;

const defaults = {
  maxTokens: settingDefaults['completion.maxTokens'],
  timeLimitMs: settingDefaults['completion.timeLimitMs'],
  latencyTargetMs: settingDefaults['completion.latencyTargetMs'],
  alternativeTemperature: 0.6,
};
const maxAlternatives = 3;
/** Prompt evaluation is not capped by the time limit (a cold prompt can take seconds on a CPU), only by this. */
const hardLimitMs = 30_000;

/** The one generation running: where it completes, what the user typed there since, what it said so far. */
interface Running {
  readonly engine: Engine;
  readonly spot: Spot;
  typed: string;
  generated: string;
  readonly stop: AbortController;
  readonly done: Promise<Result>;
  /** A warm-up evaluates a prompt and suggests nothing: completions supersede it, never wait for it. */
  readonly warmUp: boolean;
}

/** A full prompt read in the background after a cold one, until it is in the KV cache. */
interface Unread {
  readonly spot: Spot;
  readonly window: CompletionWindow;
  readonly prompt: string;
  readonly chunkTokens?: number;
}

export class InlineCompletionService {
  private anchor: Anchor | undefined;
  private unread: Unread | undefined;
  private running: Running | undefined;
  private readonly caches = new WeakMap<Engine, SuggestionCache>();
  private readonly templates = new WeakMap<Engine, FimTemplate | null>();
  /** Generations running now, the most ever at once, and how many ran: for diagnostics and the bench. */
  readonly stats = { inFlight: 0, maxInFlight: 0, total: 0, cancelled: 0, reused: 0, extended: 0 };

  /**
   * `context` fills in snippets when a request brings none (undefined: none at all);
   * `background` runs the full prompt after a cold one (undefined: the cold prompt stays).
   */
  constructor(
    private readonly slots: ModelSlots,
    private readonly documents: DocumentStore,
    private readonly context?: CompletionContext,
    private readonly background?: Schedule,
  ) {
    documents.onEdit((uri, edit) => this.stopIfTypedAway(uri, edit));
  }

  async complete(params: Params, signal: AbortSignal, schedule: Schedule): Promise<Result> {
    const engine = this.slots.require('completion');
    // Refused before the scheduler: a request that cannot run must not pre-empt a next edit.
    if (!this.templateFor(engine) && !engine.capabilities.infill) {
      throw new PylotError(ErrorCodes.Unsupported, `${engine.info.name} has no fill-in-the-middle tokens, so it cannot complete code inline.`);
    }
    const document = this.documents.get(params.uri, params.version);
    const offset = document.offsetAt(params.position);
    // The text as it is now: edits arriving while this request waits must not change its prompt.
    const text = document.text;
    const cached = this.cacheFor(engine).lookup(document.uri, text, offset);
    if (cached) {
      this.stats.reused++;
      return { items: [...cached], raw: '', stopReason: 'eos', tokens: 0, engineMs: 0, anchored: false, reused: 'cache' };
    }
    const running = this.running;
    if (running && !running.warmUp && running.engine === engine) {
      // Typing what is being generated: wait for it. It is stopped once the typing departs from it.
      const typed = typedSince(running.spot, document.uri, text, offset, typedThroughChars);
      if (typed !== undefined && agrees(running.generated, typed)) {
        const result = await untilAborted(running.done, signal);
        const items = restAfter(result.items, typed);
        if (items.length) {
          this.stats.reused++;
          return { ...result, items, reused: 'generation' };
        }
      }
    }
    this.running?.stop.abort();
    if (params.delayMs) await pause(params.delayMs, signal);
    const window = cutWindow(text, offset);
    return untilAborted(
      this.start(engine, spotAt(document.uri, text, offset), false, (running) => this.generate(running, document, text, window, params, schedule)),
      signal,
    );
  }

  /**
   * Evaluates the prompt for a position ahead of the user's next keystroke there, and anchors it.
   * Skipped when it is already anchored, when a completion runs, or when the engine builds its own prompt.
   */
  async warm(params: ParamsOf<typeof WarmCompletion>, signal: AbortSignal): Promise<ResultOf<typeof WarmCompletion>> {
    const engine = this.slots.require('completion');
    const template = this.templateFor(engine);
    const document = this.documents.get(params.uri, params.version);
    const offset = document.offsetAt(params.position);
    const text = document.text;
    if (!template || this.running || continueAnchor(this.anchor, engine, document.uri, text, offset) !== undefined) return { warmed: false };
    const window = cutWindow(text, offset);
    const snippets = await this.context?.snippetsFor(document, window);
    const prompt = template.build({ prefix: window.prefix, suffix: window.suffix, filename: filenameOf(document.uri), snippets });
    this.anchor = anchorAt(engine, document.uri, window, prompt);
    let promptTokens: number | undefined;
    // Chunked as for the default target: a keystroke there waits for one chunk at most.
    const chunkTokens = readChunkTokens(engine, defaults.latencyTargetMs);
    const result = await this.start(engine, spotAt(document.uri, text, offset), true, async ({ stop }) => {
      const read = await readPrompt(engine, prompt, chunkTokens, AbortSignal.any([signal, stop.signal]));
      promptTokens = read.promptTokens;
      return { items: [], raw: '', stopReason: read.done ? 'eos' : 'aborted', tokens: 0, promptTokens, engineMs: 0, anchored: false };
    });
    return { warmed: result.stopReason !== 'aborted', promptTokens };
  }

  /** Stops the generation running now, and starts `run` once it has ended: never two at once. */
  private start(engine: Engine, spot: Spot, warmUp: boolean, run: (running: Running) => Promise<Result>): Promise<Result> {
    const previous = this.running;
    previous?.stop.abort();
    const stop = new AbortController();
    // `run` is called once the previous generation has ended: `running` below exists by then.
    const done = (previous?.done ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        this.stats.total++;
        this.stats.maxInFlight = Math.max(this.stats.maxInFlight, ++this.stats.inFlight);
        try {
          return await run(running);
        } finally {
          this.stats.inFlight--;
          if (stop.signal.aborted) this.stats.cancelled++;
          if (this.running === running) this.running = undefined;
        }
      });
    const running: Running = { engine, spot, typed: '', generated: '', stop, done, warmUp };
    this.running = running;
    return done;
  }

  /** Typing what is being generated keeps the generation (a completion then reuses it); anything else stops it. */
  private stopIfTypedAway(uri: string, edit: Edit): void {
    const running = this.running;
    if (!running || running.spot.uri !== uri) return;
    if (edit.removed === 0 && edit.start === running.spot.offset + running.typed.length) {
      running.typed += edit.inserted;
      if (agrees(running.generated, running.typed)) return;
    }
    running.stop.abort();
  }

  private async generate(
    running: Running,
    document: TextDocument,
    text: string,
    window: CompletionWindow,
    params: Params,
    schedule: Schedule,
  ): Promise<Result> {
    const { engine, stop } = running;
    // The time limit starts with the first token: generation is capped, prompt evaluation is not.
    const timeLimit = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const startTimer = () => (timer ??= setTimeout(() => timeLimit.abort(), params.timeLimitMs ?? defaults.timeLimitMs));
    // The first generation's text tells whether the user is typing what it says; alternatives only run the clock.
    const onFirstText = (text: string) => {
      running.generated += text;
      // The user may have typed on while the prompt was evaluated: the first words say whether it was this.
      if (!agrees(running.generated, running.typed)) running.stop.abort();
      startTimer();
    };
    // Assembled only when a prompt is (re)built: an anchored prompt keeps the snippets it has.
    let snippets = params.snippets;
    let assembled = false;
    const snippetsNow = async () => {
      if (snippets === undefined && this.context && !assembled) {
        assembled = true;
        snippets = await this.context.snippetsFor(document, window);
      }
      return snippets;
    };
    let anchored = false;
    let extendTo: string | undefined;
    const template = this.templateFor(engine);
    const wanted = Math.min(params.alternatives ?? 1, maxAlternatives);
    const alternatives = { count: wanted - 1, temperature: defaults.alternativeTemperature, onText: startTimer };
    // The first generation, and the alternatives with it where the engine makes them from one evaluated prompt.
    const once = async (temperature: number, signal: AbortSignal, withAlternatives: boolean): Promise<Generation[]> => {
      const options = { maxTokens: params.maxTokens ?? defaults.maxTokens, signal, temperature, onText: temperature === 0 ? onFirstText : startTimer };
      if (!template) return [await engine.infill({ prefix: window.prefix, suffix: window.suffix, extra: await snippetsNow() }, options)];
      let prompt = continueAnchor(this.anchor, engine, document.uri, text, window.offset);
      anchored = prompt !== undefined;
      if (prompt === undefined) {
        const targetMs = params.latencyTargetMs ?? defaults.latencyTargetMs;
        const plan = planPrompt(engine, template, { window, filename: filenameOf(document.uri), snippets: await snippetsNow(), targetMs });
        prompt = plan.cold ?? plan.full;
        if (plan.cold) extendTo = plan.full;
        // A new spot: the full prompt of the one before is no longer worth reading.
        this.unread = undefined;
        this.anchor = anchorAt(engine, document.uri, window, prompt);
      }
      const stopped = { ...options, stop: template.stop };
      if (withAlternatives && alternatives.count > 0 && engine.completeAlternatives) return engine.completeAlternatives(prompt, stopped, alternatives);
      return [await engine.complete(prompt, stopped)];
    };
    try {
      return await schedule(AbortSignal.any([stop.signal, timeLimit.signal, AbortSignal.timeout(hardLimitMs)]), async (signal) => {
        const generations = await once(0, signal, true);
        // Engines that cannot make them in one pass: one after another, each reusing the evaluated prompt.
        while (generations.length < wanted && !signal.aborted) generations.push(...(await once(defaults.alternativeTemperature, signal, false)));
        const shown = generations
          .map((g) => postprocess({ prefix: window.prefix, suffix: window.suffix, languageId: document.languageId, text: g.text }))
          .filter((t): t is string => t !== undefined);
        // Asked for alternatives: a block's first line alone is one too (take the line, not the block).
        if (wanted > 1 && shown[0]?.includes('\n')) shown.push(shown[0].slice(0, shown[0].indexOf('\n')));
        const items = [...new Set(shown)].filter((item) => item.trim()).slice(0, maxAlternatives);
        const first = generations[0]!;
        if (tracing())
          log('info')`completion in ${filenameOf(document.uri)}: ${code(window.prefix.slice(-400))}‸${code(window.suffix.slice(0, 200))} → ${code(items)}`;
        const cut = first.stopReason === 'aborted' && timeLimit.signal.aborted && !stop.signal.aborted;
        // What a stopped generation said is a fragment, not a suggestion worth keeping.
        if (first.stopReason !== 'aborted' || cut) this.cacheFor(engine).remember(running.spot, items);
        if (extendTo && !stop.signal.aborted) {
          const chunkTokens = readChunkTokens(engine, params.latencyTargetMs ?? defaults.latencyTargetMs);
          this.extend(engine, { spot: anchorAt(engine, document.uri, window, extendTo).spot, window, prompt: extendTo, chunkTokens });
        } else if (!stop.signal.aborted) setImmediate(() => this.resumeRead(engine, document.uri, text, window.offset));
        return {
          ...resultOf(items, first, anchored),
          ...(extendTo && { coldPrompt: true }),
          stopReason: cut ? 'timeLimit' : first.stopReason,
          engineMs: generations.reduce((sum, g) => sum + g.engineMs, 0),
          snippetFiles: assembled ? snippets?.map((snippet) => snippet.filename) : undefined,
        };
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * After a cold prompt: reads the full one at background priority once this generation has ended,
   * and anchors it, so the keystrokes at this spot continue it. A completion stops it between two
   * chunks (each about what the machine reads within the latency target); the read resumes where it
   * stopped once the keystrokes there have been answered (resumeRead).
   */
  private extend(engine: Engine, unread: Unread): void {
    const schedule = this.background;
    if (!schedule) return;
    this.unread = unread;
    const { spot, window, prompt, chunkTokens } = unread;
    void this.start(engine, spot, true, ({ stop }) =>
      schedule(stop.signal, async (signal) => {
        const read = await readPrompt(engine, prompt, chunkTokens, signal);
        if (read.done && this.unread === unread) {
          this.unread = undefined;
          this.anchor = anchorAt(engine, spot.uri, window, prompt);
          this.stats.extended++;
        }
        return { items: [], raw: '', stopReason: read.done ? 'eos' : 'aborted', tokens: 0, promptTokens: read.promptTokens, engineMs: 0, anchored: false };
      }),
    ).catch(() => undefined);
  }

  /** A full prompt whose background read a keystroke stopped, read on while the user is still at its spot. */
  private resumeRead(engine: Engine, uri: string, text: string, offset: number): void {
    const unread = this.unread;
    if (!unread || this.running) return;
    if (continueAnchor({ engine, spot: unread.spot, prompt: '' }, engine, uri, text, offset) === undefined) this.unread = undefined;
    else this.extend(engine, unread);
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

  private cacheFor(engine: Engine): SuggestionCache {
    let cache = this.caches.get(engine);
    if (!cache) this.caches.set(engine, (cache = new SuggestionCache()));
    return cache;
  }
}

function resultOf(items: string[], generation: Generation, anchored: boolean): Result {
  const { text, stopReason, tokens, promptTokens, cachedTokens, engineMs, server } = generation;
  return { items, raw: text, stopReason, tokens, promptTokens, cachedTokens, engineMs, anchored, ...(server && { server }) };
}

/** Reads a prompt into the engine's KV cache: in chunks where the engine can, else as a one-token generation. */
async function readPrompt(
  engine: Engine,
  prompt: string,
  chunkTokens: number | undefined,
  signal: AbortSignal,
): Promise<{ promptTokens: number; done: boolean }> {
  if (engine.read) return engine.read(prompt, { signal, chunkTokens });
  const generation = await engine.complete(prompt, { maxTokens: 1, temperature: 0, signal });
  return { promptTokens: generation.promptTokens ?? 0, done: generation.stopReason !== 'aborted' && !signal.aborted };
}

function filenameOf(uri: string): string {
  return decodeURIComponent(uri.split('/').pop() ?? uri);
}

/** `promise`, unless `signal` (the request's cancellation) fires first; the work itself goes on. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return untilAborted(new Promise<void>((resolve) => setTimeout(resolve, ms)), signal);
}

function cancelled(): PylotError {
  return new PylotError(ErrorCodes.Cancelled, 'The completion request was cancelled.');
}
