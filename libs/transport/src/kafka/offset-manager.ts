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
  /** Per partition: what was taken and is not finished; replaced at every (re)join of the group. */
  private partitions = new Map<number, PartitionOffsets>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly commitOffsets: CommitOffsets,
    private readonly log: Log,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.commit(), intervalMs);
  }

  /** Stops the timer and commits what is finished. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.commit();
  }

  /**
   * After a rebalance, fetching resumes at the committed offsets: what was in flight comes again
   * (at-least-once), and the old bookkeeping no longer says what to commit.
   */
  reset(): void {
    this.partitions = new Map();
  }

  /**
   * Records that a record was taken for delivery; returns the function that reports it finished
   * (delivered, filtered out, dead-lettered or lost). After a reset, finishing an old record no
   * longer counts: its partition's bookkeeping was replaced.
   */
  take(partition: number, offset: number): () => void {
    let offsets = this.partitions.get(partition);
    if (!offsets) {
      offsets = new PartitionOffsets();
      this.partitions.set(partition, offsets);
    }
    offsets.take(offset);
    const taken = offsets;
    return () => taken.finish(offset);
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
