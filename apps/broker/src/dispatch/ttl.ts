import { withExtensions, type CloudEvent } from '@seldon-eventing/cloudevents';

export const TTL_EXTENSION = 'knativebrokerttl';
export const DEFAULT_TTL = 255;

/** The hop budget an event arrived with; a missing or unreadable one starts afresh. */
export function ttlOf(event: CloudEvent): number | undefined {
  const raw = event.extensions[TTL_EXTENSION];
  if (raw === undefined) return undefined;
  const ttl = Number(raw);
  return Number.isInteger(ttl) ? ttl : undefined;
}

export function withTtl(event: CloudEvent, ttl: number): CloudEvent {
  return withExtensions(event, { [TTL_EXTENSION]: String(ttl) });
}

/** Subscribers never see the broker's loop guard, as in Knative's filter. */
export function withoutTtl(event: CloudEvent): CloudEvent {
  return event.extensions[TTL_EXTENSION] === undefined ? event : withExtensions(event, { [TTL_EXTENSION]: undefined });
}
