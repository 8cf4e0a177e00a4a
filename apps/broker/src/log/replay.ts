import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { ScannedSegment } from './segment-log';

/** An event the log holds that some of its Triggers have not had yet. */
export interface PendingEvent {
  seq: number;
  segment: number;
  broker: string;
  triggers: string[];
  event: CloudEvent;
  /** Indexes into `triggers` still to be completed. */
  pending: number[];
}

export interface ReplayPlan {
  /** In the order the events were accepted. */
  pending: PendingEvent[];
  nextSeq: number;
  /** Per segment, the older segments holding events it acknowledges. */
  refersTo: Map<number, Set<number>>;
}

/**
 * Folds the records of every segment, oldest first, into the work left: each event minus the
 * Triggers it was acknowledged for, and which segments' acknowledgements still matter. An
 * acknowledgement whose event is gone (its segment was deleted) is ignored, but still counts for
 * the next sequence number, so that numbers are never reused while something on disk refers to
 * them.
 */
export function planReplay(segments: ScannedSegment[]): ReplayPlan {
  const events = new Map<number, PendingEvent & { open: Set<number> }>();
  const refersTo = new Map<number, Set<number>>();
  let lastSeq = 0;
  for (const { segment, records } of segments) {
    for (const record of records) {
      lastSeq = Math.max(lastSeq, record.seq);
      if (record.kind === 'event') {
        const { seq, broker, triggers, event } = record;
        events.set(seq, { seq, segment, broker, triggers, event, pending: [], open: new Set(triggers.keys()) });
        continue;
      }
      const acknowledged = events.get(record.seq);
      if (!acknowledged) continue;
      acknowledged.open.delete(record.trigger);
      if (acknowledged.segment !== segment) refersTo.set(segment, (refersTo.get(segment) ?? new Set()).add(acknowledged.segment));
    }
  }
  const pending: PendingEvent[] = [];
  for (const { open, ...entry } of events.values()) {
    if (open.size > 0) pending.push({ ...entry, pending: [...open].sort((a, b) => a - b) });
  }
  return { pending, nextSeq: lastSeq + 1, refersTo };
}
