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
  const signal = AbortSignal.any([options.signal, lifetime]);
  const started = performance.now();
  const what = `POST ${request.path}`;
  let text = '';
  let counted = 0;
  let reported: StreamPiece = {};
  const result = (stopReason: StopReason): Generation => ({
    text,
    stopReason,
    tokens: reported.tokens ?? counted,
    promptTokens: reported.promptTokens,
    cachedTokens: reported.cachedTokens,
    engineMs: performance.now() - started,
  });
  if (signal.aborted) return result('aborted');

  let answer;
  try {
    answer = await http.send('POST', request.path, request.body, signal, { stream: true });
  } catch (error) {
    if (signal.aborted) return result('aborted');
    throw error;
  }
  if (answer.status !== 200) throw await http.statusError(answer, request.unsupported);
  if (!answer.contentType.startsWith('text/event-stream')) {
    answer.discard();
    throw http.garbage(what, `${answer.contentType || 'an untyped answer'} instead of an event stream`);
  }

  const parser = new SseParser();
  let ended: boolean;
  try {
    ended = await answer.read((chunk) => {
      for (const event of parser.push(chunk)) {
        if (event.data === '[DONE]') return true;
        const value = http.parseJson(event.data, what);
        const failure = (value as { error?: unknown } | null)?.error;
        if (failure !== undefined) throw streamFailure(http, what, failure);
        const piece = request.read(value, what);
        if (piece.text) {
          text += piece.text;
          counted++;
          options.onText?.(piece.text);
        }
        reported = { ...reported, ...definedFields(piece) };
        if (piece.end) return true;
      }
      return false;
    });
  } catch (error) {
    if (signal.aborted) return result('aborted');
    const message = error instanceof Error ? error.message : String(error);
    throw new PartialGenerationError(`${message}${kept(text)}`, result('aborted'));
  }
  if (signal.aborted) return result('aborted');
  // Some OpenAI-compatible servers omit [DONE]; a finish reason is as good an ending.
  if (!ended && reported.stopReason === undefined) {
    throw new PartialGenerationError(
      `${http.label} closed the connection mid-stream (${what}).${kept(text)} Is it still running? Its log may say why.`,
      result('aborted'),
    );
  }
  return result(reported.stopReason ?? 'eos');
}

function streamFailure(http: ServerHttp, what: string, failure: unknown): PylotError {
  const message = typeof failure === 'string' ? failure : (failure as { message?: unknown } | null)?.message;
  return new PylotError(ErrorCodes.EngineFailed, `${http.label} stopped with an error (${what}): ${http.redact(String(message ?? JSON.stringify(failure)))}`);
}

function kept(text: string): string {
  return text ? ` The ${text.length} characters that arrived before are kept.` : '';
}

function definedFields(piece: StreamPiece): Partial<StreamPiece> {
  return Object.fromEntries(Object.entries(piece).filter(([key, value]) => value !== undefined && key !== 'text' && key !== 'end'));
}
