import type { ServerResponse } from 'node:http';
import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { eventJson } from '@seldon-eventing/cloudevents';
import { EventHistory, matchesFilter, type EventFilter, type ReceivedEvent } from './event-history';

/** How often an idle stream gets a comment line, so that proxies and clients keep it open. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * `GET /events/stream`: the events event-display receives, as Server-Sent Events (WHATWG HTML,
 * "Server-sent events"). Each event is one message, `id:` its sequence number and `data:` the
 * one-line JSON object `GET /events` lists for it; a `: keep-alive` comment every 15 s. A client
 * that reconnects with `Last-Event-ID` (as EventSource does by itself) first gets the events kept
 * since that number, then the live ones.
 */
@Injectable()
export class EventStream implements BeforeApplicationShutdown {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly history: EventHistory,
    private readonly keepAliveMs = KEEP_ALIVE_MS,
  ) {}

  /** Streams to `res` until the client goes away or the service stops. */
  follow(res: ServerResponse, filter: EventFilter, lastEventId?: number): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // nginx (an ingress in front of a cluster) buffers responses unless told not to.
      'x-accel-buffering': 'no',
    });
    // Headers and a first line now, so that a client knows at once that it is connected.
    res.write(': connected\n\n');
    const send = (received: ReceivedEvent) => {
      if (matchesFilter(received.event, filter)) res.write(sseMessage(received));
    };
    if (lastEventId !== undefined) for (const received of this.history.query({ ...filter, since: lastEventId })) res.write(sseMessage(received));
    const unsubscribe = this.history.subscribe(send);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), this.keepAliveMs);
    this.open.add(res);
    res.once('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      this.open.delete(res);
    });
  }

  /** The streams never end by themselves: ended here, or the HTTP server's close would wait for them. */
  beforeApplicationShutdown(): void {
    for (const res of this.open) res.end();
  }

  get openStreams(): number {
    return this.open.size;
  }
}

export function sseMessage({ seq, event }: ReceivedEvent): string {
  // JSON.stringify escapes line breaks inside strings, so the object is one `data:` line.
  return `id: ${seq}\ndata: ${JSON.stringify(eventJson(event))}\n\n`;
}
