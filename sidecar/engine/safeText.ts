// The one place text reaches llama.cpp's tokenizer in this process. Several vocabularies' pre-token
// regexes run through std::regex, which recurses once per character of a match: a run of ~23,700
// letters, digits, punctuation or CJK with no break (a minified bundle, a base64 blob, a pasted
// log line) overflows an 8 MiB stack and kills the sidecar with SIGSEGV — and the bound shrinks with
// the stack (~2,900 characters on a 1 MiB one). node-llama-cpp funnels every tokenization (prompts,
// infill, chat templates, stop triggers, embeddings, our own counts) through its model's native
// `tokenize`, so that one function is wrapped here: text whose runs are all short goes through
// unchanged; a longer run is cut, and the pieces' tokens are concatenated. A server's tokenizer is
// the same llama.cpp in another process: text for it gets a line break at the same cuts.
import type { LlamaModel } from 'node-llama-cpp';
import type { AlternativeOptions, ChatMessage, Engine } from './engine';

/**
 * The longest run of whitespace, or of anything else, one native call may see. Well under the
 * ~2,900-character crash bound measured on a 1 MiB stack (the smallest a thread is likely to have),
 * so even a regex match spanning two runs (punctuation then newlines) stays inside it.
 */
export const maxRunChars = 1024;

/** How far back from the hard limit a cut may move to land on a natural boundary. */
const lookBack = 256;
/** How far back an unclosed `<` or `[` makes a cut suspect of splitting a special token's text. */
const specialReach = 48;

/**
 * Offsets at which `text` must be cut so that no piece holds a run longer than `maxRun`: empty for
 * almost every text. Cuts avoid splitting a surrogate pair or a mark from its base, prefer a change
 * of character class, and (when special-token text is parsed) a spot inside `<…>` or `[…]`.
 */
export function cutPoints(text: string, special = false, maxRun = maxRunChars): number[] {
  const cuts: number[] = [];
  if (text.length <= maxRun) return cuts;
  let runStart = 0;
  let runSpace = isSpace(text.charCodeAt(0));
  for (let i = 1; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (space !== runSpace) {
      runStart = i;
      runSpace = space;
    } else if (i - runStart >= maxRun) {
      const cut = chooseCut(text, runStart, i, special, maxRun);
      cuts.push(cut);
      runStart = cut;
    }
  }
  return cuts;
}

/** `text` cut at its cut points: one piece when it needs no cut. */
export function safePieces(text: string, special = false, maxRun = maxRunChars): string[] {
  const cuts = cutPoints(text, special, maxRun);
  if (!cuts.length) return [text];
  const pieces: string[] = [];
  let start = 0;
  for (const cut of cuts) {
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/**
 * For engines whose tokenizer runs elsewhere (a llama-server is the same llama.cpp): a line break
 * at each cut, so the text that travels holds no run longer than `maxRun` either. Inside a run of
 * spaces it is a line break too: deepseek-llm crashes on 23,808 spaces, not on spaces and breaks.
 */
export function breakLongRuns(text: string, special = false, maxRun = maxRunChars): string {
  const pieces = safePieces(text, special, maxRun);
  return pieces.length === 1 ? text : pieces.join('\n');
}

/**
 * A server engine whose every input is passed through breakLongRuns: prompts, FIM prefix, suffix
 * and extra context, chat messages, texts to embed and texts to count.
 */
export function withBrokenRuns(engine: Engine): Engine {
  const messages = (list: readonly ChatMessage[]) => list.map((message) => ({ ...message, content: breakLongRuns(message.content) }));
  return {
    info: engine.info,
    capabilities: engine.capabilities,
    infill: (input, options) =>
      engine.infill(
        {
          prefix: breakLongRuns(input.prefix),
          suffix: breakLongRuns(input.suffix),
          ...(input.extra && { extra: input.extra.map((e) => ({ ...e, text: breakLongRuns(e.text) })) }),
        },
        options,
      ),
    // A raw prompt carries the template's special-token text, which a cut must not split.
    complete: (prompt, options) => engine.complete(breakLongRuns(prompt, true), options),
    ...(engine.completeAlternatives && {
      completeAlternatives: (prompt: string, options: Parameters<Engine['complete']>[1], more: AlternativeOptions) =>
        engine.completeAlternatives!(breakLongRuns(prompt, true), options, more),
    }),
    chat: (list, options) => engine.chat(messages(list), options),
    // The same cuts as chat's, so the turn finds the draft's tokens in the cache.
    ...(engine.readChat && { readChat: (list: readonly ChatMessage[], signal: AbortSignal) => engine.readChat!(messages(list), signal) }),
    ...(engine.chatWithTools && {
      chatWithTools: (list: readonly ChatMessage[], tools: Parameters<NonNullable<Engine['chatWithTools']>>[1], options: Parameters<Engine['chat']>[1]) =>
        engine.chatWithTools!(messages(list), tools, options),
    }),
    embed: (texts, signal) =>
      engine.embed(
        texts.map((text) => breakLongRuns(text)),
        signal,
      ),
    tokenize: (text, signal) => engine.tokenize(breakLongRuns(text), signal),
    ...(engine.health && { health: (signal: AbortSignal) => engine.health!(signal) }),
    ...(engine.servers && { servers: () => engine.servers!() }),
    ...(engine.fimTokens && { fimTokens: () => engine.fimTokens!() }),
    dispose: () => engine.dispose(),
  };
}

type NativeTokenize = (text: string, specialTokens: boolean) => Uint32Array;

/** Tokenizes piece by piece through `native` (llama.cpp's tokenizer): the tokens of the whole text. */
export function tokenizeInPieces(native: NativeTokenize, text: string, specialTokens: boolean, maxRun = maxRunChars): Uint32Array {
  const pieces = safePieces(text, specialTokens, maxRun);
  if (pieces.length === 1) return native(text, specialTokens);
  const parts = pieces.map((piece, i) => (i === 0 ? native(piece, specialTokens) : continued(native, piece, specialTokens)));
  const tokens = new Uint32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    tokens.set(part, at);
    at += part.length;
  }
  return tokens;
}

/**
 * A piece that continues a text, without the space SentencePiece vocabularies put before a text's
 * first word: tokenized after a line break whose own tokens are then dropped (node-llama-cpp's
 * trimLeadingSpace trick). Where the break merges into the piece's first token (BPE), the piece
 * alone is right already.
 */
function continued(native: NativeTokenize, piece: string, specialTokens: boolean): Uint32Array {
  const lead = native('\n', specialTokens);
  const tokens = native(`\n${piece}`, specialTokens);
  if (lead.every((token, i) => tokens[i] === token)) return tokens.subarray(lead.length);
  return native(piece, specialTokens);
}

const guarded = new WeakSet<object>();

/**
 * Routes every tokenization of `model` through tokenizeInPieces. node-llama-cpp keeps the native
 * model as `_model`; if a version stops doing so this throws, so the model is not used unguarded.
 */
export function guardTokenizer(model: LlamaModel): void {
  const native = (model as unknown as { _model?: { tokenize?: NativeTokenize } })._model;
  if (!native || typeof native.tokenize !== 'function') {
    throw new Error("This node-llama-cpp version does not expose its model's tokenizer, so long runs of text could not be kept from crashing llama.cpp.");
  }
  if (guarded.has(native)) return;
  const tokenize = native.tokenize.bind(native);
  // The addon's method is read-only on its prototype: an own property shadows it.
  Object.defineProperty(native, 'tokenize', { value: (text: string, specialTokens: boolean) => tokenizeInPieces(tokenize, text, specialTokens) });
  guarded.add(native);
}

/** A cut in (runStart, limit]: the best-placed one within lookBack of the limit, else the limit itself. */
function chooseCut(text: string, runStart: number, limit: number, special: boolean, maxRun: number): number {
  const earliest = Math.max(runStart + 1, limit - Math.min(lookBack, maxRun >> 1));
  for (const wantClassChange of [true, false]) {
    for (let cut = limit; cut >= earliest; cut--) {
      if (!splitsCharacter(text, cut) && (!special || !insideSpecial(text, cut)) && (!wantClassChange || classBefore(text, cut) !== classOf(text, cut)))
        return cut;
    }
  }
  // Nothing natural nearby (e.g. thousands of combining marks): only never split a surrogate pair.
  return isLowSurrogate(text.charCodeAt(limit)) && limit - 1 > runStart ? limit - 1 : limit;
}

/** Cutting before `at` would split a surrogate pair, or part a mark or joiner from what it modifies. */
function splitsCharacter(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (isLowSurrogate(code)) return true;
  return code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f) || markAt.test(text.slice(at, at + 2)) || text.charCodeAt(at - 1) === 0x200d;
}

const markAt = /^\p{M}/u;

/** An opening `<` or `[` shortly before `at` is not closed before it: the cut may fall inside `<|fim_prefix|>`. */
function insideSpecial(text: string, at: number): boolean {
  for (let i = at - 1; i >= Math.max(0, at - specialReach); i--) {
    const c = text[i];
    if (c === '>' || c === ']') return false;
    if (c === '<' || c === '[') return true;
  }
  return false;
}

const letter = /^\p{L}/u;
const digit = /^\p{N}/u;

/** The class of the character that ends at `at` (a surrogate pair counts as one). */
function classBefore(text: string, at: number): number {
  return classOf(text, isLowSurrogate(text.charCodeAt(at - 1)) ? at - 2 : at - 1);
}

function classOf(text: string, at: number): number {
  const char = text.slice(at, at + 2);
  return letter.test(char) ? 1 : digit.test(char) ? 2 : 3;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * ASCII whitespace only. std::regex's `\s` (the C locale) knows no other, and a vocabulary may put
 * U+3000 or U+00A0 in a class with punctuation (DeepSeek's does), so a run of those is a run too.
 */
function isSpace(code: number): boolean {
  return (code >= 9 && code <= 13) || code === 32;
}
