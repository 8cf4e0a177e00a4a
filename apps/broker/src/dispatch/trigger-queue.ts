/**
 * Work for one Trigger: at most `maxInFlight` deliveries at once and `maxQueued` waiting, so a
 * slow subscriber holds back its own Trigger and no other, and memory stays bounded.
 * `deliver` settles every job itself and never rejects (the dispatcher logs its own failures).
 */
export class TriggerQueue<Job> {
  private readonly waiting: Job[] = [];
  private inFlight = 0;
  private idle?: { promise: Promise<void>; resolve: () => void };

  constructor(
    private readonly maxInFlight: number,
    private readonly maxQueued: number,
    private readonly deliver: (job: Job) => Promise<void>,
  ) {}

  hasRoom(): boolean {
    return this.waiting.length < this.maxQueued;
  }

  /** Queues regardless of room: callers check hasRoom() first when they may refuse. */
  push(job: Job): void {
    this.waiting.push(job);
    this.pump();
  }

  get depth(): number {
    return this.waiting.length + this.inFlight;
  }

  /** Resolves once nothing is waiting or in flight. */
  drained(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    if (!this.idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job;
      this.inFlight++;
      void this.deliver(job).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.depth === 0 && this.idle) {
          this.idle.resolve();
          this.idle = undefined;
        }
      });
    }
  }
}
