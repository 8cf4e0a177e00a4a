/**
 * Decides when a segment file can be deleted: when no delivery of an event in it is outstanding,
 * new records go elsewhere, and its acknowledgements no longer matter, that is, every older
 * segment holding events they acknowledge is gone already. Deleting it sooner would bring those
 * events back as duplicates at the next start.
 */
export class Retention {
  /** Outstanding (event, Trigger) deliveries per segment. */
  private readonly outstanding = new Map<number, number>();
  /** Per segment, the older segments still on disk whose events it acknowledges. */
  private readonly refersTo = new Map<number, Set<number>>();
  private readonly onDisk = new Set<number>();

  constructor(
    private active: number,
    private readonly remove: (segment: number) => void,
  ) {
    this.onDisk.add(active);
  }

  /** A segment found at start, with what its records said. */
  found(segment: number, outstanding: number, refersTo: Iterable<number>): void {
    this.onDisk.add(segment);
    this.adjust(segment, outstanding);
    for (const older of refersTo) this.refer(segment, older);
  }

  /** Deletes what the segments found at start allow, oldest first. */
  sweepAll(): void {
    for (const segment of [...this.onDisk].sort((a, b) => a - b)) this.sweep(segment);
  }

  /** Records now go to `segment`. */
  rolledTo(segment: number): void {
    const previous = this.active;
    this.active = segment;
    this.onDisk.add(segment);
    this.sweep(previous);
  }

  /** `deliveries` more (or, negative, fewer) outstanding deliveries of events in `segment`. */
  adjust(segment: number, deliveries: number): void {
    const left = (this.outstanding.get(segment) ?? 0) + deliveries;
    if (left > 0) this.outstanding.set(segment, left);
    else this.outstanding.delete(segment);
    if (deliveries < 0) this.sweep(segment);
  }

  /** A delivery of an event in `eventSegment` was acknowledged in `ackSegment`. */
  acknowledged(eventSegment: number, ackSegment: number): void {
    this.refer(ackSegment, eventSegment);
    this.adjust(eventSegment, -1);
  }

  /** At a clean stop: the active segment goes too if nothing needs it. */
  closing(): void {
    if (this.unneeded(this.active)) this.delete(this.active);
  }

  private refer(segment: number, older: number): void {
    if (older === segment || !this.onDisk.has(older)) return;
    const set = this.refersTo.get(segment) ?? new Set<number>();
    set.add(older);
    this.refersTo.set(segment, set);
  }

  private unneeded(segment: number): boolean {
    return this.onDisk.has(segment) && !this.outstanding.has(segment) && !this.refersTo.get(segment)?.size;
  }

  private sweep(segment: number): void {
    if (segment !== this.active && this.unneeded(segment)) this.delete(segment);
  }

  private delete(segment: number): void {
    this.onDisk.delete(segment);
    this.refersTo.delete(segment);
    this.remove(segment);
    for (const [newer, older] of this.refersTo) {
      if (older.delete(segment)) this.sweep(newer);
    }
  }
}
