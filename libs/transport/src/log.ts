import { trace } from '@opentelemetry/api';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { contextFromEvent } from './tracing/trace-context';

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
  // Read as the tracing reads it (W3C's rules: no all-zero or malformed id), never a misleading id.
  const span = event.extensions.traceparent === undefined ? undefined : trace.getSpanContext(contextFromEvent(event));
  if (span && trace.isSpanContextValid(span)) fields.trace_id = span.traceId;
  return fields;
}
