import type { CloudEvent } from '@seldon-eventing/cloudevents';

/**
 * What a log line about an event carries besides its message, so that an operator can find every
 * line about one event (or one trace) without parsing message text. The names are the JSON keys
 * of the service's log lines.
 */
export interface LogFields {
  event_id?: string;
  event_type?: string;
  trigger?: string;
  trace_id?: string;
}

/**
 * What the transport logs through. It is Nest's `Logger` shape, so services pass theirs, but the
 * transport itself does not depend on Nest (only its `nest/` adapter does). `fields` rides as
 * Nest's first optional parameter; the service's logger writes them as fields of the line.
 */
export interface Log {
  debug(message: string, fields?: LogFields): void;
  log(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Makes the log of one component, named by its context (e.g. `trigger default/foo`). */
export type LogFactory = (context: string) => Log;

/**
 * The fields of a line about `event` (delivered for `trigger`, when it is about a delivery): the
 * one place that turns an event into log fields.
 */
export function eventFields(event: CloudEvent, trigger?: string): LogFields {
  const fields: LogFields = { event_id: event.id, event_type: event.type };
  if (trigger !== undefined) fields.trigger = trigger;
  const traceId = traceIdOf(event.extensions.traceparent);
  if (traceId !== undefined) fields.trace_id = traceId;
  return fields;
}

/**
 * The trace id of a W3C `traceparent` (the CloudEvents distributed-tracing extension):
 * `<version>-<trace-id>-<parent-id>-<flags>`, the trace id 32 lowercase hex digits and not all
 * zeros (https://www.w3.org/TR/trace-context/#traceparent-header-field-values). A malformed
 * value gives none rather than a misleading id.
 */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = traceparent === undefined ? null : /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/.exec(traceparent.trim());
  if (!match || /^0+$/.test(match[1])) return undefined;
  return match[1];
}
