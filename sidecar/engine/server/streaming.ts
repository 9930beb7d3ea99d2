// One generation over a server-sent event stream, whatever the server's format: text is handed on
// as it arrives, an abort ends the request and returns what came so far, and a stream cut short
// throws a PartialGenerationError that still carries that text.
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import type { GenerateOptions, Generation, StopReason } from '../engine';
import type { ServerHttp } from './http';
import { SseParser } from './sse';

/** What one event of the stream says; every field is optional. */
export interface StreamPiece {
  readonly text?: string;
  /** The format's own last event (llama-server's `stop: true`); `data: [DONE]` is handled here. */
  readonly end?: boolean;
  readonly stopReason?: StopReason;
  /** Counts the server reports; they replace what was counted from the stream. */
  readonly tokens?: number;
  readonly promptTokens?: number;
  readonly cachedTokens?: number;
  /** Which of several generations in one stream this event belongs to (0 when there is one). */
  readonly index?: number;
}

export interface StreamRequest {
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** Reads one event's JSON (validating it), e.g. a /completion chunk or an OpenAI delta. */
  readonly read: (value: unknown, request: string) => StreamPiece;
  /** The message for a 501 answer: what the server cannot do, and what would. */
  readonly unsupported?: string;
}

/** The stream broke (closed, stalled, or an error event) after `partial` had arrived. */
export class PartialGenerationError extends PylotError {
  constructor(
    message: string,
    readonly partial: Generation,
  ) {
    super(ErrorCodes.EngineFailed, message);
  }
}

export async function streamGeneration(http: ServerHttp, request: StreamRequest, options: GenerateOptions, lifetime: AbortSignal): Promise<Generation> {
  return (await streamGenerations(http, request, options, lifetime, 1))[0]!;
}

/**
 * `count` generations interleaved in one stream, told apart by each event's `index` (llama-server's
 * `n_cmpl`, the OpenAI API's `n`); the stream ends when each has ended. Only those that said
 * something or ended come back, in index order: a server that ignored the count gives one.
 * A 4xx answer throws RefusedError (the request's shape, e.g. a count the server does not take).
 */
export async function streamGenerations(
  http: ServerHttp,
  request: StreamRequest,
  options: GenerateOptions,
  lifetime: AbortSignal,
  count: number,
): Promise<Generation[]> {
  const signal = AbortSignal.any([options.signal, lifetime]);
  const started = performance.now();
  const what = `POST ${request.path}`;
  const streams = new Map<number, { text: string; counted: number; reported: StreamPiece; ended: boolean }>();
  const streamOf = (index: number) => {
    let stream = streams.get(index);
    if (!stream) streams.set(index, (stream = { text: '', counted: 0, reported: {}, ended: false }));
    return stream;
  };
  const results = (stopReason: StopReason): Generation[] => {
    if (!streams.size) streamOf(0);
    return [...streams.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, { text, counted, reported }]) => ({
        text,
        stopReason: stopReason === 'aborted' ? stopReason : (reported.stopReason ?? stopReason),
        tokens: reported.tokens ?? counted,
        promptTokens: reported.promptTokens,
        cachedTokens: reported.cachedTokens,
        engineMs: performance.now() - started,
      }));
  };
  if (signal.aborted) return results('aborted');

  let answer;
  try {
    answer = await http.send('POST', request.path, request.body, signal, { stream: true });
  } catch (error) {
    if (signal.aborted) return results('aborted');
    throw error;
  }
  if (answer.status >= 400 && answer.status < 500 && ![401, 403, 404].includes(answer.status))
    throw new RefusedError(answer.status, await http.statusError(answer, request.unsupported));
  if (answer.status !== 200) throw await http.statusError(answer, request.unsupported);
  if (!answer.contentType.startsWith('text/event-stream')) {
    answer.discard();
    throw http.garbage(what, `${answer.contentType || 'an untyped answer'} instead of an event stream`);
  }

  const parser = new SseParser();
  let ended: boolean;
  let endedCount = 0;
  try {
    ended = await answer.read((chunk) => {
      for (const event of parser.push(chunk)) {
        if (event.data === '[DONE]') return true;
        const value = http.parseJson(event.data, what);
        const failure = (value as { error?: unknown } | null)?.error;
        if (failure !== undefined) throw streamFailure(http, what, failure);
        const piece = request.read(value, what);
        const stream = streamOf(piece.index ?? 0);
        if (piece.text) {
          stream.text += piece.text;
          stream.counted++;
          options.onText?.(piece.text);
        }
        stream.reported = { ...stream.reported, ...definedFields(piece) };
        if (piece.end && !stream.ended) {
          stream.ended = true;
          if (++endedCount >= count) return true;
        }
      }
      return false;
    });
  } catch (error) {
    if (signal.aborted) return results('aborted');
    const message = error instanceof Error ? error.message : String(error);
    const text = [...streams.values()].map((stream) => stream.text).join('');
    throw new PartialGenerationError(`${message}${kept(text)}`, results('aborted')[0]!);
  }
  if (signal.aborted) return results('aborted');
  // Some OpenAI-compatible servers omit [DONE]; a finish reason is as good an ending.
  const reportedStop = [...streams.values()].some((stream) => stream.reported.stopReason !== undefined);
  if (!ended && !reportedStop) {
    const first = streamOf(0).text;
    throw new PartialGenerationError(
      `${http.label} closed the connection mid-stream (${what}).${kept(first)} Is it still running? Its log may say why.`,
      results('aborted')[0]!,
    );
  }
  return results('eos');
}

/** A server refused the request as asked (a 4xx other than auth or a missing route): asked differently, it may answer. */
export class RefusedError extends PylotError {
  constructor(
    readonly status: number,
    error: PylotError,
  ) {
    super(error.code, error.message);
  }
}

function streamFailure(http: ServerHttp, what: string, failure: unknown): PylotError {
  const message = typeof failure === 'string' ? failure : (failure as { message?: unknown } | null)?.message;
  return new PylotError(ErrorCodes.EngineFailed, `${http.label} stopped with an error (${what}): ${http.redact(String(message ?? JSON.stringify(failure)))}`);
}

function kept(text: string): string {
  return text ? ` The ${text.length} characters that arrived before are kept.` : '';
}

function definedFields(piece: StreamPiece): Partial<StreamPiece> {
  return Object.fromEntries(Object.entries(piece).filter(([key, value]) => value !== undefined && key !== 'text' && key !== 'end' && key !== 'index'));
}
