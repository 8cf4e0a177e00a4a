import { Logger } from '@nestjs/common';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { encodeRecord, type LogRecord } from './record-codec';
import { planReplay, type PendingEvent } from './replay';
import { Retention } from './retention';
import { SegmentLog, type Appended, type SegmentLogOptions } from './segment-log';

/** Where an accepted event sits in the log, to acknowledge its deliveries by. */
export interface LogEntry {
  readonly seq: number;
  readonly segment: number;
}

export type EventLogOptions = SegmentLogOptions;

/**
 * The broker's write-ahead log of accepted events (BROKER_LOG_DIR).
 *
 * 1. An event is appended and synced before the ingress answers 202, with the Triggers it matched.
 * 2. Each (event, Trigger) delivery that comes to an end (delivered, dead-lettered, given up) is
 *    acknowledged; acknowledgements are not synced one by one, since losing one costs only a
 *    duplicate delivery.
 * 3. Segments are deleted as soon as nothing in them matters any more (see Retention).
 * 4. On open, whatever is outstanding is handed back for replay.
 */
export class EventLog {
  private readonly log = new Logger('EventLog');
  private readonly retention: Retention;

  private constructor(
    private readonly segments: SegmentLog,
    private nextSeq: number,
  ) {
    this.retention = new Retention(segments.activeSegment, (segment) => segments.remove(segment));
  }

  static async open(options: EventLogOptions): Promise<{ log: EventLog; pending: PendingEvent[] }> {
    const { log: segments, segments: scanned } = await SegmentLog.open(options);
    const plan = planReplay(scanned);
    const log = new EventLog(segments, plan.nextSeq);
    const outstanding = new Map<number, number>();
    for (const event of plan.pending) outstanding.set(event.segment, (outstanding.get(event.segment) ?? 0) + event.pending.length);
    for (const s of scanned) {
      if (s.foreign) {
        log.log.warn(`${s.file} is not an event log segment: left alone`);
        continue;
      }
      if (s.corrupt > 0) log.log.error(`${s.file}: ${s.corrupt} corrupt record(s) skipped`);
      if (s.truncatedBytes > 0) log.log.warn(`${s.file}: ignoring ${s.truncatedBytes} byte(s) of a write cut short at the end`);
      log.retention.found(s.segment, outstanding.get(s.segment) ?? 0, plan.refersTo.get(s.segment) ?? []);
    }
    log.retention.sweepAll();
    return { log, pending: plan.pending };
  }

  /** Resolves once the event is on disk; rejects when it could not be written. */
  async append(broker: string, event: CloudEvent, triggers: string[]): Promise<LogEntry> {
    const { entry, written } = this.begin(broker, event, triggers);
    await written;
    return entry;
  }

  /**
   * Appends the event and says at once where it sits; `written` resolves once it is on disk and
   * rejects when it could not be written (its deliveries are then not to be acknowledged).
   */
  begin(broker: string, event: CloudEvent, triggers: string[]): { entry: LogEntry; written: Promise<void> } {
    const seq = this.nextSeq++;
    const { segment, written } = this.write({ kind: 'event', seq, broker, triggers, event }, true);
    this.retention.adjust(segment, triggers.length);
    const synced = written.catch((err: unknown) => {
      this.retention.adjust(segment, -triggers.length);
      throw err;
    });
    return { entry: { seq, segment }, written: synced };
  }

  /** The event's delivery to `triggers[trigger]` (as appended) has come to an end. */
  complete(entry: LogEntry, trigger: number): void {
    const { segment, written } = this.write({ kind: 'ack', seq: entry.seq, trigger }, false);
    written.catch((err: Error) =>
      this.log.warn(`acknowledgement of event #${entry.seq} not written (${err.message}): it will be delivered again after a restart`),
    );
    this.retention.acknowledged(entry.segment, segment);
  }

  /** Writes and fsyncs done so far: how well group commit batches. */
  get stats(): Readonly<{ writes: number; syncs: number }> {
    return this.segments.stats;
  }

  /** Writes what is queued and closes; the last segment goes too when nothing needs it. */
  async close(): Promise<void> {
    this.retention.closing();
    await this.segments.close();
  }

  private write(record: LogRecord, durable: boolean): Appended {
    const before = this.segments.activeSegment;
    const appended = this.segments.append(encodeRecord(record), durable);
    if (appended.segment !== before) this.retention.rolledTo(appended.segment);
    return appended;
  }
}
