import { getAttribute, type CloudEvent } from '@seldon-eventing/cloudevents';

/** What `watch` and `predict` follow: the attributes event-display's stream filters on too. */
export interface EventFilter {
  type?: string;
  source?: string;
  id?: string;
}

export function matchesFilter(event: CloudEvent, filter: EventFilter): boolean {
  return (['type', 'source', 'id'] as const).every((name) => filter[name] === undefined || getAttribute(event, name) === filter[name]);
}

/** The query string of a filter, as event-display's `/events` and `/events/stream` take it. */
export function filterQuery(filter: EventFilter): string {
  const query = new URLSearchParams();
  for (const name of ['type', 'source', 'id'] as const) if (filter[name] !== undefined) query.set(name, filter[name] as string);
  const text = query.toString();
  return text ? `?${text}` : '';
}

export type OnEvent = (event: CloudEvent) => void;

/**
 * Events being followed. Opening one resolves once it is following, so that an event sent after
 * that is seen (predict starts following before it sends).
 */
export interface EventFeed {
  close(): Promise<void>;
}
