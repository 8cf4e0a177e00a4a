export interface InFlightLimits {
  /** Records in flight at once, at most. */
  records: number;
  /** Bytes of their values in flight at once, at most (a larger record still goes, alone). */
  bytes: number;
}

/**
 * The deliveries one Trigger's consumer has in flight: bounded in records, and in bytes so that
 * large events cannot hold the count's worth of memory. Taken in arrival order; while a record
 * waits here its consumer fetches nothing more (kafkajs fetches again once every batch of the
 * last fetch is handled), which is what bounds what the consumer holds.
 */
export class InFlightLimit {
  private records = 0;
  private bytes = 0;
  private readonly waiting: { size: number; admit(): void }[] = [];

  constructor(private readonly limits: InFlightLimits) {}

  /** Resolves once the record fits, with the function that frees its place again (call it once). */
  async acquire(size: number): Promise<() => void> {
    if (this.waiting.length > 0 || !this.fits(size)) await new Promise<void>((admit) => this.waiting.push({ size, admit }));
    else this.take(size);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.records--;
      this.bytes -= size;
      this.admitWaiting();
    };
  }

  private fits(size: number): boolean {
    return this.records === 0 || (this.records < this.limits.records && this.bytes + size <= this.limits.bytes);
  }

  private take(size: number): void {
    this.records++;
    this.bytes += size;
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0].size)) {
      const next = this.waiting.shift() as { size: number; admit(): void };
      // Counted here, before the waiter runs, so that the next release sees it.
      this.take(next.size);
      next.admit();
    }
  }
}
