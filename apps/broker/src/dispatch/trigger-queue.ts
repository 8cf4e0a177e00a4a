import type { CloudEvent } from '@seldon-eventing/cloudevents';

/**
 * Work for one Trigger: at most `maxInFlight` deliveries at once and `maxQueued` waiting, so a
 * slow subscriber holds back its own Trigger and no other, and memory stays bounded.
 */
export class TriggerQueue {
  private readonly waiting: CloudEvent[] = [];
  private inFlight = 0;
  private idle?: () => void;

  constructor(
    private readonly maxInFlight: number,
    private readonly maxQueued: number,
    private readonly deliver: (event: CloudEvent) => Promise<void>,
  ) {}

  hasRoom(): boolean {
    return this.waiting.length < this.maxQueued;
  }

  /** Queues regardless of room: callers check hasRoom() first when they may refuse. */
  push(event: CloudEvent): void {
    this.waiting.push(event);
    this.pump();
  }

  get depth(): number {
    return this.waiting.length + this.inFlight;
  }

  /** Resolves once nothing is waiting or in flight. */
  drained(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const event = this.waiting.shift() as CloudEvent;
      this.inFlight++;
      void this.deliver(event).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.depth === 0 && this.idle) {
          this.idle();
          this.idle = undefined;
        }
      });
    }
  }
}
