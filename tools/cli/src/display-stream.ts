import { setTimeout as sleep } from 'node:timers/promises';
import { createParser } from 'eventsource-parser';
import { parseHttp, STRUCTURED_CONTENT_TYPE, type CloudEvent } from '@seldon-eventing/cloudevents';
import { CliError, EXIT, networkReason } from './exit-codes';
import { filterQuery, matchesFilter, type EventFeed, type EventFilter, type OnEvent } from './event-feed';

/** How long to wait before reconnecting when the server named no `retry:` (the EventSource default is the browser's; 1 s here). */
const DEFAULT_RETRY_MS = 1000;

/** One SSE message's data: the structured-mode JSON of an event, as event-display lists it at /events. */
export function eventOfMessage(data: string): CloudEvent {
  return parseHttp({ headers: { 'content-type': STRUCTURED_CONTENT_TYPE }, body: Buffer.from(data, 'utf8') })[0];
}

export interface StreamOptions {
  /** Told about a malformed message or a lost connection being retried; the feed goes on. */
  warn?: (message: string) => void;
}

/**
 * Follows event-display's Server-Sent Events stream, `GET /events/stream?type=&source=&id=`:
 * one message per event, `id:` its sequence number, `data:` its structured-mode JSON. Resolves
 * once the stream is open (its response headers arrived). When the connection drops, it
 * reconnects with `Last-Event-ID`, as an EventSource does (WHATWG HTML, "Server-sent events",
 * 9.2.3), so no event is missed or shown twice while event-display still holds it.
 * An unreachable or refusing event-display on the first connection is an `unreachable` error.
 */
export async function followDisplayStream(display: string, filter: EventFilter, onEvent: OnEvent, options: StreamOptions = {}): Promise<EventFeed> {
  const url = `${display.replace(/\/$/, '')}/events/stream${filterQuery(filter)}`;
  const stop = new AbortController();
  let lastEventId: string | undefined;
  let retryMs = DEFAULT_RETRY_MS;

  const connect = async (): Promise<ReadableStreamDefaultReader<Uint8Array>> => {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: stop.signal });
    } catch (err) {
      throw new CliError(`cannot reach event-display's stream at ${url}: ${networkReason(err)}`, EXIT.unreachable);
    }
    const contentType = res.headers.get('content-type') ?? '';
    if (!res.ok || !res.body || !contentType.startsWith('text/event-stream')) {
      const body = await res.text().catch(() => '');
      throw new CliError(`event-display's stream at ${url} answered ${res.status} ${contentType}: ${body.slice(0, 500)}`, EXIT.unreachable);
    }
    return res.body.getReader();
  };

  const parser = createParser({
    onEvent: (message) => {
      if (message.id !== undefined) lastEventId = message.id;
      let event: CloudEvent;
      try {
        event = eventOfMessage(message.data);
      } catch (err) {
        options.warn?.(`skipped a stream message that is not an event (${(err as Error).message})`);
        return;
      }
      if (matchesFilter(event, filter)) onEvent(event);
    },
    onRetry: (ms) => (retryMs = ms),
  });

  const pump = async (first: ReadableStreamDefaultReader<Uint8Array>) => {
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined = first;
    const decoder = new TextDecoder();
    while (!stop.signal.aborted) {
      try {
        reader ??= await connect();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
      } catch (err) {
        if (stop.signal.aborted) return;
        options.warn?.(`${(err as Error).message}; reconnecting`);
      }
      reader = undefined;
      parser.reset();
      await sleep(retryMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  };

  const done = pump(await connect());
  return {
    close: async () => {
      stop.abort();
      await done;
    },
  };
}
