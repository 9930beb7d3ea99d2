// Next edits from a model: the editable region around the cursor, rewritten by a next-edit model in
// its own format (formats.ts) — the completion model's, else the chat model's — or by the chat model
// as JSON under a grammar when asked to (`instruct`); the rewrite diffed back into edits, minus any
// that undo or repeat the user's last change. One request in flight (a new one stops the old), run at
// the scheduler's next-edit priority. While the user types at the cursor the prompt built there is
// kept byte-identical before the cursor (the anchor), so the engine re-reads only what follows it.
import type { Engine } from '../engine/engine';
import type { Role } from '../../protocol/sidecar';
import { typedSince, spotAt, type Spot } from '../completion/suggestions';
import type { EditHistory, GroupChange } from './editHistory';
import { detectNextEditFormat, instructFormat, type NextEditFormat, type NextEditPrompt } from './formats';
import { historyDiffs } from './historyDiffs';
import { recentChanges, undoes } from './nextEdits';
import { regionAround, regionEdits, regionInput, type Region } from './region';
import type { Suggestion } from './suggestion';

/** `auto`: a next-edit model (Zeta, Instinct, Sweep) when one is loaded; `instruct`: else the chat model; `off`: rules only. */
export type ModelChoice = 'auto' | 'instruct' | 'off';

/** Runs a generation when the scheduler allows it, at next-edit priority. */
export type Schedule = <T>(signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>) => Promise<T>;

export interface ModelEditDeps {
  readonly engineFor: (role: Role) => Engine | undefined;
  readonly history: EditHistory;
  /** May this document's text go into a prompt (the context boundary)? */
  readonly allows: (uri: string) => boolean;
  readonly filenameOf: (uri: string) => string;
}

interface Anchor {
  readonly engine: Engine;
  readonly format: NextEditFormat;
  readonly spot: Spot;
  readonly prompt: NextEditPrompt;
  readonly region: Region;
  readonly regionText: string;
}

const maxTypedChars = 256;
const historyTokens = 1_000;
/** The region is a few lines: its rewrite fits this many tokens. */
const maxTokens = 384;

export class ModelNextEdits {
  private anchor: Anchor | undefined;
  private running: AbortController | undefined;
  /** Requests answered, those whose prompt was anchored, and prompt tokens the engine evaluated. */
  readonly stats = { requests: 0, anchored: 0, promptTokens: 0 };

  constructor(private readonly deps: ModelEditDeps) {}

  /** The engine and format a request would use now, if any. */
  pick(choice: ModelChoice): { engine: Engine; format: NextEditFormat } | undefined {
    if (choice === 'off') return undefined;
    for (const role of ['completion', 'chat'] as const) {
      const engine = this.deps.engineFor(role);
      const format = engine && detectNextEditFormat({ name: engine.info.name, has: (token) => engine.hasSpecialToken?.(token) ?? false });
      if (engine && format) return { engine, format };
    }
    const chat = this.deps.engineFor('chat');
    return choice === 'instruct' && chat?.capabilities.chat && chat.capabilities.grammar ? { engine: chat, format: instructFormat } : undefined;
  }

  /** The prompt for the cursor at `cursor`: the anchored one while the user typed at its cursor, else a new one. */
  prompt(engine: Engine, format: NextEditFormat, uri: string, text: string, cursor: number): { prompt: NextEditPrompt; region: Region; anchored: boolean } {
    const anchor = this.anchor;
    if (anchor && anchor.engine === engine && anchor.format === format) {
      const typed = typedSince(anchor.spot, uri, text, cursor, maxTypedChars);
      const region = typed === undefined ? undefined : { ...anchor.region, end: anchor.region.end + typed.length };
      const head = anchor.spot.offset - anchor.region.start;
      if (
        typed !== undefined &&
        !typed.includes('\n') &&
        text.slice(region!.start, region!.end) === anchor.regionText.slice(0, head) + typed + anchor.regionText.slice(head)
      ) {
        return { prompt: { head: anchor.prompt.head + typed, tail: anchor.prompt.tail }, region: region!, anchored: true };
      }
    }
    const region = regionAround(text, cursor);
    const changes = recentChanges(this.deps.history, uri);
    const events = historyDiffs(this.deps.history, { maxTokens: historyTokens, allows: this.deps.allows, filenameOf: this.deps.filenameOf });
    const input = regionInput(text, region, cursor, {
      filename: this.deps.filenameOf(uri),
      events: events.map(({ filename, diff }) => ({ filename, diff })),
      original: originalRegion(text, region, changes?.last),
    });
    const prompt = format.build(input);
    this.anchor = { engine, format, spot: spotAt(uri, text, cursor), prompt, region, regionText: text.slice(region.start, region.end) };
    return { prompt, region, anchored: false };
  }

  async suggest(
    document: { readonly uri: string; readonly text: string },
    cursor: number,
    choice: ModelChoice,
    schedule: Schedule,
    signal: AbortSignal,
  ): Promise<Suggestion[]> {
    const picked = this.pick(choice);
    if (!picked) return [];
    const { engine, format } = picked;
    this.running?.abort();
    const stop = (this.running = new AbortController());
    const { text, uri } = document;
    const { prompt, region, anchored } = this.prompt(engine, format, uri, text, cursor);
    const whole = prompt.head + prompt.tail;
    try {
      const generation = await schedule(AbortSignal.any([signal, stop.signal]), (granted) => {
        const options = { maxTokens, temperature: 0, stop: format.stop, signal: granted, nextEdit: true };
        return format.jsonSchema
          ? engine.chat([{ role: 'user', content: whole }], { ...options, jsonSchema: format.jsonSchema })
          : engine.complete(whole, options);
      });
      this.stats.requests++;
      if (anchored) this.stats.anchored++;
      this.stats.promptTokens += generation.promptTokens ?? 0;
      // A region cut short (out of tokens, stopped) is not a rewrite: showing it would delete the rest.
      if (generation.stopReason === 'aborted' || generation.stopReason === 'maxTokens') return [];
      const rewritten = format.parse(generation.text);
      if (rewritten === undefined) return [];
      return this.editsOf(uri, text, region, rewritten);
    } finally {
      if (this.running === stop) this.running = undefined;
    }
  }

  /** The rewrite as edits, minus those that take back or repeat what the user just did. */
  private editsOf(uri: string, text: string, region: Region, rewritten: string): Suggestion[] {
    const last = recentChanges(this.deps.history, uri)?.last;
    return regionEdits(text.slice(region.start, region.end), rewritten, region.start)
      .filter((edit) => !last || !(undoes(edit, text, last) || repeatsBack(edit, last)))
      .map((edit) => ({ rule: 'model', ...edit, label: 'Predicted edit' }));
  }
}

/** The region as it was before the user's last change, when that change lies inside it. */
function originalRegion(text: string, region: Region, last: GroupChange | undefined): string {
  const current = text.slice(region.start, region.end);
  if (!last || last.after !== text || last.start < region.start || last.start + last.inserted.length > region.end) return current;
  return last.before.slice(region.start, region.end - last.inserted.length + last.removed.length);
}

/**
 * Taking back part of what the user just typed (an edit inside the span they changed), or typing
 * it again right beside it.
 */
function repeatsBack(edit: { start: number; end: number; text: string }, last: GroupChange): boolean {
  const lastEnd = last.start + last.inserted.length;
  if (edit.start < lastEnd && edit.end > last.start) return true;
  return last.inserted.length > 0 && edit.text === last.inserted && (edit.start === lastEnd || edit.end === last.start);
}
