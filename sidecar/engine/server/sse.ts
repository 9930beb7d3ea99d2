// Server-sent events (the WHATWG event-stream format), parsed from text chunks as they arrive by
// eventsource-parser. An event counts once its blank line has come, so one the stream cut off is
// never seen. llama-server's /completion and /infill end with an event whose JSON says
// `stop: true`; the /v1 routes end with `data: [DONE]`. Both are the callers' business: this only
// splits events.
import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseEvent {
  /** The `event:` field; 'message' when the server sent none. */
  readonly event: string;
  /** The `data:` lines joined with '\n'. */
  readonly data: string;
}

/**
 * eventsource-parser calls back per event; the stream reader wants the events one chunk completed,
 * so it can stop at the last one it needs (the end of a generation) without reading further.
 */
export class SseParser {
  private completed: SseEvent[] = [];
  private readonly parser: EventSourceParser = createParser({
    onEvent: ({ event, data }) => this.completed.push({ event: event ?? 'message', data }),
  });

  /** Takes the next chunk of the stream (any split, even mid-line) and returns the events it completed. */
  push(chunk: string): SseEvent[] {
    this.parser.feed(chunk);
    const events = this.completed;
    this.completed = [];
    return events;
  }
}
