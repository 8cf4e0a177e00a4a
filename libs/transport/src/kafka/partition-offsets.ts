/**
 * The records of one partition taken for delivery and not finished yet. Deliveries finish out
 * of order; the offset that may be committed is the first one still unfinished (or the one
 * after the last taken), so a crash never skips an event, it only redelivers some.
 */
export class PartitionOffsets {
  private readonly unfinished = new Set<number>();
  private next = -1;
  private committed = -1;

  track(offset: number): void {
    this.unfinished.add(offset);
    this.pass(offset);
  }

  /** A record done with as soon as taken (filtered out, unreadable): only moves where the partition got to. */
  pass(offset: number): void {
    if (offset + 1 > this.next) this.next = offset + 1;
  }

  finish(offset: number): void {
    this.unfinished.delete(offset);
  }

  /** The offset to commit now, or undefined when it would not move the committed one. */
  toCommit(): number | undefined {
    if (this.next < 0) return undefined;
    let offset = this.next;
    for (const pending of this.unfinished) if (pending < offset) offset = pending;
    return offset > this.committed ? offset : undefined;
  }

  /** Records taken and not finished. */
  get pending(): number {
    return this.unfinished.size;
  }

  /** The offset after the last one taken; undefined before any. */
  get nextOffset(): number | undefined {
    return this.next < 0 ? undefined : this.next;
  }

  committedAt(offset: number): void {
    if (offset > this.committed) this.committed = offset;
  }
}
