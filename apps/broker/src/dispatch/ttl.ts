import type { CloudEvent } from '@seldon-eventing/cloudevents';

export const TTL_EXTENSION = 'knativebrokerttl';
export const DEFAULT_TTL = 255;

/** The hop budget an event arrived with; a missing or unreadable one starts afresh. */
export function ttlOf(event: CloudEvent): number | undefined {
  const raw = event.extensions[TTL_EXTENSION];
  if (raw === undefined) return undefined;
  const ttl = Number(raw);
  return Number.isInteger(ttl) ? ttl : undefined;
}

/** Sets the hop budget on an event the caller owns (one just parsed for this broker). */
export function setTtl(event: CloudEvent, ttl: number): void {
  event.extensions[TTL_EXTENSION] = String(ttl);
}

/**
 * Subscribers never see the broker's loop guard, as in Knative's filter. A copy, since the queued
 * event keeps it; built by a loop rather than `delete`, which would turn the extensions into a
 * slow dictionary object for every later read.
 */
export function withoutTtl(event: CloudEvent): CloudEvent {
  if (event.extensions[TTL_EXTENSION] === undefined) return event;
  const extensions: Record<string, string> = {};
  for (const name in event.extensions) if (name !== TTL_EXTENSION) extensions[name] = event.extensions[name];
  return { ...event, extensions };
}
