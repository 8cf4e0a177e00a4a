import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { eventDisplaySettings } from './event-display.settings';

/** An event as received, numbered in the order event-display received it (from 1, per process). */
export interface ReceivedEvent {
  seq: number;
  event: CloudEvent;
}

/** What `GET /events` and `GET /events/stream` narrow the events by: exact attribute values. */
export interface EventFilter {
  type?: string;
  source?: string;
  id?: string;
}

export interface HistoryQuery extends EventFilter {
  /** Only the last `limit` events left after filtering. */
  limit?: number;
  /** Only events received after the one numbered `since`. */
  since?: number;
}

export function matchesFilter(event: CloudEvent, filter: EventFilter): boolean {
  return (
    (filter.type === undefined || event.type === filter.type) &&
    (filter.source === undefined || event.source === filter.source) &&
    (filter.id === undefined || event.id === filter.id)
  );
}

/**
 * The most recent events received, oldest first; EVENT_DISPLAY_HISTORY of them (default 1000).
 * Each is numbered, so that a client can ask for what came after the last one it saw (`since`,
 * and the SSE stream's `Last-Event-ID`), and listeners hear of each new one (the stream).
 */
@Injectable()
export class EventHistory {
  private readonly capacity: number;
  private readonly events: ReceivedEvent[] = [];
  private readonly listeners = new Set<(received: ReceivedEvent) => void>();
  private lastSeq = 0;

  constructor(capacity?: number) {
    this.capacity = capacity ?? eventDisplaySettings.read().history;
  }

  add(event: CloudEvent): ReceivedEvent {
    const received = { seq: ++this.lastSeq, event };
    this.events.push(received);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    for (const listener of this.listeners) listener(received);
    return received;
  }

  /** The events kept that match, oldest first. */
  query({ limit, since, ...filter }: HistoryQuery = {}): ReceivedEvent[] {
    const matching = this.events.filter((received) => (since === undefined || received.seq > since) && matchesFilter(received.event, filter));
    return limit === undefined ? matching : matching.slice(Math.max(0, matching.length - limit));
  }

  /** Calls `listener` with every event added from now on; returns the way to stop. */
  subscribe(listener: (received: ReceivedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets the events kept; the numbering goes on, so a client's `since` stays meaningful. */
  clear(): void {
    this.events.length = 0;
  }
}
