import type { Log } from '../log';
import { PartitionOffsets } from './partition-offsets';

/** How finished offsets reach Kafka: the consumer's commitOffsets for one topic. */
export type CommitOffsets = (offsets: { partition: number; offset: string }[]) => Promise<void>;

/**
 * The offset half of a Trigger's consumer, as eventing-kafka-broker splits its dispatcher
 * (OffsetManager beside RecordDispatcher): records are reported taken and finished, in any
 * order, and only offsets past finished records are committed, every `intervalMs` and on stop.
 * A crash therefore never skips an event; it only redelivers those not yet committed.
 */
export class OffsetManager {
  /** Per partition this member owns: what was taken and is not finished. */
  private readonly partitions = new Map<number, PartitionOffsets>();
  private timer?: NodeJS.Timeout;
  private rebalanceUnderWay = false;

  constructor(
    private readonly commitOffsets: CommitOffsets,
    private readonly log: Log,
  ) {}

  /** Between the start of a rebalance and the new assignment: no record is to be taken. */
  get rebalancing(): boolean {
    return this.rebalanceUnderWay;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.commit(), intervalMs);
  }

  /** Stops the timer and commits what is finished. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.commit();
  }

  /**
   * The coordinator accepted a heartbeat of this member's generation: no rebalance is under way.
   * A refused heartbeat can announce one that never comes: kafkajs counts NOT_COORDINATOR (the
   * group's coordinator moved, or is loading after a Kafka restart) as rebalancing, and when the
   * member then finds the coordinator again it rejoins nothing and no new assignment ends it.
   */
  stable(): void {
    this.rebalanceUnderWay = false;
  }

  /**
   * A rebalance starts (a member joins or leaves). As eventing-kafka-broker's OffsetManager does
   * in its partitions-revoked handler, finished work is committed now, and again as each record
   * in flight finishes: until the group has a new generation it still takes this member's
   * commits, and whatever is committed is not delivered again by the partition's next owner.
   */
  rebalance(): void {
    this.rebalanceUnderWay = true;
    void this.commit();
  }

  /**
   * The group's new assignment. Bookkeeping for partitions given up is dropped (their new owner
   * starts at the committed offset); a partition kept goes on where this member had got to, so
   * its finished and in-flight records are not taken again: returns, per kept partition, the
   * offset to resume fetching at (kafkajs would resume at the committed one).
   */
  assign(partitions: readonly number[]): Map<number, number> {
    this.rebalanceUnderWay = false;
    const resume = new Map<number, number>();
    for (const [partition, offsets] of this.partitions) {
      if (!partitions.includes(partition)) this.partitions.delete(partition);
      else if (offsets.nextOffset !== undefined) resume.set(partition, offsets.nextOffset);
    }
    return resume;
  }

  /**
   * Records that a record was taken for delivery; returns the function that reports it finished
   * (delivered, filtered out, dead-lettered or lost). Once its partition is given up, finishing
   * a record no longer counts: that bookkeeping was dropped.
   */
  track(partition: number, offset: number): () => void {
    const taken = this.partition(partition);
    taken.track(offset);
    return () => {
      taken.finish(offset);
      if (this.rebalanceUnderWay) void this.commit();
    };
  }

  /** Records a record done with as soon as it was taken (filtered out, unreadable). */
  pass(partition: number, offset: number): void {
    this.partition(partition).pass(offset);
  }

  private partition(partition: number): PartitionOffsets {
    let offsets = this.partitions.get(partition);
    if (!offsets) {
      offsets = new PartitionOffsets();
      this.partitions.set(partition, offsets);
    }
    return offsets;
  }

  /** Per partition owned, the records taken and not finished (in order, in delivery, retrying). */
  pendingByPartition(): Map<number, number> {
    return new Map([...this.partitions].map(([partition, offsets]) => [partition, offsets.pending]));
  }

  async commit(): Promise<void> {
    const commits = [...this.partitions].flatMap(([partition, offsets]) => {
      const offset = offsets.toCommit();
      return offset === undefined ? [] : [{ partition, offset, offsets }];
    });
    if (commits.length === 0) return;
    try {
      await this.commitOffsets(commits.map(({ partition, offset }) => ({ partition, offset: String(offset) })));
      commits.forEach(({ offset, offsets }) => offsets.committedAt(offset));
    } catch (err) {
      // A rebalance under way refuses commits; the next member starts from the last one that landed.
      this.log.debug(`commit deferred: ${(err as Error).message}`);
    }
  }
}
